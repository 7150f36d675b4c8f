"""Rasa and the action server listen with a backlog of SANIC_BACKLOG (default 1024), not
Sanic's 100, which overflowed with 200 reporters at once (issue 13)."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.coldstart import listen_queue
from scamreport.cli.stack import free_port
from scamreport.settings import (
    DEFAULT_LISTEN_BACKLOG,
    PROJECT_ROOT,
    SettingsError,
    get_settings,
    listen_backlog,
)
from scamreport.storage.database import upgrade_database

RASA_PYTHON = PROJECT_ROOT / ".venv" / "rasa" / "bin" / "python"
MODEL = PROJECT_ROOT / "models" / "current.tar.gz"
# Drawn per run: no secret value is written in the code.
SECRET = secrets.token_urlsafe(24)

# Runs the launcher as `python -m rasa_runtime run` would, but Sanic's run only reports the
# arguments Rasa gave it: no model is loaded, nothing listens.
RASA_PROBE = """
import json, sys
import sanic

def report(self, *args, **kwargs):
    print(json.dumps({"backlog": kwargs.get("backlog")}), flush=True)
    raise SystemExit(0)

sanic.Sanic.run = report
sys.argv = ["rasa_runtime", "run", "--port", sys.argv[1], "--model", sys.argv[2]]
from rasa_runtime.__main__ import main
main()
"""


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
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "SANIC_BACKLOG"}
    env.update({"ACTION_SERVER_TOKEN": SECRET, "SCAMREPORT_DATA_DIR": str(tmp_path)})
    # The start step (`scamreport db upgrade`): the action server only checks the schema.
    upgrade_database(get_settings(env).database_url)
    if configured is not None:
        env["SANIC_BACKLOG"] = configured
    log = tmp_path / "actions.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "action_server", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        queue = None
        while queue is None and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()[-2000:]
            queue = listen_queue(port)
            time.sleep(0.1)
        assert queue == expected, log.read_text()[-2000:]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # and it accepts
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.skipif(
    not (RASA_PYTHON.exists() and MODEL.exists()),
    reason="needs the Rasa environment and a trained model (`make train`)",
)
def test_rasa_is_started_with_the_backlog(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SANIC_BACKLOG"}
    env.update(
        {
            "PYTHONPATH": str(PROJECT_ROOT),
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "ACTION_SERVER_TOKEN": SECRET,
            "RASA_CHANNEL_TOKEN": SECRET,
            "SCAMREPORT_DATA_DIR": str(tmp_path),
        }
    )
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", RASA_PROBE, str(free_port()), str(MODEL)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Fails if a Rasa upgrade stops reading SANIC_BACKLOG (rasa/core/run.py) or the launcher
    # stops setting it.
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"backlog": 1024}
