"""Networks of reports joined by shared indicators, and the dashboard's numbers."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

from console_fixtures import AGENCY_A, AGENCY_B, SHARED_PHONE, SHARED_WALLET, ConsoleEnv, login
from sqlalchemy import select

from console.access import Viewer
from console.dashboard import money_lost, reports_per_day, top_indicators
from console.networks import (
    cluster_around,
    clusters_from_pairs,
    find_clusters,
    graph_json,
    link_key,
)
from scamreport.storage.models import Indicator, Report
from scamreport.storage.records import NewConsent, NewDelivery, NewIndicator, NewReport
from scamreport.storage.repository import submit_report
from scamreport.storage.types import utcnow

ANALYST_A = Viewer(1, "a@a.test", AGENCY_A, "analyst")
ANALYST_B = Viewer(2, "b@b.test", AGENCY_B, "analyst")
ADMIN = Viewer(3, "admin@a.test", AGENCY_A, "admin")


def _ids(env: ConsoleEnv, *references: str) -> set[int]:
    with env.session() as session:
        return set(session.scalars(select(Report.id).where(Report.reference.in_(references))))


def test_union_find_joins_reports_through_chains_of_keys() -> None:
    pairs = [
        (1, "phone", "+1"),
        (2, "phone", "+1"),
        (2, "iban", "X"),
        (3, "iban", "X"),
        (4, "handle", "@h"),
        (5, "handle", "@h"),
    ]
    clusters = clusters_from_pairs(pairs)
    assert [c.report_ids for c in clusters] == [{1, 2, 3}, {4, 5}]
    assert clusters[0].keys == {("phone", "+1"), ("iban", "X")}


def test_link_keys() -> None:
    assert link_key(Indicator(kind="phone", value="+65")) == ("phone", "+65")
    url = Indicator(kind="url", value="https://a.shop.example/x", registrable_domain="shop.example")
    assert link_key(url) == ("domain", "shop.example")
    shared = Indicator(kind="url", value="https://t.me/scammer", registrable_domain="t.me")
    assert link_key(shared) == ("url", "https://t.me/scammer")
    assert link_key(Indicator(kind="amount", value="5 USD")) is None


def test_clusters_stay_inside_the_viewers_scope(seeded) -> None:  # type: ignore[no-untyped-def]
    factory, r = seeded
    with factory() as session:
        ids = dict(session.execute(select(Report.reference, Report.id)).all())
        a = [c.report_ids for c in find_clusters(session, viewer=ANALYST_A)]
        b = [c.report_ids for c in find_clusters(session, viewer=ANALYST_B)]
        admin = [c.report_ids for c in find_clusters(session, viewer=ADMIN)]
        recent = find_clusters(session, viewer=ADMIN, since=utcnow() + timedelta(days=1))
    assert a == [{ids[r.a_hostile], ids[r.a_phishing]}]
    assert b == [{ids[r.b_only], ids[r.both]}]
    # The admin sees the phone and the wallet join all four reports.
    assert admin == [{ids[r.a_hostile], ids[r.a_phishing], ids[r.b_only], ids[r.both]}]
    assert recent == []


def test_shared_platform_domains_do_not_join_reports(console_env: ConsoleEnv) -> None:
    env = console_env
    with env.session() as session:
        for index in range(2):
            submit_report(
                session,
                report=NewReport(pseudonym=f"tme-{index}", scam_type="other", story="x"),
                indicators=[
                    NewIndicator(
                        kind="url", value=f"https://t.me/seller{index}", registrable_domain="t.me"
                    )
                ],
                transcript=[],
                consents=[NewConsent(kind="forward_national", granted=True, wording="ok?")],
                deliveries=[NewDelivery(agency_code=AGENCY_A, transport="webhook")],
            )
        clusters = find_clusters(session, viewer=ANALYST_A)
    assert len(clusters) == 1  # still only the phone/domain cluster of the seed


def test_cluster_around_a_report_and_its_graph(console_env: ConsoleEnv) -> None:
    env = console_env
    r = env.reports
    # (SQLite: one transaction at a time, so the ids are read before the session below.)
    pair = _ids(env, r.a_hostile, r.a_phishing)
    four = _ids(env, r.a_hostile, r.a_phishing, r.b_only, r.both)
    with env.session() as session:
        seed = session.scalars(select(Report).where(Report.reference == r.a_hostile)).one()
        cluster, truncated = cluster_around(session, viewer=ANALYST_A, report=seed)
        assert cluster.report_ids == pair
        assert not truncated
        everything, _ = cluster_around(session, viewer=ADMIN, report=seed)
        assert everything.report_ids == four
        assert ("crypto_wallet", SHARED_WALLET) in everything.keys
        cut, cut_short = cluster_around(session, viewer=ADMIN, report=seed, limit=2)
        assert cut.size == 2 and cut_short
        graph = graph_json(session, clusters=[cluster], seed_id=seed.id)
    reports = [n for n in graph["nodes"] if n["type"] == "report"]
    keys = [n for n in graph["nodes"] if n["type"] == "indicator"]
    assert {n["reference"] for n in reports} == {r.a_hostile, r.a_phishing}
    assert [n["seed"] for n in reports if n["reference"] == r.a_hostile] == [True]
    assert {(n["kind"], n["label"]) for n in keys} == {
        ("phone", SHARED_PHONE),
        ("domain", "fake-police.example"),
    }
    assert len(graph["links"]) == 4


def test_the_network_pages_embed_the_graph_as_inert_json(console_env: ConsoleEnv) -> None:
    env = console_env
    client = env.client()
    login(client, AGENCY_A, "analyst")
    html = client.get(f"/networks/report/{env.reports.a_hostile}").get_data(as_text=True)
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S)
    assert match is not None
    graph = json.loads(match.group(1))
    urls = {n["url"] for n in graph["nodes"]}
    assert f"/reports/{env.reports.a_hostile}" in urls
    assert any(u.startswith("/indicators?kind=phone&value=%2B6581234567") for u in urls)
    assert "<" not in match.group(1)  # tojson escapes markup inside the script block
    overview = client.get("/networks").get_data(as_text=True)
    assert f"/networks/report/{env.reports.a_hostile}" in overview or (
        f"/networks/report/{env.reports.a_phishing}" in overview
    )


def test_dashboard_numbers(seeded) -> None:  # type: ignore[no-untyped-def]
    factory, _ = seeded
    today = utcnow().date()
    with factory() as session:
        daily = reports_per_day(session, viewer=ANALYST_A, today=today, days=7)
        losses = {
            (m.country, m.currency): (m.amount, m.reports)
            for m in money_lost(session, viewer=ANALYST_A, since=today - timedelta(days=6))
        }
        top = top_indicators(session, viewer=ADMIN, since=utcnow() - timedelta(days=7))
    assert daily.days[-1] == today and len(daily.days) == 7
    assert daily.series["fake_shop"] == [0, 0, 0, 0, 0, 0, 2]
    assert sum(sum(v) for v in daily.series.values()) == 7
    assert losses == {
        ("SG", "SGD"): (Decimal("5464.90"), 4),
        ("ID", "SGD"): (Decimal("1500.00"), 1),
        ("MY", "MYR"): (Decimal("800.00"), 1),  # the report routed to both; b_only is not A's
    }
    assert (top[0].kind, top[0].value, top[0].reports) == ("phone", SHARED_PHONE, 3)
    assert (top[1].kind, top[1].value, top[1].reports) == ("crypto_wallet", SHARED_WALLET, 2)
    assert all(item.kind not in ("amount", "date") for item in top)


def test_dashboard_page(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    html = client.get("/dashboard?days=90").get_data(as_text=True)
    assert html.count('<svg class="chart"') >= 3  # per day, and one per currency (SGD, MYR)
    assert "last 90 days, 7 reports" in html
    assert SHARED_PHONE in html
    assert "style=" not in html  # inline styles would break the CSP
