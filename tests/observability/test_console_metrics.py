"""`scamreport console` serves /metrics on SCAMREPORT_CONSOLE_METRICS_PORT (gunicorn's master):
the deliveries pending and dead per agency, read from the database at each scrape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import requests

from scamreport import metrics
from scamreport.settings import PROJECT_ROOT
from tests.observability.observability_support import (
    console_env,
    database,
    file_report,
    free_port,
    sample,
    scrape,
    wait_until,
)


def test_the_console_serves_delivery_gauges_with_the_token_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    sessions = database(url)
    file_report(sessions, agencies=("sg-spf", "my-pdrm"))
    file_report(sessions, agencies=("sg-spf",))
    port, metrics_port = free_port(), free_port()
    env = console_env(tmp_path, url, metrics_port)
    log = tmp_path / "console.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "scamreport", "console", "--port", str(port), "--workers", "1"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    target = f"http://127.0.0.1:{metrics_port}/metrics"
    try:
        up = wait_until(lambda: scrape(target, token=None).status_code == 401, timeout=60)
        assert up, log.read_text()[-2000:]
        assert scrape(target, token="wrong-token-0123456789").status_code == 403
        answered = scrape(target)
        assert answered.status_code == 200
        # The console itself answers on its own port, without the metrics.
        console = wait_until(
            lambda: requests.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text, timeout=60
        )
        assert console and "scamreport_" not in console
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert sample(answered.text, metrics.DELIVERIES_PENDING, agency="sg-spf") == 2
    assert sample(answered.text, metrics.DELIVERIES_PENDING, agency="my-pdrm") == 1


def test_the_scamreport_command_writes_json_lines_without_the_story(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    file_report(database(url), agencies=("sg-spf",))
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AGENCY_", "FORWARDING_"))
    }
    env.update({"SCAMREPORT_ENV": "test", "DATABASE_URL": url, "SCAMREPORT_LOG_FORMAT": "json"})
    done = subprocess.run(
        [sys.executable, "-m", "scamreport", "worker", "--once"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    waiting = [line for line in lines if "waits for configuration" in str(line["message"])]
    assert waiting, done.stderr[-2000:]
    assert {line["process"] for line in lines} == {"worker"}
    assert {"time", "level", "logger", "message"} <= set(waiting[0])
    assert "asked for a transfer" not in done.stderr
