"""Rasa and the action server listen with a backlog of SANIC_BACKLOG (default 1024), not
Sanic's 100, which overflowed with 200 reporters at once (issue 13)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from benchmarks.coldstart import listen_queue
from scamreport.settings import DEFAULT_LISTEN_BACKLOG, SettingsError, listen_backlog
from tests.rasa_runtime.launch import action_server, rasa_server_settings


def test_the_backlog_comes_from_the_environment() -> None:
    assert listen_backlog({}) == DEFAULT_LISTEN_BACKLOG == 1024
    assert listen_backlog({"SANIC_BACKLOG": " 300 "}) == 300
    for bad in ("lots", "0", "-5"):
        with pytest.raises(SettingsError, match="SANIC_BACKLOG"):
            listen_backlog({"SANIC_BACKLOG": bad})


@pytest.mark.parametrize(("configured", "expected"), [(None, 1024), ("300", 300)])
def test_the_action_server_listens_with_the_backlog(
    configured: str | None, expected: int, tmp_path: Path
) -> None:
    extra = {"SANIC_BACKLOG": configured} if configured is not None else {}
    with action_server(tmp_path, extra) as (port, process, log):
        deadline = time.monotonic() + 60
        queue = None
        while queue is None and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()[-2000:]
            queue = listen_queue(port)
            time.sleep(0.1)
        assert queue == expected, log.read_text()[-2000:]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # and it accepts


def test_rasa_is_started_with_the_backlog(tmp_path: Path) -> None:
    # Fails if a Rasa upgrade stops reading SANIC_BACKLOG (rasa/core/run.py) or the launcher
    # stops setting it.
    assert rasa_server_settings(tmp_path)["backlog"] == 1024
