"""The local agency sink for development: receives webhook deliveries like an agency would.

It checks each request's signature (refusing forged or stale ones with 401), drops repeats by
``Idempotency-Key`` (answering 200 so the sender stops retrying), stores what it received in a
SQLite file, and lists it at ``GET /`` (HTML) and ``GET /received.json``. Every accepted
request is also logged as a receipt, so tests can count duplicates before dedupe.

With ``SmtpSink`` it also stands in for e-mail agencies: a local SMTP server that keeps the
JSON attachment of each delivery e-mail in the same store (deduped by its idempotency key).

Not for production: it has one shared secret for every agency and no authentication of its
own; it listens on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import email
import email.policy
import html
import json
import logging
import re
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO

from scamreport.forwarding.signing import (
    DEFAULT_TOLERANCE_SECONDS,
    SIGNATURE_HEADER,
    SignatureError,
    check_idempotency_key,
    verify_signature,
)
from scamreport.forwarding.transports import IDEMPOTENCY_HEADER, PAYLOAD_FORMAT_HEADER

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 10 * 1024 * 1024
# Our documents nest about 5 deep; far deeper JSON is refused before it can exhaust a stack.
MAX_JSON_DEPTH = 32
# A client must send each request (line, headers and body) within this time, and may wait this
# long between requests on a kept-alive connection: a slow or silent client cannot hold a
# thread for longer.
REQUEST_TIMEOUT_SECONDS = 10.0
SMTP_TIMEOUT_SECONDS = 30
_AGENCY_PATH = re.compile(r"^/agencies/([a-z0-9-]{1,64})/?$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS received (
    idempotency_key TEXT PRIMARY KEY,
    agency TEXT NOT NULL,
    payload_format TEXT NOT NULL,
    content_type TEXT NOT NULL,
    reference TEXT,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    copies INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS receipts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL,
    agency TEXT NOT NULL,
    received_at TEXT NOT NULL,
    duplicate INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Received:
    """One delivery as the sink kept it (the first copy), with how many copies arrived."""

    idempotency_key: str
    agency: str
    payload_format: str
    content_type: str
    reference: str | None
    body: str
    received_at: str
    copies: int

    def document(self) -> Any:
        """The stored body as JSON (None if it no longer parses)."""
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):
            return None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "idempotency_key": self.idempotency_key,
            "agency": self.agency,
            "payload_format": self.payload_format,
            "content_type": self.content_type,
            "reference": self.reference,
            "received_at": self.received_at,
            "copies": self.copies,
            "document": self.document(),
        }


class SinkStore:
    """What the sink received, in a SQLite file (or ``:memory:``); safe across threads."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(str(path), check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._connection:
            # A development store: losing the last writes in a power cut is acceptable.
            self._connection.execute("PRAGMA journal_mode = WAL")
            self._connection.execute("PRAGMA synchronous = NORMAL")
            self._connection.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def record(
        self,
        *,
        idempotency_key: str,
        agency: str,
        payload_format: str,
        content_type: str,
        reference: str | None,
        body: str,
    ) -> bool:
        """Keeps the delivery unless its key was seen; True when it is new."""
        now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        with self._lock, self._connection:
            inserted = self._connection.execute(
                "INSERT OR IGNORE INTO received (idempotency_key, agency, payload_format, "
                "content_type, reference, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (idempotency_key, agency, payload_format, content_type, reference, body, now),
            ).rowcount
            if not inserted:
                self._connection.execute(
                    "UPDATE received SET copies = copies + 1 WHERE idempotency_key = ?",
                    (idempotency_key,),
                )
            self._connection.execute(
                "INSERT INTO receipts (idempotency_key, agency, received_at, duplicate) "
                "VALUES (?, ?, ?, ?)",
                (idempotency_key, agency, now, 0 if inserted else 1),
            )
        return bool(inserted)

    def received(self, *, limit: int | None = None) -> list[Received]:
        """Deduplicated deliveries, newest first."""
        query = (
            "SELECT idempotency_key, agency, payload_format, content_type, reference, body, "
            "received_at, copies FROM received ORDER BY received_at DESC, rowid DESC"
        )
        params: tuple[int, ...] = ()
        if limit is not None:
            query += " LIMIT ?"
            params = (limit,)
        with self._lock:
            rows = self._connection.execute(query, params).fetchall()
        return [Received(*row) for row in rows]

    def receipt_keys(self) -> list[str]:
        """The idempotency key of every accepted request, repeats included, in arrival order."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT idempotency_key FROM receipts ORDER BY id"
            ).fetchall()
        return [row[0] for row in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._connection.execute("SELECT count(*) FROM received").fetchone()[0])


def encodable(text: str) -> str:
    """``text`` with lone surrogates (valid in JSON escapes, not in UTF-8) as ``\\udxxx``."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def reference_of(document: Any) -> str | None:
    """The report reference in a JSON payload, a STIX bundle or a MISP event, if there is one."""
    reference = _reference_in(document)
    return None if reference is None else encodable(reference)


def _reference_in(document: Any) -> str | None:
    if not isinstance(document, dict):
        return None
    report = document.get("report")
    if isinstance(report, dict) and isinstance(report.get("reference"), str):
        return str(report["reference"])
    event = document.get("Event")
    if isinstance(event, dict):
        # A MISP event (scamreport.forwarding.misp): its Internal reference attribute.
        for attribute in _list(event.get("Attribute")):
            if (
                isinstance(attribute, dict)
                and attribute.get("category") == "Internal reference"
                and isinstance(attribute.get("value"), str)
            ):
                return str(attribute["value"])
        return None
    for obj in _list(document.get("objects")):
        if isinstance(obj, dict) and obj.get("type") == "report":
            for ref in _list(obj.get("external_references")):
                if isinstance(ref, dict) and ref.get("source_name") == "scamreport":
                    external_id = ref.get("external_id")
                    return external_id if isinstance(external_id, str) else None
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def json_depth(document: Any) -> int:
    """How deeply ``document`` nests lists and objects (a scalar is 0), without recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(document, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth + 1)
        pending.extend((child, depth + 1) for child in children)
    return deepest


class BadRequest(Exception):
    """The request is malformed: answered 400 with this message."""


def parse_document(body: bytes) -> tuple[str, Any]:
    """The body as text and JSON; raises BadRequest when it is not UTF-8 JSON of sane depth."""
    try:
        text = body.decode("utf-8")
        document = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("the body is not UTF-8 JSON") from None
    if json_depth(document) > MAX_JSON_DEPTH:
        raise BadRequest(f"the JSON nests deeper than {MAX_JSON_DEPTH} levels")
    return text, document


class DeadlineReader:
    """Reads from a socket file so that a whole request must arrive before a deadline.

    A socket timeout alone bounds each wait for data, so a client sending one byte at a time
    could keep a connection (and its thread) forever; this bounds the total.
    """

    def __init__(self, raw: BinaryIO, connection: Any, seconds: float) -> None:
        self._raw = raw
        self._connection = connection
        self._seconds = seconds
        self.deadline = time.monotonic() + seconds

    def restart(self) -> None:
        self.deadline = time.monotonic() + self._seconds

    def _arm(self) -> None:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request took too long to arrive")
        self._connection.settimeout(remaining)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            raise ValueError("the sink reads bounded amounts only")
        chunks: list[bytes] = []
        while size > 0:
            self._arm()
            chunk = self._raw.read1(min(size, 65536))  # type: ignore[attr-defined]
            if not chunk:
                break
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def readline(self, limit: int = -1) -> bytes:
        self._arm()
        return self._raw.readline(limit)

    def close(self) -> None:
        self._raw.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class SinkServer(ThreadingHTTPServer):
    daemon_threads = True
    # Many workers connect at once in the tests; the default backlog of 5 drops connections.
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        *,
        store: SinkStore,
        secret: str,
        tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
    ) -> None:
        if not secret:
            raise ValueError("the sink needs a secret to verify signatures")
        self.store = store
        self.secret = secret
        self.tolerance_seconds = tolerance_seconds
        super().__init__(address, handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A sender that hung up mid-answer is routine (it timed out); anything else is logged.
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            logger.debug("sink: client %s went away: %s", client_address, error)
            return
        logger.exception("sink: error while handling a request from %s", client_address)


class SinkHandler(BaseHTTPRequestHandler):
    server: SinkServer
    protocol_version = "HTTP/1.1"
    # Kept-alive connections: without these, headers and body go out in two sends and Nagle's
    # algorithm holds the body until the sender's delayed ACK, about 40 ms per delivery.
    # TCP_NODELAY on the accepted socket, and a buffered writer so headers and body leave in
    # one send (http.server flushes it after each request).
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024
    # The longest wait for data on a connection (socket timeout); see also DeadlineReader.
    timeout = REQUEST_TIMEOUT_SECONDS
    request_timeout_seconds = REQUEST_TIMEOUT_SECONDS

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("sink: %s", format % args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # http.server answers a method without a do_<METHOD> with 501, a server error.
        if code == HTTPStatus.NOT_IMPLEMENTED:
            code, message = HTTPStatus.METHOD_NOT_ALLOWED, "the sink takes GET and POST only"
        super().send_error(code, message, explain)

    def setup(self) -> None:
        super().setup()
        self.rfile = DeadlineReader(  # type: ignore[assignment]
            self.rfile, self.connection, self.request_timeout_seconds
        )

    def handle_one_request(self) -> None:
        self.rfile.restart()  # type: ignore[attr-defined]
        super().handle_one_request()

    # --- receiving -----------------------------------------------------------------------

    def do_POST(self) -> None:
        try:
            status, document = self.receive()
        except TimeoutError:
            self.close_connection = True
            status, document = HTTPStatus.REQUEST_TIMEOUT, {"error": "the request was too slow"}
        except BadRequest as error:
            status, document = HTTPStatus.BAD_REQUEST, {"error": str(error)}
        except Exception:  # noqa: BLE001 - answered 500 and logged, never a dropped connection
            logger.exception("sink: failed to handle a POST to %s", self.path)
            self.close_connection = True
            status, document = HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "internal error"}
        self.respond_json(status, document)

    def read_body(self) -> bytes:
        """The request body; raises BadRequest without a Content-Length up to 10 MB."""
        length_header = (self.headers.get("Content-Length") or "").strip()
        if not (length_header.isascii() and length_header.isdigit()) or len(length_header) > 9:
            self.close_connection = True  # the unread body would be taken for a request
            raise BadRequest("a Content-Length up to 10 MB is required")
        length = int(length_header)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            raise BadRequest("a Content-Length up to 10 MB is required")
        body = self.rfile.read(length)
        if len(body) < length:
            self.close_connection = True
            raise BadRequest("the body is shorter than its Content-Length")
        return body

    def idempotency_key(self) -> str:
        """The request's Idempotency-Key; raises BadRequest when it is missing or malformed."""
        key = (self.headers.get(IDEMPOTENCY_HEADER) or "").strip()
        if not key:
            raise BadRequest(f"missing {IDEMPOTENCY_HEADER} header")
        try:
            return check_idempotency_key(key)
        except ValueError as error:
            raise BadRequest(f"malformed {IDEMPOTENCY_HEADER} header: {error}") from None

    def receive(self) -> tuple[int, dict[str, Any]]:
        """Reads, verifies and stores one delivery; returns the status and JSON answer."""
        match = _AGENCY_PATH.match(self.path.split("?", 1)[0])
        body = self.read_body()
        if match is None:
            return HTTPStatus.NOT_FOUND, {"error": "POST to /agencies/<agency code>"}
        key = self.idempotency_key()
        try:
            verify_signature(
                body,
                self.headers.get(SIGNATURE_HEADER),
                idempotency_key=key,
                secret=self.server.secret,
                tolerance_seconds=self.server.tolerance_seconds,
            )
        except SignatureError as error:
            logger.warning("sink: refused a request to %s: %s", match.group(0), error)
            return HTTPStatus.UNAUTHORIZED, {"error": str(error)}
        text, document = parse_document(body)
        new = self.server.store.record(
            idempotency_key=key,
            agency=match.group(1),
            payload_format=self.headers.get(PAYLOAD_FORMAT_HEADER) or "json",
            content_type=self.headers.get("Content-Type") or "",
            reference=reference_of(document),
            body=text,
        )
        return HTTPStatus.OK, {"status": "accepted" if new else "duplicate"}

    def respond_json(self, status: int, document: Any) -> None:
        # Inside JSON strings a lone surrogate becomes its own \\udxxx escape again.
        text = json.dumps(document, ensure_ascii=False)
        self.respond(status, text.encode("utf-8", "backslashreplace"), "application/json")

    def respond(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    # --- showing -------------------------------------------------------------------------

    def do_GET(self) -> None:
        try:
            self.show()
        except Exception:  # noqa: BLE001 - answered 500 and logged, never a dropped connection
            logger.exception("sink: failed to show %s", self.path)
            self.close_connection = True
            self.respond_json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "internal error"})

    def show(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/health":
            self.respond_json(HTTPStatus.OK, {"status": "ok"})
        elif path == "/received.json":
            items = [item.to_json_dict() for item in self.server.store.received()]
            self.respond_json(HTTPStatus.OK, {"received": items})
        elif path == "/":
            page = render_page(self.server.store.received(limit=200), self.server.store.count())
            self.respond(
                HTTPStatus.OK, page.encode("utf-8", "backslashreplace"), "text/html; charset=utf-8"
            )
        else:
            self.respond_json(HTTPStatus.NOT_FOUND, {"error": "not found"})


def _summary(item: Received) -> str:
    """One line about a received document, whatever JSON it is."""
    document = item.document()
    if not isinstance(document, dict):
        return f"not a report ({type(document).__name__})"
    if item.payload_format == "misp":
        event = document.get("Event")
        event = event if isinstance(event, dict) else {}
        objects = [obj for obj in _list(event.get("Object")) if isinstance(obj, dict)]
        return f"{len(objects)} objects (MISP event)"
    if item.payload_format == "stix":
        objects = [obj for obj in _list(document.get("objects")) if isinstance(obj, dict)]
        count = sum(1 for obj in objects if obj.get("type") == "indicator")
        return f"{count} indicators (STIX bundle)"
    report = document.get("report")
    report = report if isinstance(report, dict) else {}
    facts = [report.get("scam_type"), report.get("country")]
    count = len(_list(document.get("indicators")))
    return ", ".join(str(fact) for fact in facts if fact) + f"; {count} indicators"


def _pretty(item: Received) -> str:
    """The document indented for reading, or the body as stored when it cannot be."""
    try:
        return json.dumps(json.loads(item.body), ensure_ascii=False, indent=2)
    except (ValueError, RecursionError):
        return item.body


def render_page(items: list[Received], total: int) -> str:
    """The HTML list of received deliveries (every value escaped)."""
    rows = []
    for item in items:
        pretty = _pretty(item)
        rows.append(
            "<tr>"
            f"<td>{html.escape(item.received_at)}</td>"
            f"<td>{html.escape(item.agency)}</td>"
            f"<td>{html.escape(item.reference or '')}</td>"
            f"<td>{html.escape(item.payload_format)}</td>"
            f"<td>{html.escape(_summary(item))}</td>"
            f"<td>{item.copies}</td>"
            f"<td><details><summary>{html.escape(item.idempotency_key)}</summary>"
            f"<pre>{html.escape(pretty)}</pre></details></td>"
            "</tr>"
        )
    body = "\n".join(rows) or '<tr><td colspan="7">Nothing received yet.</td></tr>'
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta http-equiv='refresh' content='10'><title>Agency sink</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}"
        "pre{max-width:60em;white-space:pre-wrap}</style></head><body>"
        f"<h1>Agency sink</h1><p>{total} deliveries received (after dedupe by "
        "Idempotency-Key; signatures verified).</p>"
        "<table><tr><th>received</th><th>agency</th><th>reference</th><th>format</th>"
        "<th>summary</th><th>copies</th><th>idempotency key / payload</th></tr>"
        f"{body}</table></body></html>"
    )


def make_sink_server(
    *,
    store: SinkStore,
    secret: str,
    host: str = "127.0.0.1",
    port: int = 0,
    tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
    handler: type[SinkHandler] = SinkHandler,
) -> SinkServer:
    """A bound (not yet serving) sink; port 0 picks a free port (see ``server.url``)."""
    return SinkServer(
        (host, port), handler, store=store, secret=secret, tolerance_seconds=tolerance_seconds
    )


def serve_in_thread(server: SinkServer, *, poll_seconds: float = 0.05) -> threading.Thread:
    """Runs ``server.serve_forever`` in a daemon thread (stop with ``server.shutdown()``)."""
    thread = threading.Thread(
        target=server.serve_forever, args=(poll_seconds,), name="agency-sink", daemon=True
    )
    thread.start()
    return thread


# --- e-mail --------------------------------------------------------------------------------


class SmtpSinkHandler:
    """aiosmtpd handler: keeps the JSON attachment of each delivery e-mail, deduped by its
    ``X-ScamReport-Idempotency-Key``; the agency is the recipient's local part."""

    def __init__(self, store: SinkStore) -> None:
        self.store = store

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        key = str(message.get("X-ScamReport-Idempotency-Key") or "").strip()
        if not key:
            return "550 5.6.0 missing X-ScamReport-Idempotency-Key"
        attachments = [
            part
            for part in message.iter_attachments()
            if part.get_content_type() == "application/json"
        ]
        if len(attachments) != 1:
            return "550 5.6.0 expected one application/json attachment"
        content = attachments[0].get_content()
        text = content.decode("utf-8") if isinstance(content, bytes) else str(content)
        try:
            document = json.loads(text)
        except ValueError:
            return "550 5.6.0 the attachment is not JSON"
        recipient = envelope.rcpt_tos[0] if envelope.rcpt_tos else "unknown@"
        self.store.record(
            idempotency_key=key,
            agency=recipient.partition("@")[0],
            payload_format=str(message.get("X-ScamReport-Payload-Format") or "json"),
            content_type="application/json (e-mail)",
            reference=reference_of(document),
            body=text,
        )
        return "250 OK"


class SmtpSink:
    """A local SMTP server feeding the sink's store (needs aiosmtpd, a development dependency)."""

    def __init__(
        self,
        store: SinkStore,
        *,
        host: str = "127.0.0.1",
        port: int,
        timeout: float = SMTP_TIMEOUT_SECONDS,
    ) -> None:
        try:
            from aiosmtpd.controller import Controller
        except ImportError as error:  # pragma: no cover - aiosmtpd ships with the dev extra
            raise RuntimeError("the SMTP sink needs aiosmtpd (pip install -e '.[dev]')") from error
        self.host, self.port = host, port
        self._controller = Controller(
            SmtpSinkHandler(store),
            hostname=host,
            port=port,
            # An idle or stalled client is dropped; bodies are bounded like the webhook's.
            timeout=timeout,
            data_size_limit=MAX_BODY_BYTES,
        )

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
