"""Forwarding throughput: `scamreport worker` processes draining an outbox into `scamreport sink`.

For each database (SQLite file, PostgreSQL database made for the run) the outbox is seeded once
with ``reports`` reports (each with its national agency's deliveries, as routing plans them);
before each run every delivery is made pending again and a fresh sink store is used. The
workers start on an outbox with nothing due; the clock starts when every delivery is made due
in one UPDATE and stops when none is pending or in flight. Exactly once: every delivery's
Idempotency-Key is in the sink's store once (``copies`` > 1 counts resends the sink dropped),
none is missing, none is dead.

Retries use a fast schedule (FORWARDING_BACKOFF_BASE_SECONDS=0.01, at most 20 attempts) so
the run measures sending, not waiting; the failing sink answers 500 to 30% of requests, half
before and half after storing them (`scamreport sink --failure-rate`).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url

from agency_sink.server import SinkStore
from benchmarks.stats import load_average, spread
from benchmarks.turns import in_round_order
from scamreport.cli.stack import APP_PYTHON, free_port
from scamreport.forwarding.dev import sink_environment
from scamreport.registry import load_registry
from scamreport.routing import plan_deliveries
from scamreport.settings import PROJECT_ROOT
from scamreport.storage.database import make_engine, make_session_factory, upgrade_database
from scamreport.storage.models import Delivery
from scamreport.storage.records import NewConsent, NewReport, NewReporter
from scamreport.storage.repository import submit_report

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COUNTRIES = ("SG", "MY", "TH", "US", "DE", "JP", "ID", "PH")
FAST_RETRY_ENV = {
    "FORWARDING_MAX_ATTEMPTS": "20",
    "FORWARDING_BACKOFF_BASE_SECONDS": "0.01",
    "FORWARDING_BACKOFF_MAX_SECONDS": "0.05",
    "FORWARDING_CONNECT_TIMEOUT_SECONDS": "2",
    "FORWARDING_READ_TIMEOUT_SECONDS": "5",
    "FORWARDING_LEASE_SECONDS": "30",
}
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=timezone.utc)


def seed(url: str, reports: int) -> int:
    """Stores ``reports`` reports with their deliveries; returns how many deliveries."""
    upgrade_database(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    registry = load_registry()
    consents = [NewConsent(kind="forward_national", granted=True, wording="May we forward it?")]
    try:
        for number in range(reports):
            report = NewReport(
                pseudonym=f"bench-{uuid.uuid4().hex}",
                scam_type="fake_authority",
                country=COUNTRIES[number % len(COUNTRIES)],
                contact_channel="phone_call",
                story="A caller said he was from the police and asked for a transfer.",
                consent_forward=True,
                reporter=NewReporter(pseudonym=f"bench-{number}", language="en"),
            )
            deliveries = [
                d
                for d in plan_deliveries(report=report, indicators=[], registry=registry)
                if d.transport == "webhook"
            ]
            with sessions() as session:
                submit_report(
                    session,
                    report=report,
                    indicators=[],
                    transcript=[],
                    consents=consents,
                    deliveries=deliveries,
                )
        with sessions() as session:
            return int(session.scalar(select(func.count()).select_from(Delivery)) or 0)
    finally:
        engine.dispose()


def _reset(url: str, due: datetime) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(Delivery).values(
                    status="pending",
                    attempts=0,
                    last_error=None,
                    locked_until=None,
                    delivered_at=None,
                    next_attempt_at=due,
                )
            )
    finally:
        engine.dispose()


def _statuses(engine: Any) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status)
        ).all()
    return {status: count for status, count in rows}


def _wait_for_line(
    path: Path, needle: str, process: subprocess.Popen[bytes], seconds: float
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and needle in path.read_text(errors="replace"):
            return
        if process.poll() is not None:
            raise RuntimeError(f"{path.name} exited: {path.read_text(errors='replace')[-2000:]}")
        time.sleep(0.1)
    raise RuntimeError(f"{path.name}: no {needle!r} after {seconds:.0f}s")


def one_run(
    *,
    url: str,
    workers: int,
    threads: int,
    failure_rate: float,
    legacy_sink: bool,
    work_dir: Path,
    seed_number: int,
) -> dict[str, Any]:
    _reset(url, FAR_FUTURE)
    port, smtp_port = free_port(), free_port()
    sink_url = f"http://127.0.0.1:{port}"
    secret = secrets.token_urlsafe(24)
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AGENCY_", "SMTP_", "FORWARDING_"))
        },
        **sink_environment(load_registry(), sink_url, secret, smtp_port=smtp_port),
        **FAST_RETRY_ENV,
        "DATABASE_URL": url,
        "SCAMREPORT_ENV": "test",
        "SCAMREPORT_DATA_DIR": str(work_dir),
        "PYTHONUNBUFFERED": "1",
    }
    store_path = work_dir / f"sink-{uuid.uuid4().hex[:8]}.db"
    sink_cmd = (
        [str(APP_PYTHON), "-m", "benchmarks.legacy", "sink"]
        if legacy_sink
        else [str(APP_PYTHON), "-m", "scamreport", "sink"]
    )
    sink_args = ["--port", str(port), "--smtp-port", str(smtp_port), "--store", str(store_path)]
    if failure_rate:
        sink_args += ["--failure-rate", str(failure_rate), "--failure-seed", str(seed_number)]
    started: list[subprocess.Popen[bytes]] = []
    engine = make_engine(url)

    def spawn(argv: list[str], log: Path) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            argv,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        return process

    try:
        sink_log = work_dir / f"sink-{port}.log"
        sink = spawn([*sink_cmd, *sink_args], sink_log)
        _wait_for_line(sink_log, "agency sink listening", sink, 60)
        for index in range(workers):
            log = work_dir / f"worker-{port}-{index}.log"
            worker = spawn(
                [
                    str(APP_PYTHON),
                    "-m",
                    "scamreport",
                    "worker",
                    "--threads",
                    str(threads),
                    "--poll-seconds",
                    "0.2",
                ],
                log,
            )
            _wait_for_line(log, "forwarding worker:", worker, 60)
        time.sleep(0.5)  # every worker is polling
        total = sum(_statuses(engine).values())
        clock = time.perf_counter()
        _reset(url, datetime.now(timezone.utc) - timedelta(seconds=1))
        deadline = clock + 600
        while time.perf_counter() < deadline:
            statuses = _statuses(engine)
            if statuses.get("pending", 0) + statuses.get("in_flight", 0) == 0:
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - clock
        statuses = _statuses(engine)
        for process in started[1:]:
            os.killpg(process.pid, signal.SIGTERM)
        for process in started[1:]:
            process.wait(timeout=30)
        with engine.connect() as connection:
            keys = {row[0] for row in connection.execute(select(Delivery.idempotency_key))}
        store = SinkStore(store_path)
        try:
            received = {item.idempotency_key: item.copies for item in store.received()}
        finally:
            store.close()
        reports = len({key.split("/")[0] for key in keys})
        return {
            "database": make_url(url).get_backend_name(),
            "workers": workers,
            "threads_per_worker": threads,
            "failure_rate": failure_rate,
            "sink": "legacy (before)" if legacy_sink else "shipped",
            "deliveries": total,
            "reports": reports,
            "seconds": round(seconds, 3),
            "deliveries_per_second": round(total / seconds, 1),
            "reports_per_second": round(reports / seconds, 1),
            "statuses": statuses,
            "missing": len(keys - received.keys()),
            "unexpected": len(received.keys() - keys),
            "resent_copies_dropped_by_sink": sum(c - 1 for c in received.values()),
            "exactly_once": keys == received.keys() and statuses.get("delivered", 0) == total,
            "load_average_after": load_average(),
        }
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        engine.dispose()


def postgres_database() -> tuple[str, Any] | None:
    """A new PostgreSQL database for the run and a function dropping it; None if unreachable."""
    server = make_url(os.environ.get("SCAMREPORT_TEST_POSTGRES_URL", DEFAULT_POSTGRES))
    if server.drivername in ("postgres", "postgresql"):
        server = server.set(drivername="postgresql+psycopg")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"scamreport_bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:  # noqa: BLE001 - no server: the suite says so and goes on
        admin.dispose()
        return None

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


def suite(
    work_dir: Path,
    *,
    reports: int,
    rounds: int,
    databases: Sequence[str],
    worker_counts: Sequence[int],
    failure_rates: Sequence[float],
    threads: int,
    legacy_comparison: bool,
) -> dict[str, Any]:
    work_dir.mkdir(parents=True, exist_ok=True)
    urls: dict[str, str] = {}
    drops = []
    skipped: list[str] = []
    seeded: dict[str, dict[str, float]] = {}
    for database in databases:
        if database == "sqlite":
            url = f"sqlite:///{work_dir / f'outbox-{uuid.uuid4().hex[:8]}.db'}"
        else:
            made = postgres_database()
            if made is None:
                skipped.append("postgresql: server unreachable")
                continue
            url, drop = made
            drops.append(drop)
        began = time.perf_counter()
        count = seed(url, reports)
        seeded[database] = {"deliveries": count, "seconds": round(time.perf_counter() - began, 1)}
        urls[database] = url
    configs = [
        (database, workers, rate, False)
        for database in urls
        for workers in worker_counts
        for rate in failure_rates
    ]
    if legacy_comparison and "sqlite" in urls:
        # Before/after for the sink's answers (TCP_NODELAY): one worker, no failures, SQLite.
        configs.insert(0, ("sqlite", 1, 0.0, True))
    runs: dict[str, list[dict[str, Any]]] = {}
    try:
        for round_number in range(rounds):
            for database, workers, rate, legacy in in_round_order(configs, round_number):
                key = f"{database} workers={workers} failures={rate:.0%}" + (
                    " sink=before" if legacy else ""
                )
                runs.setdefault(key, []).append(
                    one_run(
                        url=urls[database],
                        workers=workers,
                        threads=threads,
                        failure_rate=rate,
                        legacy_sink=legacy,
                        work_dir=work_dir,
                        seed_number=round_number + 1,
                    )
                )
    finally:
        for drop in drops:
            drop()
    summary = {
        key: {
            "reports_per_second": spread([r["reports_per_second"] for r in rs]),
            "deliveries_per_second": spread([r["deliveries_per_second"] for r in rs]),
            "exactly_once": all(r["exactly_once"] for r in rs),
            "resent_copies_dropped_by_sink": sum(r["resent_copies_dropped_by_sink"] for r in rs),
            "runs": rs,
        }
        for key, rs in runs.items()
    }
    return {
        "reports": reports,
        "threads_per_worker": threads,
        "seeded": seeded,
        "skipped": skipped,
        "configs": summary,
    }
