"""Fuzzing the agency sink over raw HTTP: headers, bodies, signatures, request lines.

The sink runs as its own process (`scamreport sink`), so its peak memory (VmHWM) is its own.
Every request must get an HTTP answer (never a dropped connection), never a 5xx, within the
hang guard; genuine deliveries are accepted and forged ones refused.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from scamreport.cli.stack import free_port
from scamreport.forwarding.signing import SignatureError, sign, verify_signature
from tests.fuzz.fuzz_support import Tally, fuzz_cases, fuzz_seed, rss_mib
from tests.fuzz.generators import Fuzz

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECRET = "fuzz-sink-secret-0123456789"
HANG_GUARD_SECONDS = 30.0
MAX_SINK_RSS_MIB = 300  # peak resident memory of the sink process


@pytest.fixture(scope="module")
def sink_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    port = free_port()
    store = tmp_path_factory.mktemp("fuzz-sink") / "received.db"
    env = {**os.environ, "SCAMREPORT_SINK_SECRET": SECRET, "SCAMREPORT_ENV": "test"}
    process = subprocess.Popen(
        [sys.executable, "-m", "scamreport", "sink", "--port", str(port), "--store", str(store)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/health", timeout=2).ok:
                break
        except requests.RequestException:
            time.sleep(0.2)
    yield url, process.pid
    process.terminate()
    process.wait(30)


def exchange(port: int, request: bytes) -> bytes | None:
    """The raw answer to ``request`` (read until the sink closes); None when it hung."""
    with socket.create_connection(("127.0.0.1", port), timeout=HANG_GUARD_SECONDS) as sock:
        # The sink may answer and close before taking everything: read its answer anyway.
        with contextlib.suppress(OSError):
            sock.sendall(request)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            return None
        except ConnectionResetError:
            pass
    return b"".join(chunks)


def http_request(
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    *,
    method: bytes = b"POST",
    path: bytes = b"/agencies/sg-spf",
    length: bytes | None = None,
) -> bytes:
    lines = [method + b" " + path + b" HTTP/1.1", b"Host: sink", b"Connection: close"]
    lines.append(b"Content-Length: " + (str(len(body)).encode() if length is None else length))
    lines += [name + b": " + value for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def signed(body: bytes, key: str) -> list[tuple[bytes, bytes]]:
    signature = sign(body, idempotency_key=key, secret=SECRET)
    return [(b"Idempotency-Key", key.encode()), (b"X-ScamReport-Signature", signature.encode())]


def make_case(fuzz: Fuzz, number: int) -> tuple[str, bytes, set[int] | None]:
    """(kind, request bytes, the statuses it may get; None: any answer below 500)."""
    kind = fuzz.pick(
        ("genuine", "replayed", "signature", "body", "key", "headers", "length", "request line")
    )
    key = f"SR-{number:06d}/sg-spf/webhook/json"
    document = fuzz.dumps({"payload_version": 1, "report": {"story": fuzz.text(max_length=500)}})
    if kind == "genuine":
        return kind, http_request(signed(document, key), document), {200}
    if kind == "replayed":
        headers = signed(document, key)
        headers[0] = (b"Idempotency-Key", (key + "-again").encode())
        return kind, http_request(headers, document), {401}
    if kind == "signature":
        genuine = sign(document, idempotency_key=key, secret=SECRET)
        mutated = fuzz.signature_mutation(genuine)
        headers = [(b"Idempotency-Key", key.encode()), (b"X-ScamReport-Signature", mutated)]
        # Some mutations keep a genuine signature (repeated, or its fields swapped).
        return kind, http_request(headers, document), {still_valid(document, key, mutated)}
    if kind == "body":
        body = fuzz.body()
        return kind, http_request(signed(body, key), body), {200, 400}
    if kind == "key":
        raw_key = fuzz.idempotency_key()
        return kind, http_request(signed(document, raw_key), document), {200, 400}
    if kind == "headers":
        headers = signed(document, key) + [
            (
                fuzz.pick(
                    (
                        b"X-Fuzz",
                        b"Idempotency-Key",
                        b"X-ScamReport-Signature",
                        b"Content-Type",
                        b"X-ScamReport-Payload-Format",
                        b"Transfer-Encoding",
                    )
                ),
                fuzz.header_value(),
            )
            for _ in range(fuzz.random.randint(1, 4))
        ]
        return kind, http_request(headers, document), None
    if kind == "length":
        length = fuzz.header_value()
        return kind, http_request(signed(document, key), document, length=length), None
    method = fuzz.pick((b"GET", b"PUT", b"DELETE", b"HEAD", b"POST", b"\xff", b"PRI"))
    path = fuzz.pick((b"/", b"/received.json", b"/agencies/" + b"a" * 70, b"*", b"/%00", b"//x?y"))
    return kind, http_request([], b"", method=method, path=path), None


def still_valid(body: bytes, key: str, header: bytes) -> int:
    try:
        verify_signature(body, header.decode("latin-1"), idempotency_key=key, secret=SECRET)
    except SignatureError:
        return 401
    return 200


def status_of(answer: bytes) -> int | None:
    try:
        return int(answer.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def test_no_request_breaks_the_sink(sink_process: tuple[str, int]) -> None:
    url, pid = sink_process
    port = int(url.rsplit(":", 1)[1])
    fuzz = Fuzz(fuzz_seed() + 2)
    tally = Tally("agency sink (scamreport sink, raw HTTP)")
    cases = [make_case(fuzz, number) for number in range(fuzz_cases())]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda case: exchange(port, case[1]), cases))
    for (kind, request, allowed), answer in zip(cases, answers, strict=True):
        tally.count(kind)
        if answer is None:
            tally.fail(kind, "no answer within the hang guard", request)
            continue
        status = status_of(answer)
        if status is None:
            tally.fail(kind, "connection closed without an answer", request)
        elif status >= 500 or (allowed is not None and status not in allowed):
            tally.fail(kind, f"HTTP {status}", request)
    for path in ("/health", "/", "/received.json"):
        page = requests.get(url + path, timeout=HANG_GUARD_SECONDS)
        if page.status_code != 200:
            tally.fail("pages", f"GET {path}: {page.status_code}", "")
    peak = rss_mib(pid, "VmHWM")
    tally.memory = f"sink peak RSS {peak:.0f} MiB (bound {MAX_SINK_RSS_MIB} MiB)"
    if peak > MAX_SINK_RSS_MIB:
        tally.fail("all", f"peak RSS {peak:.0f} MiB", "")
    tally.check()
