"""`scamreport console` with two gunicorn workers: both count the requests they answer, the
master's /metrics shows the sum, a killed worker's counts stay in it (gunicorn starts another),
and the multiprocess directory is private to the run and removed when the console stops."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from prometheus_client.multiprocess import MultiProcessCollector

from scamreport import metrics
from scamreport.settings import PROJECT_ROOT
from tests.observability.observability_support import (
    console_env,
    database,
    file_report,
    free_port,
    samples,
    scrape,
    wait_until,
)

REQUESTS = f"{metrics.CONSOLE_REQUESTS}_total"
LATENCY_COUNT = f"{metrics.CONSOLE_REQUEST_SECONDS}_count"
HEALTH = (("method", "GET"), ("route", "/healthz"), ("status_class", "2xx"))
REPORT_PAGE = (("method", "GET"), ("route", "/reports/<reference>"), ("status_class", "3xx"))
# A reference in a path: it must never become a label.
REFERENCE = "SR-QWER-7777"
BATCH = 40


@dataclass
class Console:
    url: str
    metrics_url: str
    process: subprocess.Popen[bytes]
    log: Path
    metrics_dir: Path


def workers_of(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(child) for child in path.read_text().split()} if path.exists() else set()


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    file_report(database(url), agencies=("sg-spf",))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port, metrics_port = free_port(), free_port()
    env = console_env(
        tmp_path,
        url,
        metrics_port,
        # Where the console makes its multiprocess directory (tempfile), so the test sees it;
        # one left by someone else must not be used.
        TMPDIR=str(temporary),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "not-this-one"),
    )
    log = tmp_path / "console.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "scamreport", "console", "--port", str(port)]
            + ["--workers", "2", "--threads", "4"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        up = wait_until(
            lambda: (
                requests.get(f"{base}/login", timeout=2).ok and len(workers_of(process.pid)) == 2
            ),
            timeout=120,
        )
        assert up, log.read_text()[-3000:]
        (metrics_dir,) = temporary.glob(f"{'scamreport-console-metrics-'}*")
        yield Console(base, f"http://127.0.0.1:{metrics_port}/metrics", process, log, metrics_dir)
    finally:
        process.terminate()
        process.wait(timeout=60)


def burst(console: Console) -> int:
    """BATCH requests at once, half to /healthz and half to a report's page (signed out:
    302), each on its own connection; returns how many went to each route."""

    def get(index: int) -> int:
        path = "/healthz" if index % 2 == 0 else f"/reports/{REFERENCE}"
        return requests.get(f"{console.url}{path}", allow_redirects=False, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(get, range(BATCH)))
    assert sorted(set(codes)) == [200, 302], codes
    return BATCH // 2


def health_per_worker(console: Console) -> dict[int, float]:
    """/healthz answers counted in each worker's own file, by the worker's pid."""
    counted: dict[int, float] = {}
    for path in console.metrics_dir.glob("counter_*.db"):
        pid = int(path.stem.split("_")[1])
        for family in MultiProcessCollector.merge([str(path)]):
            for sample in family.samples:
                key = tuple(sorted(sample.labels.items()))
                if sample.name == REQUESTS and key == HEALTH:
                    counted[pid] = counted.get(pid, 0.0) + sample.value
    return counted


def scraped(console: Console) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answered = scrape(console.metrics_url)
    assert answered.status_code == 200, answered.text
    assert REFERENCE not in answered.text
    return samples(answered.text)


def test_every_worker_counts_and_a_killed_workers_counts_survive(console: Console) -> None:
    assert stat.S_IMODE(console.metrics_dir.stat().st_mode) == 0o700
    assert scrape(console.metrics_url, token=None).status_code == 401
    assert scrape(console.metrics_url, token="wrong-token-0123456789").status_code == 403
    workers = workers_of(console.process.pid)
    sent = 0
    # Until both workers have answered some: the kernel picks which one accepts.
    for _ in range(15):
        sent += burst(console)
        if set(health_per_worker(console)) >= workers:
            break
    per_worker = health_per_worker(console)
    assert set(per_worker) >= workers and all(per_worker[pid] > 0 for pid in workers), per_worker
    assert sum(per_worker.values()) == sent

    found = scraped(console)
    assert found[(REQUESTS, HEALTH)] == sent
    assert found[(REQUESTS, REPORT_PAGE)] == sent
    assert found[(LATENCY_COUNT, (("route", "/healthz"),))] == sent
    assert found[(LATENCY_COUNT, (("route", "/reports/<reference>"),))] == sent
    # Beside them, the master's gauge read from the database.
    assert found[(metrics.DELIVERIES_PENDING, (("agency", "sg-spf"),))] == 1

    killed = max(per_worker, key=lambda pid: per_worker[pid])
    os.kill(killed, signal.SIGKILL)
    restarted = wait_until(
        lambda: len(workers_of(console.process.pid) - {killed}) == 2, timeout=120
    )
    assert restarted, console.log.read_text()[-3000:]
    # The killed worker's counts stay in the sum ...
    assert scraped(console)[(REQUESTS, HEALTH)] == sent
    assert health_per_worker(console)[killed] == per_worker[killed]
    # ... and the new worker adds its own.
    sent += burst(console)
    after = scraped(console)
    assert after[(REQUESTS, HEALTH)] == sent
    assert after[(REQUESTS, REPORT_PAGE)] == sent
    assert after[(LATENCY_COUNT, (("route", "/healthz"),))] == sent


def test_the_metrics_directory_is_removed_when_the_console_stops(console: Console) -> None:
    assert console.metrics_dir.is_dir()
    console.process.send_signal(signal.SIGTERM)
    console.process.wait(timeout=60)
    deadline = time.monotonic() + 5
    while console.metrics_dir.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not console.metrics_dir.exists(), console.log.read_text()[-3000:]
    assert not (console.log.parent / "not-this-one").exists()
