"""The reporter's language in the console: the queue's Language column and filter, the report
page's language, and the English rendering shown next to the reporter's own words."""

from __future__ import annotations

import csv
import io
from html import escape

import pytest
from console_fixtures import AGENCY_A, AGENCY_B, ConsoleEnv, login
from language_fixtures import (
    CLAIMED_IDENTITY_ZH,
    DEMAND_ZH,
    MESSAGE_ZH,
    STORY_MS,
    STORY_ZH,
    LanguageReports,
    seed_language_reports,
)
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.access import Viewer
from console.filters import parse_filters
from console.queue import queue_page
from console.rendering import english_rendering, language_label, report_language
from scamreport.storage.models import AuditEntry, Report

ANALYST_A = Viewer(user_id=1, email="a@a.test", agency_code=AGENCY_A, role="analyst")
ANALYST_B = Viewer(user_id=2, email="b@b.test", agency_code=AGENCY_B, role="analyst")


@pytest.fixture
def languages(console_env: ConsoleEnv) -> LanguageReports:
    with console_env.session() as session:
        return seed_language_reports(session)


def _references(factory: sessionmaker[Session], viewer: Viewer, **args: str) -> set[str]:
    with factory() as session:
        page = queue_page(session, viewer=viewer, filters=parse_filters(args), per_page=100)
        return {row.report.reference for row in page.rows}


def test_the_language_filter_on_sqlite_and_postgresql(seeded) -> None:  # type: ignore[no-untyped-def]
    factory, reports = seeded
    with factory() as session:
        added = seed_language_reports(session)
    everything = _references(factory, ANALYST_A)
    assert _references(factory, ANALYST_A, language="zh") == {added.zh}
    assert _references(factory, ANALYST_A, language="ms") == {added.ms}
    # English: the reports marked so and those stored before languages were kept (NULL).
    english = _references(factory, ANALYST_A, language="en")
    assert english == everything - {added.zh, added.ms}
    assert {added.en, reports.a_hostile, *reports.a_plain} <= english
    # The filter does not widen an analyst's scope.
    assert _references(factory, ANALYST_B, language="zh") == set()


def test_a_language_the_console_does_not_know_is_named_and_ignored() -> None:
    filters = parse_filters({"language": "id"})
    assert filters.language is None
    assert filters.errors == ("language: 'id' is not a known value",)
    assert parse_filters({"language": " zh "}).to_args() == {"language": "zh"}


def test_the_queue_shows_a_language_column_and_filters_by_it(
    console_env: ConsoleEnv, languages: LanguageReports
) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    html = client.get("/reports").get_data(as_text=True)
    assert '<th scope="col" class="hide-narrow">Language</th>' in html
    assert 'data-language="zh" lang="zh">简体中文</td>' in html
    assert 'data-language="ms" lang="ms">Bahasa Melayu</td>' in html
    # The seeded reports have no language: English.
    assert html.count('data-language="en" lang="en">English</td>') == 8
    assert '<option value="zh" lang="zh" >简体中文</option>' in html

    html = client.get("/reports?language=zh").get_data(as_text=True)
    assert languages.zh in html and languages.ms not in html and languages.en not in html
    assert '<option value="zh" lang="zh" selected>简体中文</option>' in html
    assert "Showing 1–1 of 1 report." in html
    # The exports of the filtered queue keep the filter.
    assert "/export/csv?language=zh" in html

    html = client.get("/reports?language=xx").get_data(as_text=True)
    assert "language: &#39;xx&#39; is not a known value" in html
    assert languages.zh in html and languages.ms in html


def test_paging_keeps_the_language_filter(
    console_env: ConsoleEnv, languages: LanguageReports
) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    html = client.get("/reports?language=en&per_page=3").get_data(as_text=True)
    assert 'href="/reports?page=2&amp;language=en&amp;per_page=3"' in html
    seen: set[str] = set()
    for page in (1, 2, 3):
        text = client.get(f"/reports?language=en&per_page=3&page={page}").get_data(as_text=True)
        seen |= {ref for ref in (languages.zh, languages.ms, languages.en) if ref in text}
    assert seen == {languages.en}


def test_a_csv_export_of_one_language(console_env: ConsoleEnv, languages: LanguageReports) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    body = client.get("/export/csv?language=ms").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [(row["reference"], row["language"], row["story"]) for row in rows] == [
        (languages.ms, "ms", STORY_MS)
    ]


def test_the_report_page_shows_the_language_and_the_reporters_own_words(
    console_env: ConsoleEnv, languages: LanguageReports
) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    html = client.get(f"/reports/{languages.zh}").get_data(as_text=True)
    assert 'written in <span lang="zh">简体中文</span>' in html
    assert '<dd id="language"><span lang="zh">简体中文</span> (zh)</dd>' in html
    assert f'<div class="story" data-testid="story" lang="zh">{escape(STORY_ZH)}</div>' in html
    # The rendering is offered, not shown.
    assert f'href="/reports/{languages.zh}?rendering=en#story"' in html
    assert 'id="english-rendering"' not in html
    assert "No machine translation was used" not in html


def test_the_english_rendering_sits_next_to_the_original(
    console_env: ConsoleEnv, languages: LanguageReports
) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    html = client.get(f"/reports/{languages.zh}?rendering=en").get_data(as_text=True)
    assert 'class="side-by-side"' in html
    assert "The reporter's original words are authoritative." in html
    assert "No machine translation was used" in html
    # The original, unchanged (escaped, never altered), with their messages.
    assert f'<div class="story" data-testid="story" lang="zh">{escape(STORY_ZH)}</div>' in html
    assert escape(MESSAGE_ZH) in html
    rendering = html.split('id="english-rendering"', 1)[1].split("</dl>", 1)[0]
    for label, value in (
        ("Scam type", "Fake police or officials"),
        ("Contact came by", "Phone call"),
        ("Reporter&#39;s country", "Singapore"),
        ("Incident date", "March 2025"),
        ("Amount demanded", "20,000 SGD"),
        ("Money lost", "8,000 SGD"),
        ("Paid by", "bank transfer"),
        ("Phone number", "+6588887777"),
    ):
        assert f"<dt>{label}</dt>\n        <dd>{value}</dd>" in rendering, label
    # Free text the reporter typed is shown as written, and marked so.
    assert (
        f'<dd lang="zh">{CLAIMED_IDENTITY_ZH} <span class="tag" lang="en">as written</span></dd>'
        in rendering
    )
    assert f'<dd lang="zh">{DEMAND_ZH} <span class="tag" lang="en">as written</span></dd>' in (
        rendering
    )
    assert f'href="/reports/{languages.zh}#story" id="close-rendering"' in html
    # Reading the rendering is audited like any read of the report.
    with console_env.session() as session:
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "view_report")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry is not None
    assert (entry.report_reference, entry.details) == (languages.zh, {"rendering": "en"})


def test_a_malay_report_renders_its_answers(
    console_env: ConsoleEnv, languages: LanguageReports
) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    html = client.get(f"/reports/{languages.ms}?rendering=en").get_data(as_text=True)
    assert "Bahasa Melayu" in html
    assert escape(STORY_MS) in html
    rendering = html.split('id="english-rendering"', 1)[1].split("</dl>", 1)[0]
    assert "<dt>Scam type</dt>\n        <dd>Fake investment</dd>" in rendering
    assert "<dt>Reporter&#39;s country</dt>\n        <dd>Malaysia</dd>" in rendering
    assert "<dt>Withdrawing</dt>\n        <dd>yes</dd>" in rendering
    assert "<dt>App or website</dt>" in rendering


def test_a_report_from_before_languages_were_kept_reads_as_english(
    console_env: ConsoleEnv,
) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    reference = console_env.reports.a_hostile
    html = client.get(f"/reports/{reference}").get_data(as_text=True)
    assert '<dd id="language"><span lang="en">English</span> (en) <span' in html
    assert "not recorded" in html
    assert 'id="open-rendering"' not in html  # nothing to render for an English report
    # Asked for anyway, it works.
    html = client.get(f"/reports/{reference}?rendering=en").get_data(as_text=True)
    assert 'id="english-rendering"' in html
    assert '<span class="tag" lang="en">as written</span>' not in html


def test_language_helpers(console_env: ConsoleEnv, languages: LanguageReports) -> None:
    assert language_label(None) == "English"
    assert language_label("zh") == "简体中文"
    assert language_label("xx") == "xx"
    with console_env.session() as session:
        old = session.scalars(
            select(Report).where(Report.reference == console_env.reports.a_hostile)
        ).one()
        ms = session.scalars(select(Report).where(Report.reference == languages.ms)).one()
        assert report_language(old) == "en" and report_language(ms) == "ms"
        facts = {fact.label: fact for fact in english_rendering(ms)}
        assert facts["App or website"].value == "Telegram"
        assert facts["App or website"].as_written
        assert not facts["Withdrawing"].as_written
        assert facts["Money lost"].value == "3,000 MYR"
