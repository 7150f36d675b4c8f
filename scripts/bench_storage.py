"""Measures indicator lookups on SQLite with many reports; writes results/bench-storage.json.

    .venv/app/bin/python scripts/bench_storage.py [--reports 100000] [--lookups 1000]

Loads N reports with 3 indicators each (a phone drawn from a pool of N/2 numbers, so most
numbers appear in about two reports; a URL; an IBAN) plus one "hot" phone named in 1% of the
reports, then times the repository's lookups, each in its own session as a request would.
Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from scamreport.reference import new_reference  # noqa: E402
from scamreport.storage.database import (  # noqa: E402
    make_engine,
    make_session_factory,
    upgrade_database,
)
from scamreport.storage.models import Indicator, Report  # noqa: E402
from scamreport.storage.records import (  # noqa: E402
    NewConsent,
    NewIndicator,
    NewReport,
    NewReporter,
    NewTranscriptMessage,
)
from scamreport.storage.repository import (  # noqa: E402
    count_reports_by_indicator,
    submit_report,
)
from tests.indicator_queries import find_reports_by_indicator  # noqa: E402

HOT_PHONE = "+6580000000"
BATCH = 5_000


def phone(n: int) -> str:
    return f"+659{n:07d}"


def load(factory: sessionmaker[Session], reports: int, rng: random.Random) -> float:
    """Bulk-inserts the reports and indicators; returns seconds taken."""
    phone_pool = max(1, reports // 2)
    start_time = datetime(2024, 1, 1, tzinfo=timezone.utc)
    references: set[str] = set()
    started = time.perf_counter()
    with factory() as session:
        for first in range(0, reports, BATCH):
            ids = range(first + 1, min(first + BATCH, reports) + 1)
            rows = []
            for report_id in ids:
                reference = new_reference(rng)
                while reference in references:
                    reference = new_reference(rng)
                references.add(reference)
                created = start_time + timedelta(minutes=report_id)
                rows.append(
                    {
                        "id": report_id,
                        "reference": reference,
                        "pseudonym": f"conv-{report_id}",
                        "scam_type": rng.choice(("fake_authority", "fake_shop", "phishing")),
                        "country": rng.choice(("SG", "MY", "TH", "ID", "PH")),
                        "status": "received",
                        "urgent": False,
                        "story": "masked story " * 20,
                        "consent_forward": True,
                        "consent_cross_border": False,
                        "contact_permission": "telegram",
                        "details": {},
                        "created_at": created,
                        "updated_at": created,
                    }
                )
            session.execute(insert(Report), rows)
            indicator_rows = []
            for report_id in ids:
                number = HOT_PHONE if report_id % 100 == 0 else phone(rng.randrange(phone_pool))
                domain = f"shop{rng.randrange(reports)}.example"
                for kind, value, registrable in (
                    ("phone", number, None),
                    ("url", f"https://{domain}/pay/{report_id}", domain),
                    ("iban", f"GB{rng.randrange(10**20):020d}", None),
                ):
                    indicator_rows.append(
                        {
                            "report_id": report_id,
                            "kind": kind,
                            "value": value,
                            "raw": value,
                            "registrable_domain": registrable,
                            "created_at": start_time,
                        }
                    )
            session.execute(insert(Indicator), indicator_rows)
        session.commit()
    return time.perf_counter() - started


def summarise(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def percentile(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
        "p50_ms": round(percentile(0.50) * 1000, 3),
        "p95_ms": round(percentile(0.95) * 1000, 3),
        "p99_ms": round(percentile(0.99) * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def timed(
    factory: sessionmaker[Session], values: list[str], lookup: Callable[[Session, str], Any]
) -> tuple[dict[str, float], list[Any]]:
    samples, results = [], []
    for value in values:
        started = time.perf_counter()
        with factory() as session:
            results.append(lookup(session, value))
        samples.append(time.perf_counter() - started)
    return summarise(samples), results


def submit_samples(factory: sessionmaker[Session], count: int) -> dict[str, float]:
    now = datetime.now(timezone.utc)
    samples = []
    for n in range(count):
        started = time.perf_counter()
        with factory() as session:
            submit_report(
                session,
                report=NewReport(
                    pseudonym=f"bench-{n}",
                    scam_type="fake_shop",
                    reporter=NewReporter(pseudonym=f"bench-reporter-{n % 50}"),
                    country="SG",
                    story="masked",
                ),
                indicators=[
                    NewIndicator(kind="phone", value=phone(n)),
                    NewIndicator(
                        kind="url",
                        value=f"https://b{n}.example/",
                        registrable_domain=f"b{n}.example",
                    ),
                    NewIndicator(
                        kind="email", value=f"x{n}@b.example", registrable_domain="b.example"
                    ),
                ],
                transcript=[
                    NewTranscriptMessage(
                        seq=i, sender="user" if i % 2 else "bot", text="t", sent_at=now
                    )
                    for i in range(10)
                ],
                consents=[NewConsent(kind="forward_national", granted=True, wording="ok?")],
            )
        samples.append(time.perf_counter() - started)
    return summarise(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=1_000)
    parser.add_argument("--submits", type=int, default=200)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "results" / "bench-storage.json")
    parser.add_argument("--seed", type=int, default=20201)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="bench-storage-") as directory:
        database = Path(directory) / "var" / "bench.db"
        url = f"sqlite:///{database}"
        upgrade_database(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)

        load_seconds = load(factory, args.reports, rng)
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
            plan = [
                row[-1]
                for row in connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT reports.* FROM reports JOIN indicators "
                    "ON indicators.report_id = reports.id "
                    "WHERE indicators.kind = 'phone' AND indicators.value = '+6590000001' "
                    "ORDER BY reports.created_at DESC, reports.id DESC"
                )
            ]
        phones = [phone(rng.randrange(max(1, args.reports // 2))) for _ in range(args.lookups)]

        find_stats, found = timed(
            factory, phones, lambda s, v: len(find_reports_by_indicator(s, kind="phone", value=v))
        )
        count_stats, _ = timed(
            factory, phones, lambda s, v: count_reports_by_indicator(s, kind="phone", value=v)
        )
        hot = [HOT_PHONE] * max(10, args.lookups // 10)
        hot_find_stats, hot_found = timed(
            factory, hot, lambda s, v: len(find_reports_by_indicator(s, kind="phone", value=v))
        )
        hot_count_stats, _ = timed(
            factory, hot, lambda s, v: count_reports_by_indicator(s, kind="phone", value=v)
        )
        submit_stats = submit_samples(factory, args.submits)
        size_bytes = database.stat().st_size + sum(
            p.stat().st_size for p in database.parent.glob("bench.db-*")
        )
        engine.dispose()

    results = {
        "benchmark": "storage: reports by phone indicator on SQLite",
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
        },
        "data": {
            "reports": args.reports,
            "indicators": args.reports * 3,
            "distinct_phones_in_pool": args.reports // 2,
            "hot_phone_reports": hot_found[0] if hot_found else 0,
            "load_seconds": round(load_seconds, 2),
            "database_bytes": size_bytes,
        },
        "query_plan": plan,
        "find_reports_by_indicator(phone)": {
            **find_stats,
            "mean_reports_found": round(statistics.fmean(found), 2),
        },
        "count_reports_by_indicator(phone)": count_stats,
        "find_reports_by_indicator(hot phone)": {**hot_find_stats, "reports_found": hot_found[0]},
        "count_reports_by_indicator(hot phone)": hot_count_stats,
        "submit_report(3 indicators, 10 turns, 1 consent)": submit_stats,
        "note": "each lookup opens its own session (BEGIN IMMEDIATE ... COMMIT) as a request would",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
