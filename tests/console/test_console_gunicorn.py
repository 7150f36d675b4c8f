"""`scamreport console` as `make run` starts it: gunicorn on the loopback; the open redirect
fails against it; and a burst of sign-ins with random e-mails keeps its memory bounded."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from console_fixtures import AGENCY_A, PASSWORD, email_of, seed_users

from scamreport.storage.database import make_engine, make_session_factory, upgrade_database

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# One worker may hash one password at a time: 64 MiB for argon2 plus the worker's own memory
# (about 120 MiB here). Without the pool, 40 sign-ins at once took the console to 1 GiB.
WORKER_PEAK_BOUND_MIB = 320


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Console:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmHWM for {pid}")


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    database_url = f"sqlite:///{tmp_path / 'console.db'}"
    upgrade_database(database_url, "heads")
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        seed_users(session)
    engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "SCAMREPORT_ENV": "development",
        "SCAMREPORT_DATA_DIR": str(tmp_path),
        "DATABASE_URL": database_url,
        "CONSOLE_HASH_CONCURRENCY": "1",
        # High enough that the throttle does not hide the hashing pool in the burst test.
        "CONSOLE_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000",
    }
    log = tmp_path / "console.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scamreport",
                "console",
                "--port",
                str(port),
                "--workers",
                "1",
                "--threads",
                "8",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if process.poll() is not None:
                raise AssertionError(log.read_text())
            try:
                if requests.get(f"{url}/healthz", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise AssertionError("the console did not start:\n" + log.read_text())
        yield Console(url=url, process=process, log=log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _csrf(session: requests.Session, url: str) -> str:
    html = session.get(f"{url}/login", timeout=30).text
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def _login(url: str, email: str, password: str, next_target: str = "") -> requests.Response:
    session = requests.Session()
    token = _csrf(session, url)
    return session.post(
        f"{url}/login",
        data={"email": email, "password": password, "csrf_token": token, "next": next_target},
        allow_redirects=False,
        timeout=120,
    )


def test_gunicorn_serves_the_console_on_the_loopback(console: Console) -> None:
    workers = _children(console.process.pid)
    assert len(workers) == 1
    listening = subprocess.run(["ss", "-ltnp"], capture_output=True, text=True, check=False).stdout
    port = console.url.rsplit(":", 1)[1]
    lines = [line for line in listening.splitlines() if f":{port} " in line]
    assert lines and all("127.0.0.1:" in line for line in lines), listening
    assert "gunicorn" in console.log.read_text().lower()
    # The reported open redirect fails against the real server: signed in, then sent to
    # /login?next=/%09/evil.example (the tab would make it //evil.example).
    browser = requests.Session()
    token = _csrf(browser, console.url)
    signed_in = browser.post(
        f"{console.url}/login",
        data={"email": email_of(AGENCY_A, "analyst"), "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=120,
    )
    assert signed_in.status_code == 302
    for query in ("next=/%09/evil.example", "next=/%0a/evil.example", "next=%2F%2Fevil.example"):
        response = browser.get(f"{console.url}/login?{query}", allow_redirects=False, timeout=30)
        assert response.status_code == 302
        assert response.headers["Location"] == "/reports", query


def test_a_burst_of_random_sign_ins_keeps_memory_bounded(console: Console) -> None:
    (worker,) = _children(console.process.pid)
    with ThreadPoolExecutor(max_workers=40) as pool:
        codes = Counter(
            pool.map(
                lambda i: (
                    _login(
                        console.url, f"random{i}@nowhere.test", "not the password at all"
                    ).status_code
                ),
                range(40),
            )
        )
    assert set(codes) <= {401, 503}, codes
    assert codes[401] >= 1
    peak = _peak_rss_mib(worker)
    assert peak < WORKER_PEAK_BOUND_MIB, f"worker peaked at {peak:.0f} MiB"
