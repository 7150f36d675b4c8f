"""The queue: filters, full-text search, sorting and paging, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from console_fixtures import AGENCY_A, AGENCY_B, ConsoleEnv, login
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from console.access import Viewer
from console.filters import parse_filters
from console.queue import queue_page
from console.search import fts5_query, search_words
from scamreport.storage.models import AgencyStatus, Report
from scamreport.storage.types import utcnow

ANALYST_A = Viewer(user_id=1, email="a@a.test", agency_code=AGENCY_A, role="analyst")
ANALYST_B = Viewer(user_id=2, email="b@b.test", agency_code=AGENCY_B, role="analyst")
ADMIN = Viewer(user_id=3, email="admin@a.test", agency_code=AGENCY_A, role="admin")


def references(factory: sessionmaker[Session], viewer: Viewer, **args: str) -> list[str]:
    with factory() as session:
        page = queue_page(session, viewer=viewer, filters=parse_filters(args), per_page=100)
        return [row.report.reference for row in page.rows]


def test_analysts_see_only_their_agencys_reports(seeded) -> None:  # type: ignore[no-untyped-def]
    factory, reports = seeded
    a = set(references(factory, ANALYST_A))
    b = set(references(factory, ANALYST_B))
    assert a == {reports.a_hostile, reports.a_phishing, reports.both, *reports.a_plain}
    assert b == {reports.b_only, reports.both}
    assert set(references(factory, ADMIN)) == a | b
    assert references(factory, ADMIN, agency=AGENCY_B) == references(factory, ANALYST_B)
    # The agency filter cannot widen an analyst's scope.
    assert set(references(factory, ANALYST_A, agency=AGENCY_B)) == a


def test_filters(seeded) -> None:  # type: ignore[no-untyped-def]
    factory, reports = seeded
    assert references(factory, ANALYST_A, scam_type="fake_shop") == [
        reports.a_plain[1],
        reports.a_plain[0],
    ]
    assert set(references(factory, ADMIN, country="my")) == {reports.b_only, reports.both}
    assert references(factory, ANALYST_A, has_evidence="yes") == [reports.a_hostile]
    assert reports.a_hostile not in references(factory, ANALYST_A, has_evidence="no")
    assert set(references(factory, ANALYST_A, amount_min="300", amount_max="1500")) == {
        reports.a_phishing,
        reports.both,
        reports.a_plain[2],
    }
    assert set(references(factory, ANALYST_A, amount_min="300", currency="sgd")) == {
        reports.a_hostile,
        reports.a_phishing,
        reports.a_plain[2],
    }
    today = utcnow().date()
    assert len(references(factory, ANALYST_A, date_from=today.isoformat())) == 7
    assert references(factory, ANALYST_A, date_to=(today - timedelta(days=1)).isoformat()) == []
    with factory() as session:
        session.execute(
            update(Report).where(Report.reference == reports.a_phishing).values(status="in_review")
        )
        # Agency A's own status of the report (per-agency status, migration 0004).
        report_id = session.scalar(select(Report.id).where(Report.reference == reports.a_phishing))
        session.add(AgencyStatus(report_id=report_id, agency_code=AGENCY_A, status="in_review"))
        session.commit()
    assert references(factory, ANALYST_A, status="in_review") == [reports.a_phishing]
    assert references(factory, ADMIN, status="in_review") == [reports.a_phishing]


def test_bad_filter_values_are_reported_not_applied() -> None:
    filters = parse_filters(
        {
            "scam_type": "kidnapping",
            "country": "Singapore",
            "amount_min": "lots",
            "date_from": "2025-02-30",
            "has_evidence": "maybe",
            "sort": "random",
        }
    )
    assert filters.scam_type is None and filters.country is None and filters.amount_min is None
    assert filters.date_from is None and filters.has_evidence is None and filters.sort == "newest"
    assert len(filters.errors) == 6
    assert parse_filters({"date_from": "2025-03-02", "date_to": "2025-03-01"}).errors


def test_search_finds_all_words_and_treats_syntax_as_text(seeded) -> None:  # type: ignore[no-untyped-def]
    factory, reports = seeded
    assert references(factory, ANALYST_A, q="interpol") == [reports.a_hostile]
    assert references(factory, ANALYST_A, q="INTERPOL dollars") == [reports.a_hostile]
    assert references(factory, ANALYST_A, q="interpol masks") == []
    assert len(references(factory, ANALYST_A, q="masks")) == 4
    # Operators and quotes in the text are words, not query syntax.
    masks = references(factory, ANALYST_A, q="masks")
    for hostile, expected in (
        ("interpol OR masks", []),  # three words, all required; no report has them all
        ('"interpol', [reports.a_hostile]),
        ("interpol*", [reports.a_hostile]),
        ("NEAR(interpol)", []),  # "near" and "interpol"
        ("-masks", masks),
    ):
        assert references(factory, ANALYST_A, q=hostile) == expected, hostile
    assert references(factory, ANALYST_A, q='" OR "') == []
    assert references(factory, ANALYST_A, q="!!!") == []
    # Search stays inside the analyst's scope.
    assert references(factory, ANALYST_A, q="Malaysian") == []
    assert references(factory, ANALYST_B, q="Malaysian") == [reports.b_only]


def test_search_follows_story_changes_and_deletions(seeded) -> None:  # type: ignore[no-untyped-def]
    factory, reports = seeded
    with factory() as session:
        session.execute(
            update(Report)
            .where(Report.reference == reports.a_phishing)
            .values(story="The courier collected gold bars.")
        )
        session.commit()
    assert references(factory, ANALYST_A, q="courier gold") == [reports.a_phishing]
    assert references(factory, ANALYST_A, q="otp") == []
    with factory() as session:
        session.execute(delete(Report).where(Report.reference == reports.a_phishing))
        session.commit()
    assert references(factory, ANALYST_A, q="courier") == []


def test_sorting_and_paging(seeded) -> None:  # type: ignore[no-untyped-def]
    factory, reports = seeded
    by_loss = references(factory, ANALYST_A, sort="amount_desc")
    assert by_loss[0] == reports.a_hostile  # 5,000 SGD
    assert by_loss[-1] == reports.a_plain[1]  # no amount: last
    assert references(factory, ANALYST_A, sort="amount_asc")[0] == reports.a_plain[0]  # 45.90
    newest = references(factory, ANALYST_A)
    assert references(factory, ANALYST_A, sort="oldest") == list(reversed(newest))
    with factory() as session:
        first = queue_page(session, viewer=ANALYST_A, filters=parse_filters({}), per_page=3)
        third = queue_page(session, viewer=ANALYST_A, filters=parse_filters({}), page=3, per_page=3)
        capped = queue_page(
            session, viewer=ANALYST_A, filters=parse_filters({}), per_page=3, count_cap=5
        )
    assert [r.report.reference for r in first.rows] == newest[:3]
    assert [r.report.reference for r in third.rows] == newest[6:]
    assert (first.total, first.pages, first.has_next) == (7, 3, True)
    assert not third.has_next
    assert (capped.total, capped.total_capped, capped.has_next) == (5, True, True)


def test_rows_carry_evidence_and_indicator_counts(seeded) -> None:  # type: ignore[no-untyped-def]
    factory, reports = seeded
    with factory() as session:
        page = queue_page(session, viewer=ANALYST_A, filters=parse_filters({"q": "interpol"}))
    (row,) = page.rows
    assert (row.evidence_count, row.indicator_count) == (2, 3)


def test_search_words_and_fts5_quoting() -> None:
    assert search_words("  Hello, WORLD! é-mail 123 ") == ["hello", "world", "é", "mail", "123"]
    assert fts5_query(['a"b', "c"]) == '"a""b" "c"'


def test_the_queue_page_renders_filters_and_rows(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    html = client.get("/reports?q=interpol&sort=amount_desc").get_data(as_text=True)
    assert console_env.reports.a_hostile in html
    assert console_env.reports.a_phishing not in html
    assert 'value="interpol"' in html
    assert "Showing 1–1 of 1 report." in html
    export_link = "/export/csv?q=interpol&amp;sort=amount_desc"
    assert export_link in html
    bad = client.get("/reports?amount_min=lots").get_data(as_text=True)
    assert "amount_min: &#39;lots&#39; is not a number" in bad


def test_filter_values_are_parsed_to_types() -> None:
    filters = parse_filters({"amount_min": "1,200.50", "date_from": "2025-03-01"})
    assert filters.amount_min == Decimal("1200.50")
    assert filters.date_from == date(2025, 3, 1)
    assert filters.to_args() == {"date_from": "2025-03-01", "amount_min": "1200.50"}
