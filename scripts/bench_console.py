"""Seeds a database with many reports and times the police console's queries and pages.

    .venv/app/bin/python scripts/bench_console.py                 # 100,000 reports in SQLite
    .venv/app/bin/python scripts/bench_console.py --database-url postgresql+psycopg://...

Times (median and 95th percentile of --repeat runs, after one warm-up) the queries behind the
queue (first page, a deep page, filtered, sorted by loss), full-text search, the report page,
networks and dashboard, and the same pages end to end through the Flask app (rendering
included). Writes JSON to results/bench-console.json (or --out).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from console import create_app  # noqa: E402
from console.access import Viewer  # noqa: E402
from console.config import ConsoleConfig  # noqa: E402
from console.dashboard import (  # noqa: E402
    flag_counts,
    money_lost,
    reports_per_day,
    top_indicators,
)
from console.filters import parse_filters  # noqa: E402
from console.networks import cluster_around, find_clusters  # noqa: E402
from console.queue import queue_page  # noqa: E402
from console.reports import (  # noqa: E402
    find_visible_report,
    indicator_report_counts,
    status_history,
    visible_notes,
)
from console.users import create_user, find_user  # noqa: E402
from scamreport.reference import REFERENCE_ALPHABET  # noqa: E402
from scamreport.settings import get_settings  # noqa: E402
from scamreport.storage.database import (  # noqa: E402
    make_engine,
    make_session_factory,
    upgrade_database,
)
from scamreport.storage.models import Delivery, Evidence, Indicator, Report  # noqa: E402
from scamreport.taxonomy import SCAM_TYPES  # noqa: E402
from scamreport.triage import encode, is_large_loss  # noqa: E402

COUNTRIES: dict[str, tuple[str, str]] = {
    # country -> (agency code, currency)
    "SG": ("sg-spf", "SGD"),
    "MY": ("my-pdrm", "MYR"),
    "ID": ("id-polri", "IDR"),
    "TH": ("th-rtp", "THB"),
    "PH": ("ph-pnp", "PHP"),
    "IN": ("in-i4c", "INR"),
    "GB": ("gb-actionfraud", "GBP"),
    "US": ("us-ic3", "USD"),
    "AU": ("au-acsc", "AUD"),
    "DE": ("de-bka", "EUR"),
}
COUNTRY_WEIGHTS = (30, 15, 10, 8, 8, 8, 6, 6, 5, 4)
STATUSES = ("received", "in_review", "referred", "actioned", "closed")
STATUS_WEIGHTS = (50, 20, 10, 10, 10)
_STORY_TEXT = (
    "caller police interpol bank account transfer money safe officer arrest warrant customs "
    "parcel package courier refund website shop masks sanitiser payment card otp code "
    "password link sms message whatsapp telegram investment crypto bitcoin wallet returns "
    "platform profit romance online dating love flight visa lottery prize fee inheritance "
    "grant computer support remote access virus microsoft invoice supplier details changed "
    "ceo urgent threatened pay cash withdraw elderly mother father son daughter friend "
    "neighbour "
)
STORY_WORDS = tuple(_STORY_TEXT.split())
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
BATCH = 5_000


def _reference(rng: random.Random, taken: set[str]) -> str:
    while True:
        body = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"SR-{body[:4]}-{body[4:]}"
        if reference not in taken:
            taken.add(reference)
            return reference


def _story(rng: random.Random, vocabulary: list[str]) -> str:
    words = [rng.choice(STORY_WORDS) for _ in range(rng.randint(15, 40))]
    words += [rng.choice(vocabulary) for _ in range(rng.randint(10, 30))]
    rng.shuffle(words)
    return " ".join(words).capitalize() + "."


def _batches(total: int) -> Iterator[range]:
    for start in range(0, total, BATCH):
        yield range(start, min(start + BATCH, total))


def seed(factory: sessionmaker[Session], count: int, rng: random.Random) -> float:
    """Inserts ``count`` reports with indicators, deliveries and some evidence rows."""
    started = time.perf_counter()
    vocabulary = [
        "".join(rng.choice(ALPHABET) for _ in range(rng.randint(5, 9))) for _ in range(5000)
    ]
    phones = [f"+65{rng.randint(80000000, 99999999)}" for _ in range(count // 4)]
    domains = [
        f"{''.join(rng.choice(ALPHABET) for _ in range(8))}.example" for _ in range(count // 10)
    ]
    ibans = [
        f"GB{rng.randint(10, 99)}BARC{rng.randint(10**13, 10**14 - 1)}" for _ in range(count // 8)
    ]
    handles = [f"@{''.join(rng.choice(ALPHABET) for _ in range(9))}" for _ in range(count // 5)]
    taken: set[str] = set()
    now = datetime.now(timezone.utc)
    countries = list(COUNTRIES)
    scam_types = list(SCAM_TYPES)
    next_id = 1
    with factory() as session:
        existing = session.scalar(select(func.max(Report.id))) or 0
        next_id = existing + 1
        for batch in _batches(count):
            reports, indicators, deliveries, evidence = [], [], [], []
            for _ in batch:
                report_id = next_id
                next_id += 1
                country = rng.choices(countries, COUNTRY_WEIGHTS)[0]
                agency, currency = COUNTRIES[country]
                created = now - timedelta(seconds=rng.randint(0, 365 * 86400))
                lost = rng.random() < 0.6
                reference = _reference(rng, taken)
                urgent = rng.random() < 0.05
                amount = Decimal(rng.randint(1, 2_000_000)) / 100 if lost else None
                said = [
                    flag
                    for flag, share in (("self_harm", 0.005), ("minor", 0.02))
                    if rng.random() < share
                ]
                # A bulk insert skips the models' hook that keeps reports.triage_flags.
                flags = encode(
                    [*said, *(["ongoing"] if urgent else [])]
                    + (["large_loss"] if is_large_loss(country, currency, amount) else [])
                )
                reports.append(
                    {
                        "id": report_id,
                        "reference": reference,
                        "pseudonym": f"bench-{report_id}",
                        "scam_type": rng.choice(scam_types),
                        "country": country,
                        "status": rng.choices(STATUSES, STATUS_WEIGHTS)[0],
                        "urgent": urgent,
                        "money_lost": lost,
                        "amount_lost": amount,
                        "currency": currency if lost else None,
                        "story": _story(rng, vocabulary),
                        "consent_forward": True,
                        "consent_cross_border": rng.random() < 0.2,
                        "contact_permission": "none",
                        "details": {"flags": said} if said else {},
                        "triage_flags": flags,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
                indicators.append(
                    {
                        "report_id": report_id,
                        "kind": "phone",
                        "value": rng.choice(phones),
                        "created_at": created,
                    }
                )
                if rng.random() < 0.5:
                    domain = rng.choice(domains)
                    indicators.append(
                        {
                            "report_id": report_id,
                            "kind": "url",
                            "value": f"https://{domain}/{report_id}",
                            "registrable_domain": domain,
                            "created_at": created,
                        }
                    )
                if rng.random() < 0.3:
                    indicators.append(
                        {
                            "report_id": report_id,
                            "kind": "iban",
                            "value": rng.choice(ibans),
                            "created_at": created,
                        }
                    )
                if rng.random() < 0.4:
                    indicators.append(
                        {
                            "report_id": report_id,
                            "kind": "handle",
                            "value": rng.choice(handles),
                            "created_at": created,
                        }
                    )
                agencies = [agency]
                if rng.random() < 0.1:
                    other = COUNTRIES[rng.choice(countries)][0]
                    if other != agency:
                        agencies.append(other)
                for code in agencies:
                    deliveries.append(
                        {
                            "report_id": report_id,
                            "agency_code": code,
                            "transport": "webhook",
                            "payload_format": "json",
                            "status": "delivered",
                            "attempts": 1,
                            "idempotency_key": f"{reference}/{code}",
                            "next_attempt_at": created,
                            "created_at": created,
                        }
                    )
                if rng.random() < 0.3:
                    evidence.append(
                        {
                            "report_id": report_id,
                            "sha256": f"{rng.getrandbits(256):064x}",
                            "size_bytes": rng.randint(1000, 500_000),
                            "mime_type": "image/jpeg",
                            "kind": "photo",
                            "storage_path": f"bench/{report_id}.jpg",
                            "created_at": created,
                        }
                    )
            session.execute(insert(Report), reports)
            session.execute(insert(Indicator), indicators)
            session.execute(insert(Delivery), deliveries)
            if evidence:
                session.execute(insert(Evidence), evidence)
            session.commit()
    return time.perf_counter() - started


def timed(runs: int, action: Callable[[], Any]) -> dict[str, float]:
    action()  # warm-up (caches, prepared plans)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(p95, 2),
        "runs": runs,
    }


def query_benchmarks(factory: sessionmaker[Session], viewer: Viewer, runs: int) -> dict[str, Any]:
    results: dict[str, Any] = {}

    def page(args: dict[str, str], number: int = 1) -> Callable[[], Any]:
        filters = parse_filters(args)

        def run() -> Any:
            with factory() as session:
                return queue_page(session, viewer=viewer, filters=filters, page=number)

        return run

    cases: dict[str, Callable[[], Any]] = {
        "queue_first_page": page({}),
        "queue_page_100": page({}, 100),
        "queue_filtered": page(
            {
                "scam_type": "fake_authority",
                "country": "SG",
                "amount_min": "100",
                "has_evidence": "yes",
            }
        ),
        "queue_filtered_date_range": page(
            {
                "status": "received",
                "date_from": (datetime.now(timezone.utc) - timedelta(days=60)).date().isoformat(),
                "date_to": datetime.now(timezone.utc).date().isoformat(),
            }
        ),
        "queue_sorted_by_loss": page({"sort": "amount_desc"}),
        "queue_flag_rare": page({"flag": "self_harm"}),
        "queue_flag_any": page({"flag": "any"}),
        "search_common_word": page({"q": "police"}),
        "search_two_words": page({"q": "bitcoin wallet"}),
        "search_rare_word_with_filter": page(
            {"q": "inheritance grant", "scam_type": "advance_fee"}
        ),
    }
    for name, action in cases.items():
        results[name] = timed(runs, action)

    with factory() as session:
        reference = session.scalar(
            select(Report.reference)
            .join(Delivery, Delivery.report_id == Report.id)
            .where(Delivery.agency_code == viewer.agency_code)
            .order_by(Report.created_at.desc())
            .limit(1)
        )
    assert reference is not None

    def report_page() -> Any:
        with factory() as session:
            report = find_visible_report(session, viewer=viewer, reference=reference)
            assert report is not None
            indicator_report_counts(session, viewer=viewer, indicators=report.indicators)
            visible_notes(session, viewer=viewer, report=report)
            status_history(session, viewer=viewer, report=report)

    def cluster() -> Any:
        with factory() as session:
            report = find_visible_report(session, viewer=viewer, reference=reference)
            assert report is not None
            return cluster_around(session, viewer=viewer, report=report)

    def clusters(days: int) -> Callable[[], Any]:
        def run() -> Any:
            with factory() as session:
                since = datetime.now(timezone.utc) - timedelta(days=days)
                return find_clusters(session, viewer=viewer, since=since)

        return run

    def dashboard(days: int) -> Callable[[], Any]:
        def run() -> Any:
            with factory() as session:
                today = datetime.now(timezone.utc).date()
                reports_per_day(session, viewer=viewer, today=today, days=days)
                money_lost(session, viewer=viewer, since=today - timedelta(days=days - 1))
                flag_counts(session, viewer=viewer, since=today - timedelta(days=days - 1))
                top_indicators(
                    session, viewer=viewer, since=datetime.now(timezone.utc) - timedelta(days=7)
                )

        return run

    results["report_page"] = timed(runs, report_page)
    results["cluster_of_report"] = timed(runs, cluster)
    results["networks_30_days"] = timed(max(3, runs // 3), clusters(30))
    results["networks_90_days"] = timed(max(3, runs // 3), clusters(90))
    results["dashboard_30_days"] = timed(max(3, runs // 3), dashboard(30))
    results["dashboard_365_days"] = timed(max(3, runs // 3), dashboard(365))
    results["_reference"] = reference
    return results


def http_benchmarks(
    factory: sessionmaker[Session],
    database_url: str,
    data_dir: Path,
    viewer_email: str,
    reference: str,
    runs: int,
) -> dict[str, Any]:
    settings = get_settings(
        {
            "SCAMREPORT_ENV": "test",
            "SCAMREPORT_DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url,
        }
    )
    app = create_app(settings, session_factory=factory, config=ConsoleConfig())
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    marker = 'name="csrf_token" value="'
    token = login_page[login_page.index(marker) + len(marker) :].split('"', 1)[0]
    response = client.post(
        "/login",
        data={"email": viewer_email, "password": "benchmark password", "csrf_token": token},
    )
    assert response.status_code == 302, response.status_code

    def get(path: str) -> Callable[[], Any]:
        def run() -> Any:
            reply = client.get(path)
            assert reply.status_code == 200, (path, reply.status_code)
            return reply.get_data()

        return run

    return {
        "http_queue": timed(runs, get("/reports")),
        "http_queue_filtered_search": timed(
            runs, get("/reports?q=police&country=SG&has_evidence=yes")
        ),
        "http_report_page": timed(runs, get(f"/reports/{reference}")),
        "http_dashboard": timed(max(3, runs // 3), get("/dashboard")),
        "http_networks": timed(max(3, runs // 3), get("/networks")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "results" / "bench-console.json")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=20201)
    args = parser.parse_args(argv)

    temporary = tempfile.TemporaryDirectory(prefix="bench-console-")
    data_dir = Path(temporary.name)
    database_url = args.database_url or f"sqlite:///{data_dir / 'bench.db'}"
    upgrade_database(database_url, "heads")
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    rng = random.Random(args.seed)
    with factory() as session:
        present = session.scalar(select(func.count()).select_from(Report)) or 0
    seed_seconds = seed(factory, args.reports - present, rng) if present < args.reports else 0.0
    # Planner statistics, as a maintained production database has them.
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    email = "bench-analyst@sg-spf.police.test"
    with factory() as session:
        if find_user(session, email=email) is None:
            create_user(
                session,
                email=email,
                password="benchmark password",
                agency_code="sg-spf",
                role="analyst",
            )
            session.commit()
        user = find_user(session, email=email)
        assert user is not None
        viewer = Viewer(
            user_id=user.id, email=user.email, agency_code=user.agency_code, role=user.role
        )
        admin = Viewer(user_id=user.id, email=user.email, agency_code="sg-spf", role="admin")
        routed = session.scalar(
            select(func.count(func.distinct(Delivery.report_id))).where(
                Delivery.agency_code == "sg-spf"
            )
        )

    load_before = os.getloadavg()
    analyst_results = query_benchmarks(factory, viewer, args.repeat)
    reference = analyst_results.pop("_reference")
    admin_results = query_benchmarks(factory, admin, args.repeat)
    admin_results.pop("_reference")
    http_results = http_benchmarks(factory, database_url, data_dir, email, reference, args.repeat)
    result = {
        "database": engine.dialect.name,
        "reports": args.reports,
        "reports_routed_to_analyst_agency": routed,
        "seed_seconds": round(seed_seconds, 1),
        "repeat": args.repeat,
        "analyst_sg_spf": analyst_results,
        "admin_all_agencies": admin_results,
        "http_analyst_sg_spf": http_results,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            # Other work on the machine slows every number down; this says how busy it was.
            "load_average_1min_before_and_after": [
                round(load_before[0], 2),
                round(os.getloadavg()[0], 2),
            ],
        },
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    engine.dispose()
    temporary.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
