"""Prometheus metrics: every metric's name (defined here once), the instruments the processes
update, the gauges read from the database at scrape time, and the token check of /metrics.

The action server and Rasa answer /metrics on their own port; the bot, the forwarding worker
and the console on a separate listener (``serve``) on the bind host. The console's gunicorn
workers count in prometheus_client's multiprocess mode (``begin_multiprocess``) and its master
shows their sum. Every /metrics needs
``Authorization: Bearer $METRICS_TOKEN`` (docs/deployment.md, "Metrics and logs").

prometheus_client is imported only when an instrument is first used: the Rasa environment
imports the names from here but has no prometheus_client (rasa_runtime/metrics.py writes the
same format with the standard library).
"""

from __future__ import annotations

import functools
import hmac
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry
    from sqlalchemy.orm import Session

    from scamreport.settings import Settings

# Names of the metric families (counters are exposed with "_total" appended).
TURN_SECONDS = "scamreport_turn_seconds"  # bot: a Telegram update to the reply sent
RASA_TURN_SECONDS = "scamreport_rasa_turn_seconds"  # Rasa: a message in its channel to the answer
NLU_CONFIDENCE = "scamreport_nlu_confidence"  # Rasa: the top intent's confidence, by intent
REPORTS_FILED = "scamreport_reports_filed"  # action server: by scam_type and language
DELIVERIES = "scamreport_deliveries"  # worker: recorded outcomes, by agency and outcome
DELIVERIES_PENDING = "scamreport_deliveries_pending"  # gauge by agency, from the database
DELIVERIES_DEAD = "scamreport_deliveries_dead"  # gauge by agency, from the database
QUEUE_DEPTH = "scamreport_queue_depth"  # gauge by queue: the bot's inbox and outbox rows
ERRORS = "scamreport_errors"  # log records at ERROR or above, by process and kind (logger)
CIRCUIT_STATE = "scamreport_circuit_state"  # worker: 1 for each agency's current state
# console (each gunicorn worker): by route template, never the path the client sent
CONSOLE_REQUESTS = "scamreport_console_requests"  # by route, method and status class
CONSOLE_REQUEST_SECONDS = "scamreport_console_request_seconds"  # by route
CONSOLE_ERRORS = "scamreport_console_errors"  # 5xx answers by route and kind

TURN_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0, 60.0)
CONFIDENCE_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)
CONSOLE_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0)
# The methods a console request is counted under; any other is counted as "other".
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
CIRCUIT_STATES = ("closed", "half_open", "open")
# Where the bot keeps work: messages Rasa has not taken yet, and notifications to send.
QUEUES = ("inbox", "outbox")

HELP = {
    TURN_SECONDS: "Seconds from a Telegram update to the bot's reply sent",
    RASA_TURN_SECONDS: "Seconds Rasa took to answer a message of its channel",
    NLU_CONFIDENCE: "Confidence of the intent NLU chose, by intent",
    REPORTS_FILED: "Reports filed, by scam type and language",
    DELIVERIES: "Delivery attempts recorded by this worker, by agency and outcome",
    DELIVERIES_PENDING: "Deliveries waiting to be sent, by agency",
    DELIVERIES_DEAD: "Deliveries given up on, by agency",
    QUEUE_DEPTH: "Rows waiting in the bot's inbox (messages for Rasa) and outbox",
    ERRORS: "Log records at ERROR or above, by process and logger",
    CIRCUIT_STATE: "1 for each agency's circuit state in this worker",
    CONSOLE_REQUESTS: "Requests the console answered, by route template, method and status class",
    CONSOLE_REQUEST_SECONDS: "Seconds the console took to answer, by route template",
    CONSOLE_ERRORS: "Console answers with a 5xx status, by route template and kind",
}

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
METRICS_PATH = "/metrics"

logger = logging.getLogger(__name__)


# --- the token ---------------------------------------------------------------------------


def authorisation_status(header: str | None, token: str | None) -> int:
    """200 when ``header`` is ``Bearer <token>``; 401 without one, 403 with a wrong one, 404
    when metrics are off (no token configured)."""
    if not token:
        return 404
    scheme, _, provided = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not provided.strip():
        return 401
    if not hmac.compare_digest(provided.strip().encode(), token.encode()):
        return 403
    return 200


# --- instruments -------------------------------------------------------------------------


@dataclass(frozen=True)
class Instrument:
    """What an instrument is: a counter or a histogram, its labels, a histogram's buckets."""

    kind: str  # "counter" or "histogram"
    labels: tuple[str, ...] = ()
    buckets: tuple[float, ...] = ()


INSTRUMENTS: dict[str, Instrument] = {
    TURN_SECONDS: Instrument("histogram", buckets=TURN_BUCKETS),
    REPORTS_FILED: Instrument("counter", ("scam_type", "language")),
    DELIVERIES: Instrument("counter", ("agency", "outcome")),
    ERRORS: Instrument("counter", ("process", "kind")),
    CONSOLE_REQUESTS: Instrument("counter", ("route", "method", "status_class")),
    CONSOLE_REQUEST_SECONDS: Instrument("histogram", ("route",), CONSOLE_BUCKETS),
    CONSOLE_ERRORS: Instrument("counter", ("route", "kind")),
}


# A console worker answers on several threads: two first uses at once must make one instrument
# (the second registration would fail and its count be lost).
_instruments_made = threading.Lock()


def instrument(name: str) -> Any | None:
    """The process's instrument ``name`` (INSTRUMENTS) in prometheus_client's default
    registry, made at its first use, so a process exports only what it counts (a histogram
    without labels shows as soon as it is made); None where prometheus_client is not installed
    (the Rasa environment)."""
    with _instruments_made:
        return _make_instrument(name)


@functools.cache
def _make_instrument(name: str) -> Any | None:
    try:
        from prometheus_client import Counter, Histogram
    except ImportError:
        return None
    spec = INSTRUMENTS[name]
    if spec.kind == "histogram":
        return Histogram(name, HELP[name], list(spec.labels), buckets=spec.buckets)
    return Counter(name, HELP[name], list(spec.labels))


def _update(name: str, change: Callable[[Any], object]) -> None:
    # Called after the work it counts is done (a report committed, a delivery recorded): a
    # metrics failure must not turn that into an error.
    try:
        found = instrument(name)
        if found is not None:
            change(found)
    except Exception as error:  # noqa: BLE001
        logger.warning("metrics: not counted (%s)", type(error).__name__)


def observe_turn(seconds: float) -> None:
    _update(TURN_SECONDS, lambda found: found.observe(seconds))


def report_filed(scam_type: str, language: str | None) -> None:
    _update(
        REPORTS_FILED,
        lambda found: found.labels(scam_type=scam_type, language=language or "unknown").inc(),
    )


def delivery_recorded(agency: str, outcome: str) -> None:
    _update(DELIVERIES, lambda found: found.labels(agency=agency, outcome=outcome).inc())


def count_error(process: str, kind: str) -> None:
    _update(ERRORS, lambda found: found.labels(process=process, kind=kind).inc())


def console_request(
    *, route: str, method: str, status: int, seconds: float | None, exception: bool
) -> None:
    """A request a console worker answered: CONSOLE_REQUESTS, its latency and, for a 5xx
    answer, CONSOLE_ERRORS (kind "exception" when an unhandled exception made it, else "5xx").
    ``route`` is the route's template and ``method`` one of HTTP_METHODS or "other", never
    what the client sent (console/request_metrics.py)."""
    status_class = f"{status // 100}xx"
    _update(
        CONSOLE_REQUESTS,
        lambda found: found.labels(route=route, method=method, status_class=status_class).inc(),
    )
    if seconds is not None:
        _update(CONSOLE_REQUEST_SECONDS, lambda found: found.labels(route=route).observe(seconds))
    if status >= 500:
        kind = "exception" if exception else "5xx"
        _update(CONSOLE_ERRORS, lambda found: found.labels(route=route, kind=kind).inc())


class ErrorCounter(logging.Handler):
    """Counts every record at ERROR or above in ERRORS, its kind being the logger's name."""

    def __init__(self, process: str, count: Callable[[str, str], None] = count_error) -> None:
        super().__init__(level=logging.ERROR)
        self.process = process
        self.count = count

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.count(self.process, record.name)
        except Exception:  # noqa: BLE001 - counting must never break logging
            self.handleError(record)


def count_errors(process: str) -> None:
    """Adds an ErrorCounter for ``process`` to the root logger (once)."""
    root = logging.getLogger()
    if not any(isinstance(handler, ErrorCounter) for handler in root.handlers):
        root.addHandler(ErrorCounter(process))


# --- gauges read at scrape time ----------------------------------------------------------


def delivery_backlog(session: Session) -> dict[tuple[str, str], int]:
    """Pending and dead deliveries by (agency, status): one grouped count."""
    from sqlalchemy import func, select

    from scamreport.storage.models import Delivery

    rows = session.execute(
        select(Delivery.agency_code, Delivery.status, func.count())
        .where(Delivery.status.in_(("pending", "dead")))
        .group_by(Delivery.agency_code, Delivery.status)
    )
    return {(agency, status): count for agency, status, count in rows}


def bot_queue_depth(session: Session) -> dict[str, int]:
    """Rows in the bot's inbox (kept messages) and outbox (pending notifications)."""
    from sqlalchemy import func, select

    from scamreport.storage.models import Notification, PendingMessage

    inbox = session.scalar(select(func.count()).select_from(PendingMessage)) or 0
    outbox = (
        session.scalar(
            select(func.count()).select_from(Notification).where(Notification.status == "pending")
        )
        or 0
    )
    return {"inbox": inbox, "outbox": outbox}


class ScrapeCollector:
    """A prometheus_client collector that asks the database (or the process) at each scrape.

    ``read`` yields metric families; a failed read is logged and leaves them out, so a
    database outage shows as missing series (and an error count), not as a failed scrape."""

    def __init__(self, name: str, read: Callable[[], Iterable[Any]]) -> None:
        self.name = name
        self.read = read

    def collect(self) -> Iterator[Any]:
        try:
            families = list(self.read())
        except Exception as error:  # noqa: BLE001 - a scrape answers with what it has
            logger.error("metrics: reading %s failed (%s)", self.name, type(error).__name__)
            return iter(())
        return iter(families)

    def describe(self) -> list[Any]:
        # No description: the registry must not call ``read`` (the database) on registration.
        return []


def delivery_families(session_factory: Callable[[], Session]) -> Callable[[], list[Any]]:
    """DELIVERIES_PENDING and DELIVERIES_DEAD by agency, read when called."""
    from prometheus_client.core import GaugeMetricFamily

    def read() -> list[Any]:
        with session_factory() as session:
            backlog = delivery_backlog(session)
        pending = GaugeMetricFamily(DELIVERIES_PENDING, HELP[DELIVERIES_PENDING], labels=["agency"])
        dead = GaugeMetricFamily(DELIVERIES_DEAD, HELP[DELIVERIES_DEAD], labels=["agency"])
        for (agency, status), count in sorted(backlog.items()):
            (pending if status == "pending" else dead).add_metric([agency], count)
        return [pending, dead]

    return read


def queue_families(session_factory: Callable[[], Session]) -> Callable[[], list[Any]]:
    """QUEUE_DEPTH by queue (inbox, outbox), read when called."""
    from prometheus_client.core import GaugeMetricFamily

    def read() -> list[Any]:
        with session_factory() as session:
            depth = bot_queue_depth(session)
        family = GaugeMetricFamily(QUEUE_DEPTH, HELP[QUEUE_DEPTH], labels=["queue"])
        for queue in QUEUES:
            family.add_metric([queue], depth[queue])
        return [family]

    return read


def circuit_families(states: Callable[[], dict[str, str]]) -> Callable[[], list[Any]]:
    """CIRCUIT_STATE: for each agency, 1 for its state and 0 for the others."""
    from prometheus_client.core import GaugeMetricFamily

    def read() -> list[Any]:
        family = GaugeMetricFamily(CIRCUIT_STATE, HELP[CIRCUIT_STATE], labels=["agency", "state"])
        for agency, current in sorted(states().items()):
            for state in CIRCUIT_STATES:
                family.add_metric([agency, state], 1.0 if state == current else 0.0)
        return [family]

    return read


def register_scrape(
    name: str, read: Callable[[], Iterable[Any]], registry: CollectorRegistry | None = None
) -> ScrapeCollector:
    """Adds a ScrapeCollector to ``registry`` (default: prometheus_client's)."""
    from prometheus_client import REGISTRY

    collector = ScrapeCollector(name, read)
    (registry or REGISTRY).register(collector)  # type: ignore[arg-type]
    return collector


# --- exposition and the separate listener ------------------------------------------------


def exposition(registry: CollectorRegistry | None = None) -> bytes:
    """The Prometheus text format of ``registry`` (default: prometheus_client's)."""
    from prometheus_client import REGISTRY, generate_latest

    return generate_latest(registry or REGISTRY)


def answer(
    header: str | None, token: str | None, registry: CollectorRegistry | None = None
) -> tuple[int, bytes]:
    """The status and body of a /metrics request with ``Authorization: header``."""
    status = authorisation_status(header, token)
    if status != 200:
        return status, {401: b"missing token\n", 403: b"wrong token\n"}.get(status, b"off\n")
    return 200, exposition(registry)


class MetricsServer:
    """/metrics on its own port (the bot, the worker, the console), in a daemon thread;
    ``registry`` is what it shows (default: prometheus_client's)."""

    def __init__(
        self, host: str, port: int, token: str, registry: CollectorRegistry | None = None
    ) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path.split("?", 1)[0] != METRICS_PATH:
                    status, body = 404, b"not found\n"
                else:
                    status, body = answer(self.headers.get("Authorization"), token, registry)
                self.send_response(status)
                self.send_header("Content-Type", CONTENT_TYPE if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                if status == 401:
                    self.send_header("WWW-Authenticate", "Bearer")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # each scrape would be a log line

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="metrics", daemon=True)

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def start(self) -> MetricsServer:
        self.thread.start()
        return self

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve(
    host: str, port: int, token: str, registry: CollectorRegistry | None = None
) -> MetricsServer:
    """Starts /metrics on ``host:port`` (port 0: any free one) and returns the listener."""
    server = MetricsServer(host, port, token, registry).start()
    logger.info("metrics on http://%s:%d%s", host, server.port, METRICS_PATH)
    return server


def listener_port(process: str, settings: Settings, env: Mapping[str, str]) -> int | None:
    """The port of ``process``'s /metrics listener (scamreport.settings.METRICS_PORTS), None
    when unset; SettingsError when it is set without METRICS_TOKEN."""
    from scamreport.settings import METRICS_PORTS, METRICS_TOKEN, SettingsError, metrics_port

    port = metrics_port(env, process)
    if port is not None and not settings.metrics_token:
        raise SettingsError(f"{METRICS_PORTS[process]} is set: set {METRICS_TOKEN} too")
    return port


def start_listener(
    process: str,
    settings: Settings,
    env: Mapping[str, str],
    registry: CollectorRegistry | None = None,
) -> MetricsServer | None:
    """``process``'s /metrics listener on the bind host when its port is set, else None."""
    port = listener_port(process, settings, env)
    if port is None or not settings.metrics_token:
        return None
    return serve(settings.bind_host, port, settings.metrics_token, registry)


def scrape_sessions(database_url: str) -> Callable[[], Session]:
    """Sessions for scrape-time reads: a connection per scrape, none kept open (the console's
    gunicorn master forks workers, which must not inherit a pooled connection)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker
    from sqlalchemy.pool import NullPool

    from scamreport.storage.database import normalise_database_url

    engine = create_engine(normalise_database_url(database_url), poolclass=NullPool)
    return sessionmaker(engine)


def start_with_gauges(
    process: str,
    settings: Settings,
    env: Mapping[str, str],
    *,
    deliveries: bool = False,
    queues: bool = False,
    registry: CollectorRegistry | None = None,
) -> MetricsServer | None:
    """``process``'s /metrics listener (start_listener) with the database gauges it shows:
    deliveries pending and dead per agency, the bot's queue depth; in ``registry`` (default:
    prometheus_client's)."""
    if listener_port(process, settings, env) is None:
        return None
    sessions = scrape_sessions(settings.database_url)
    if deliveries:
        register_scrape("deliveries", delivery_families(sessions), registry)
    if queues:
        register_scrape("queues", queue_families(sessions), registry)
    return start_listener(process, settings, env, registry)


# --- several processes, one /metrics (the console's gunicorn) ----------------------------

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


def begin_multiprocess(prefix: str) -> Path:
    """A fresh private directory (mode 0700) for prometheus_client's multiprocess mode, named
    in PROMETHEUS_MULTIPROC_DIR: every instrument this process and the processes it forks make
    from now on keeps its values in a file of its process there. Call it before any instrument
    is made (instruments are made at first use); remove the directory with end_multiprocess."""
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ[MULTIPROCESS_DIR] = str(directory)
    # prometheus_client chooses its value class when it is first imported, which the
    # `scamreport` command's logging set-up may already have done: choose again.
    from prometheus_client import values

    values.ValueClass = values.get_value_class()
    return directory


def end_multiprocess(directory: Path) -> None:
    """Removes ``directory`` (begin_multiprocess) and its variable."""
    if os.environ.get(MULTIPROCESS_DIR) == str(directory):
        del os.environ[MULTIPROCESS_DIR]
    shutil.rmtree(directory, ignore_errors=True)


def mark_process_dead(pid: int, directory: Path) -> None:
    """Multiprocess bookkeeping when process ``pid`` exited: its live gauges go; its counters
    and histograms stay in the sum, so a killed process's counts are not lost."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid, str(directory))


def multiprocess_registry(directory: Path) -> CollectorRegistry:
    """A registry showing the sum over every process's files in ``directory``."""
    from prometheus_client import CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    return registry
