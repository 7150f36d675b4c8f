"""Counting the console's requests (scamreport.metrics: CONSOLE_REQUESTS, its latency, errors).

Each request is counted under its route's template (``/reports/<reference>``), never the path
the client sent: a report reference or anything typed into a URL must not become a label.
A request no route matched counts as UNMATCHED. Under gunicorn each worker counts into
prometheus_client's multiprocess files and the master's /metrics shows the sum
(console/cli/serve.py). The latency is the time to the response object: an export's body
streams after it.
"""

from __future__ import annotations

import time

from flask import Flask, Response, g, got_request_exception, request

from scamreport.metrics import HTTP_METHODS, console_request

UNMATCHED = "unmatched"


def route_template() -> str:
    """The matched route's template, or UNMATCHED (a 404, a 405, a refused request)."""
    rule = request.url_rule
    return rule.rule if rule is not None else UNMATCHED


def counted_method() -> str:
    """The request's method when it is a standard one, else "other" (methods are free text)."""
    return request.method if request.method in HTTP_METHODS else "other"


def _start_timing() -> None:
    g.request_started = time.perf_counter()


def _note_exception(sender: Flask, exception: BaseException, **extra: object) -> None:
    g.request_exception = True


def _count_request(response: Response) -> Response:
    started = g.get("request_started")
    console_request(
        route=route_template(),
        method=counted_method(),
        status=response.status_code,
        seconds=None if started is None else time.perf_counter() - started,
        exception=bool(g.get("request_exception")),
    )
    return response


def count_requests(app: Flask) -> None:
    """Counts every request ``app`` answers. Call it before any other before_request hook is
    added, so that a request another hook refuses is timed too."""
    app.before_request(_start_timing)
    # after_request also runs for the 500 answered after an unhandled exception.
    app.after_request(_count_request)
    got_request_exception.connect(_note_exception, app, weak=False)
