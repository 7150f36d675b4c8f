"""The action server keeps a connection that has not sent its request yet for KEEP_ALIVE_SECONDS,
not Sanic's 5 s: at 200 reporters at once Rasa wrote some requests to the action server more
than 5 s after connecting, and those turns came back empty (issue 13). Rasa's own server keeps
its connections longer already (120 s, rasa/core/run.py)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from scamreport.settings import KEEP_ALIVE_SECONDS
from tests.rasa_runtime.launch import action_server, rasa_server_settings

# Longer than Sanic's default keep-alive timeout (5 s) and its check interval (2.5 s).
SILENT_SECONDS = 8.0


def test_the_action_server_answers_a_request_sent_late_on_its_connection(
    tmp_path: Path,
) -> None:
    with action_server(tmp_path) as (port, process, log):
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()[-2000:]
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()[-2000:]
                time.sleep(0.1)
        with connection:
            time.sleep(SILENT_SECONDS)
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            connection.settimeout(10)
            answer = connection.recv(4096)
        # With Sanic's 5 s the connection is closed by now: recv returns b"" or is reset.
        assert answer.startswith(b"HTTP/1.1 200"), answer


def test_rasa_keeps_connections_at_least_as_long(tmp_path: Path) -> None:
    # Fails if a Rasa upgrade falls back to Sanic's 5 s: the bot's requests would meet the same
    # race, and the launcher would need to set SANIC_KEEP_ALIVE_TIMEOUT.
    assert rasa_server_settings(tmp_path)["keep_alive"] >= KEEP_ALIVE_SECONDS
