"""console/request_metrics.py: each request counted under its route's template and status
class, timed, and a 5xx answer counted as an error (an unhandled exception as such)."""

from __future__ import annotations

from collections.abc import Callable

from console_fixtures import ConsoleEnv
from prometheus_client import REGISTRY

from scamreport import metrics

REQUESTS = f"{metrics.CONSOLE_REQUESTS}_total"
SECONDS_COUNT = f"{metrics.CONSOLE_REQUEST_SECONDS}_count"
ERRORS = f"{metrics.CONSOLE_ERRORS}_total"


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def change(read: Callable[[], float], act: Callable[[], object]) -> float:
    before = read()
    act()
    return read() - before


def test_requests_are_counted_by_route_template_never_by_path(console_env: ConsoleEnv) -> None:
    client = console_env.app.test_client()
    report_page = "/reports/<reference>"
    moved = change(
        lambda: value(REQUESTS, route=report_page, method="GET", status_class="3xx"),
        lambda: [client.get(f"/reports/SR-ABCD-{n:04d}") for n in range(3)],
    )
    assert moved == 3  # signed out: sent to the login page
    assert value(SECONDS_COUNT, route=report_page) >= 3
    assert (
        change(
            lambda: value(REQUESTS, route="/healthz", method="GET", status_class="2xx"),
            lambda: client.get("/healthz"),
        )
        == 1
    )
    assert (
        change(
            lambda: value(REQUESTS, route="unmatched", method="GET", status_class="4xx"),
            lambda: client.get("/no/such/page/SR-WXYZ-0001?q=typed+by+someone"),
        )
        == 1
    )
    assert (
        change(
            lambda: value(REQUESTS, route="unmatched", method="other", status_class="4xx"),
            lambda: client.open("/healthz", method="SNEAKY"),
        )
        == 1
    )
    exposed = metrics.exposition().decode()
    for typed in ("SR-ABCD-0000", "SR-WXYZ-0001", "typed", "SNEAKY", "/no/such"):
        assert typed not in exposed


def test_a_5xx_answer_is_an_error_and_an_unhandled_exception_says_so(
    console_env: ConsoleEnv,
) -> None:
    app = console_env.app
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()

    def fail() -> object:
        raise RuntimeError("a bug")

    app.view_functions["health"] = fail
    exception = change(
        lambda: value(ERRORS, route="/healthz", kind="exception"),
        lambda: client.get("/healthz"),
    )
    assert exception == 1
    assert value(REQUESTS, route="/healthz", method="GET", status_class="5xx") >= 1

    app.view_functions["health"] = lambda: ("busy", 503)
    answered = change(
        lambda: value(ERRORS, route="/healthz", kind="5xx"), lambda: client.get("/healthz")
    )
    assert answered == 1
    assert (
        change(
            lambda: value(ERRORS, route="/healthz", kind="exception"),
            lambda: client.get("/healthz"),
        )
        == 0
    )
