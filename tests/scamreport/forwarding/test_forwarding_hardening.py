"""Hardening of the sink and the worker's transports, over real sockets on loopback.

Each test is an attack that worked before: a signed body replayed under a new key, malformed
requests that dropped the connection, deep JSON, a stored JSON array that broke the page, and
slow or silent peers that held a thread (or the worker) forever.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from forwarding_support import SINK_SECRET, RunningSink, free_port, start_sink, stop_sink

from agency_sink.server import MAX_JSON_DEPTH, SinkHandler, SinkStore, SmtpSink
from scamreport.forwarding.signing import sign
from scamreport.forwarding.transports import (
    DeliveryFailed,
    EmailEndpoint,
    OutgoingDelivery,
    SmtpConfig,
    SmtpTransport,
    WebhookEndpoint,
    WebhookTransport,
)

KEY = "SR-7K3M-9QXD/sg-spf/webhook/json"
BODY = b'{"payload_version":1,"report":{"reference":"SR-7K3M-9QXD","scam_type":"phishing"}}'
# Generous bounds that only a hang exceeds; nothing asserts how fast anything is.
HANG_GUARD_SECONDS = 30.0


def raw_exchange(url: str, request: bytes) -> bytes:
    """Sends ``request`` as is and returns every byte the server answers until it closes."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=HANG_GUARD_SECONDS) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status_of(answer: bytes) -> int:
    assert answer, "the connection was dropped without an answer"
    return int(answer.split(b" ", 2)[1])


def post_raw(
    url: str, *, body: bytes = BODY, headers: dict[str, bytes], length: bytes | None = None
) -> bytes:
    lines = [b"POST /agencies/sg-spf HTTP/1.1", b"Host: sink", b"Connection: close"]
    lines.append(b"Content-Length: " + (length if length is not None else str(len(body)).encode()))
    lines += [name.encode() + b": " + value for name, value in headers.items()]
    return raw_exchange(url, b"\r\n".join(lines) + b"\r\n\r\n" + body)


def signed_headers(body: bytes = BODY, key: str = KEY) -> dict[str, bytes]:
    signature = sign(body, idempotency_key=key, secret=SINK_SECRET)
    return {"Idempotency-Key": key.encode(), "X-ScamReport-Signature": signature.encode()}


def post_signed(sink: RunningSink, body: bytes, *, key: str = KEY) -> requests.Response:
    headers = {k: v.decode() for k, v in signed_headers(body, key).items()}
    return requests.post(
        sink.url + "/agencies/sg-spf", data=body, headers=headers, timeout=HANG_GUARD_SECONDS
    )


# --- the signature covers the idempotency key ---------------------------------------------


def test_a_signed_body_replayed_under_a_new_key_is_refused(sink: RunningSink) -> None:
    genuine = signed_headers()
    assert status_of(post_raw(sink.url, headers=genuine)) == 200
    replayed = {**genuine, "Idempotency-Key": b"SR-7K3M-9QXD/sg-spf/webhook/json-again"}
    answer = post_raw(sink.url, headers=replayed)
    assert status_of(answer) == 401
    assert b"does not match the idempotency key and body" in answer
    assert sink.store.receipt_keys() == [KEY]


# --- malformed requests get 400 (or 401 for a malformed signature), never a dropped line --


@pytest.mark.parametrize(
    "signature",
    [
        "t=\u00b2,v2=00".encode(),  # str.isdigit() but not int()-able
        b"t=" + b"9" * 5000 + b",v2=00",  # a float overflow in the clock comparison
        "t=1700000000,v2=\u00e9\u00e9".encode("latin-1"),  # compare_digest TypeError
        b"t=,v2=",
        b",,,,",
        b"t=1=2,v2=3",
    ],
)
def test_malformed_signatures_are_answered_401(sink: RunningSink, signature: bytes) -> None:
    headers = {"Idempotency-Key": KEY.encode(), "X-ScamReport-Signature": signature}
    assert status_of(post_raw(sink.url, headers=headers)) == 401
    assert sink.store.count() == 0


@pytest.mark.parametrize(
    "key",
    [b"two words", "caf\u00e9".encode("latin-1"), b"\x7f", b"k" * 300],
)
def test_malformed_idempotency_keys_are_answered_400(sink: RunningSink, key: bytes) -> None:
    headers = {"Idempotency-Key": key, "X-ScamReport-Signature": b"t=1,v2=00"}
    answer = post_raw(sink.url, headers=headers)
    assert status_of(answer) == 400
    assert b"malformed Idempotency-Key" in answer


@pytest.mark.parametrize(
    "length", ["\u00b2".encode(), b"-1", b"1e3", b"99999999999999999999", b"", b" "]
)
def test_malformed_content_lengths_are_answered_400(sink: RunningSink, length: bytes) -> None:
    answer = post_raw(sink.url, headers=signed_headers(), length=length)
    assert status_of(answer) == 400
    assert b"Content-Length" in answer


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,  # RecursionError in json.loads
        b'{"a":' * (MAX_JSON_DEPTH + 1) + b"1" + b"}" * (MAX_JSON_DEPTH + 1),
        b'{"amount": ' + b"9" * 5000 + b"}",  # more digits than int() reads
        b'"\\ud800"',  # a lone surrogate, escaped
        b"\xed\xa0\x80",  # a lone surrogate, encoded
        b"\xff\xfe",
    ],
    ids=["deep-array", "deep-object", "huge-int", "escaped-surrogate", "raw-surrogate", "not-utf8"],
)
def test_bodies_that_are_not_sane_json_are_answered_400(sink: RunningSink, body: bytes) -> None:
    answer = post_signed(sink, body)
    if body == b'"\\ud800"':
        # Valid JSON (a string): stored, and the pages still work.
        assert answer.status_code == 200
        assert requests.get(sink.url + "/", timeout=HANG_GUARD_SECONDS).status_code == 200
        return
    assert answer.status_code == 400, answer.text
    assert sink.store.count() == 0


@pytest.mark.parametrize(
    ("body", "payload_format"),
    [
        (b"[1, 2, 3]", "json"),
        (b'"just a string"', "json"),
        (b'{"report": "not an object", "indicators": 5}', "json"),
        (b'{"objects": 5}', "stix"),
        (b'{"objects": [1, {"type": "report", "external_references": "x"}]}', "stix"),
        (b'{"a":' * MAX_JSON_DEPTH + b"1" + b"}" * MAX_JSON_DEPTH, "json"),
    ],
)
def test_the_pages_work_whatever_json_was_stored(
    sink: RunningSink, body: bytes, payload_format: str
) -> None:
    headers = {k: v.decode() for k, v in signed_headers(body).items()}
    headers["X-ScamReport-Payload-Format"] = payload_format
    stored = requests.post(
        sink.url + "/agencies/sg-spf", data=body, headers=headers, timeout=HANG_GUARD_SECONDS
    )
    assert stored.status_code == 200
    page = requests.get(sink.url + "/", timeout=HANG_GUARD_SECONDS)
    assert page.status_code == 200 and KEY in page.text
    listing = requests.get(sink.url + "/received.json", timeout=HANG_GUARD_SECONDS)
    assert listing.status_code == 200
    assert listing.json()["received"][0]["document"] == json.loads(body)


# --- slow and silent clients are cut off --------------------------------------------------


class QuickSinkHandler(SinkHandler):
    request_timeout_seconds = 0.5
    timeout = 0.5


@pytest.fixture
def quick_sink(tmp_path: Path) -> Iterator[RunningSink]:
    running = start_sink(tmp_path / "quick" / "received.db", handler=QuickSinkHandler)
    yield running
    stop_sink(running)


def test_a_body_that_never_arrives_is_answered_408(quick_sink: RunningSink) -> None:
    headers = signed_headers()
    head = (
        b"POST /agencies/sg-spf HTTP/1.1\r\nHost: sink\r\nContent-Length: 1000\r\n"
        + b"".join(n.encode() + b": " + v + b"\r\n" for n, v in headers.items())
        + b"\r\n"
    )
    answer = raw_exchange(quick_sink.url, head + BODY[:10])  # and then nothing
    assert status_of(answer) == 408


def test_a_client_trickling_its_headers_is_cut_off(quick_sink: RunningSink) -> None:
    host, port = quick_sink.url.removeprefix("http://").split(":")
    trickle = b"GET / HTTP/1.1\r\nHost: sink\r\n" + b"X-Slow: " + b"a" * 400
    with socket.create_connection((host, int(port)), timeout=HANG_GUARD_SECONDS) as sock:
        closed = False
        for byte in trickle:  # 0.05 s apart: each wait is short, the whole is not
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            time.sleep(0.05)
        if not closed:
            sock.settimeout(HANG_GUARD_SECONDS)
            closed = sock.recv(1) == b""
    assert closed, "the sink waited for a request that never ended"


def test_the_smtp_sink_drops_a_silent_client(tmp_path: Path) -> None:
    store = SinkStore(tmp_path / "smtp.db")
    smtp = SmtpSink(store, port=free_port(), timeout=0.5)
    smtp.start()
    try:
        with socket.create_connection(("127.0.0.1", smtp.port), timeout=HANG_GUARD_SECONDS) as sock:
            received = b""
            while chunk := sock.recv(4096):  # the banner, then EOF once the sink gives up
                received += chunk
        assert received.startswith(b"220")
    finally:
        smtp.stop()
        store.close()


# --- the worker is never held by a slow agency --------------------------------------------

OUTGOING = OutgoingDelivery(
    delivery_id=1,
    idempotency_key=KEY,
    agency_code="sg-spf",
    reference="SR-7K3M-9QXD",
    payload_format="json",
    content_type="application/json",
    body=BODY,
    attempt=1,
)


@pytest.fixture
def trickling_agency() -> Iterator[tuple[str, list[bytes]]]:
    """Answers each request's headers at once, then an endless body one byte at a time."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    statuses = [b"200 OK"]

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=trickle, args=(conn,), daemon=True).start()

    def trickle(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 " + statuses[0] + b"\r\nContent-Length: 1000000000\r\n\r\n")
            while not stop.is_set():
                try:
                    conn.sendall(b"x")
                except OSError:
                    return
                time.sleep(0.05)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook", statuses
    stop.set()
    thread.join(5)
    listener.close()


@pytest.mark.parametrize("status", [b"200 OK", b"503 Busy"])
def test_an_agency_trickling_its_answer_cannot_hold_the_worker(
    trickling_agency: tuple[str, list[bytes]], status: bytes
) -> None:
    url, statuses = trickling_agency
    statuses[0] = status
    outcome: list[object] = []

    def send() -> None:
        transport = WebhookTransport(connect_timeout=1.0, read_timeout=0.5)
        try:
            transport.send(OUTGOING, WebhookEndpoint(url=url, secret="s" * 16))
            outcome.append("delivered")
        except DeliveryFailed as error:
            outcome.append(error)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    sender.join(HANG_GUARD_SECONDS)
    assert not sender.is_alive(), "the worker was held by a trickling answer"
    if status.startswith(b"2"):
        assert outcome == ["delivered"]
    else:
        (error,) = outcome
        assert isinstance(error, DeliveryFailed) and str(error).startswith("HTTP 503: xxx")


def test_an_smtp_server_that_never_greets_times_out() -> None:
    listener = socket.create_server(("127.0.0.1", 0))  # accepts (backlog), never speaks
    config = SmtpConfig(host="127.0.0.1", port=listener.getsockname()[1], sender="a@b.c")
    outcome: list[BaseException] = []

    def send() -> None:
        try:
            SmtpTransport(timeout=0.5).send(OUTGOING, EmailEndpoint(address="x@y.z"), config)
        except DeliveryFailed as error:
            outcome.append(error)

    try:
        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        sender.join(HANG_GUARD_SECONDS)
        assert not sender.is_alive(), "the worker was held by a silent SMTP server"
    finally:
        listener.close()
    (error,) = outcome
    assert str(error) in ("SMTP failed (SMTPServerDisconnected)", "SMTP failed (TimeoutError)")


@pytest.mark.parametrize("method", [b"PUT", b"DELETE", b"\xff", b"PRI"])
def test_other_methods_are_answered_405_not_a_server_error(
    sink: RunningSink, method: bytes
) -> None:
    answer = raw_exchange(sink.url, method + b" / HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert status_of(answer) == 405
