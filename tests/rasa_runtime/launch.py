"""Starting Rasa's launcher and the action server in tests, to read how they listen."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scamreport.cli.stack import free_port
from scamreport.settings import PROJECT_ROOT, get_settings
from scamreport.storage.database import upgrade_database

RASA_PYTHON = PROJECT_ROOT / ".venv" / "rasa" / "bin" / "python"
MODEL = PROJECT_ROOT / "models" / "current.tar.gz"
# Drawn per run: no secret value is written in the code.
SECRET = secrets.token_urlsafe(24)

# Runs the launcher as `python -m rasa_runtime run` would, but Sanic's run only reports what
# Rasa gave it (the listen backlog) and the app's keep-alive timeout: no model is loaded,
# nothing listens.
RASA_PROBE = """
import json, sys
import sanic

def report(self, *args, **kwargs):
    print(json.dumps({
        "backlog": kwargs.get("backlog"),
        "keep_alive": self.config.KEEP_ALIVE_TIMEOUT,
    }), flush=True)
    raise SystemExit(0)

sanic.Sanic.run = report
sys.argv = ["rasa_runtime", "run", "--port", sys.argv[1], "--model", sys.argv[2]]
from rasa_runtime.__main__ import main
main()
"""


def without_sanic_settings() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SANIC_")}


def rasa_server_settings(tmp_path: Path) -> dict[str, Any]:
    """What Rasa, started by the launcher, would run its Sanic server with."""
    # `make test` trains first: without the Rasa environment or a model this fails, not skips.
    assert RASA_PYTHON.exists() and MODEL.exists(), "run `make train` first"
    env = without_sanic_settings()
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
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@contextmanager
def action_server(
    tmp_path: Path, extra_env: Mapping[str, str] | None = None
) -> Iterator[tuple[int, subprocess.Popen[bytes], Path]]:
    """A real action server on a free loopback port: (port, process, its log)."""
    port = free_port()
    env = without_sanic_settings()
    env.update({"ACTION_SERVER_TOKEN": SECRET, "SCAMREPORT_DATA_DIR": str(tmp_path)})
    env.update(extra_env or {})
    # The start step (`scamreport db upgrade`): the action server only checks the schema.
    upgrade_database(get_settings(env).database_url)
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
        yield port, process, log
    finally:
        process.terminate()
        process.wait(timeout=20)
