"""The sink answers kept-alive deliveries at once: headers and body leave in one send, with
TCP_NODELAY, instead of waiting about 40 ms each for the sender's delayed ACK."""

from __future__ import annotations

import http.client
import statistics
import time
from urllib.parse import urlsplit

from forwarding_support import RunningSink


def test_kept_alive_answers_are_not_stalled(sink: RunningSink) -> None:
    address = urlsplit(sink.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    times = []
    for _ in range(30):
        started = time.perf_counter()
        connection.request("GET", "/health")
        answer = connection.getresponse()
        assert answer.status == 200 and answer.read()
        times.append(time.perf_counter() - started)
    connection.close()
    assert statistics.median(times) < 0.02, times
