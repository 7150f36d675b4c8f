"""Triage flags in the console: the queue's badge column and filter, the report page and the
dashboard's counts; and evidence images as analysts receive them (no GPS, original hash)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from console_fixtures import AGENCY_A, AGENCY_B, ConsoleEnv, build_console_env, login
from sqlalchemy.orm import Session, sessionmaker
from test_console_browser import (  # noqa: F401 - browser: a fixture
    SCREENSHOTS,
    browser,
    new_page,
    sign_in,
)
from werkzeug.serving import BaseWSGIServer, make_server

from console.access import Viewer
from console.filters import parse_filters
from console.queue import queue_page
from scamreport.storage.evidence_files import EvidenceFiles
from scamreport.storage.models import Report
from scamreport.storage.records import NewDelivery, NewEvidence, NewReport
from scamreport.storage.repository import submit_report
from tests.evidence_samples import gps_of, jpeg_with_gps


@dataclass
class Flagged:
    self_harm: str
    minor: str
    large_loss: str
    b_minor: str
    photo: bytes


def _report(
    session: Session, agency: str, *, evidence: Sequence[NewEvidence] = (), **values: Any
) -> str:
    values.setdefault("scam_type", "sextortion")
    values.setdefault("country", "SG")
    report = submit_report(
        session,
        report=NewReport(pseudonym="conv-flagged", consent_forward=True, **values),
        indicators=[],
        transcript=[],
        consents=[],
        evidence=evidence,
        deliveries=[NewDelivery(agency_code=agency, transport="webhook")],
    )
    return report.reference


def add_flagged_reports(env: ConsoleEnv) -> Flagged:
    """Reports as the submission action stores them (details["flags"], urgent, the amount)."""
    photo = jpeg_with_gps()
    blob = EvidenceFiles(env.settings.evidence_dir).save(photo, mime_type="image/jpeg")
    evidence = NewEvidence(
        sha256=blob.sha256,
        stored_sha256=blob.stored_sha256,
        size_bytes=blob.size_bytes,
        mime_type="image/jpeg",
        kind="photo",
        filename="IMG_0001.jpg",
        storage_path=blob.storage_path,
    )
    with env.session() as session:
        return Flagged(
            self_harm=_report(
                session,
                AGENCY_A,
                story="They will post the video. I can't go on like this.",
                details={"flags": ["self_harm"]},
                evidence=[evidence],
            ),
            minor=_report(
                session,
                AGENCY_A,
                story="My son is 15, they are messaging him right now.",
                urgent=True,
                details={"flags": ["minor", "ongoing"]},
            ),
            large_loss=_report(
                session,
                AGENCY_A,
                scam_type="investment",
                story="The trading platform kept all my savings.",
                money_lost=True,
                amount_lost=Decimal("48000.00"),
                currency="SGD",
            ),
            b_minor=_report(
                session,
                AGENCY_B,
                country="MY",
                story="A Malaysian case about a minor.",
                details={"flags": ["minor"]},
            ),
            photo=photo,
        )


@pytest.fixture
def flagged_env(tmp_path: Path) -> Iterator[tuple[ConsoleEnv, Flagged]]:
    env = build_console_env(tmp_path / "console")
    flagged = add_flagged_reports(env)
    yield env, flagged
    env.engine.dispose()


def queue_refs(html: str) -> list[str]:
    return re.findall(r'class="ref" href="/reports/([A-Z0-9-]+)"', html)


def test_the_queue_shows_and_filters_flags(flagged_env: tuple[ConsoleEnv, Flagged]) -> None:
    env, flagged = flagged_env
    client = env.client()
    login(client, AGENCY_A, "analyst")
    html = client.get("/reports").get_data(as_text=True)
    assert '<th scope="col">Flags</th>' in html
    row = html[html.index(f"/reports/{flagged.minor}") :].split("</tr>")[0]
    assert 'data-flag="minor"' in row and 'data-flag="ongoing"' in row
    assert "Minor involved" in row and "Scam ongoing" in row

    def refs(**args: str) -> set[str]:
        response = client.get("/reports", query_string=args)
        assert response.status_code == 200
        return set(queue_refs(response.get_data(as_text=True)))

    assert refs(flag="minor") == {flagged.minor}  # agency B's minor is not A's to see
    assert refs(flag="self_harm") == {flagged.self_harm}
    assert refs(flag="large_loss") == {flagged.large_loss}
    # The seeded urgent report is ongoing too.
    assert refs(flag="ongoing") == {flagged.minor, env.reports.a_hostile}
    assert refs(flag="any") == {
        flagged.self_harm,
        flagged.minor,
        flagged.large_loss,
        env.reports.a_hostile,
    }
    assert "flag: &#39;kidnapped&#39; is not a known value" in client.get(
        "/reports?flag=kidnapped"
    ).get_data(as_text=True)
    # Exports follow the same filter.
    csv_text = client.get("/export/csv?flag=minor").get_data(as_text=True)
    (row,) = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    assert (row["reference"], row["triage_flags"]) == (flagged.minor, "minor,ongoing")


def test_the_report_page_and_the_dashboard_show_flags(
    flagged_env: tuple[ConsoleEnv, Flagged],
) -> None:
    env, flagged = flagged_env
    client = env.client()
    login(client, AGENCY_A, "analyst")
    page = client.get(f"/reports/{flagged.self_harm}").get_data(as_text=True)
    assert 'id="triage-flags"' in page and 'data-flag="self_harm"' in page
    assert "<dt>Triage flags</dt><dd>Self-harm risk</dd>" in page
    plain = client.get(f"/reports/{env.reports.a_plain[0]}").get_data(as_text=True)
    assert 'id="triage-flags"' not in plain and "<dt>Triage flags</dt><dd>none</dd>" in plain

    dashboard = client.get("/dashboard").get_data(as_text=True)
    counts = dict(re.findall(r'<tr data-flag="(\w+)">.*?data-count="(\d+)"', dashboard, re.S))
    assert counts == {"self_harm": "1", "minor": "1", "ongoing": "2", "large_loss": "1"}
    login_b = env.client()
    login(login_b, AGENCY_B, "analyst")
    dashboard_b = login_b.get("/dashboard").get_data(as_text=True)
    counts_b = dict(re.findall(r'<tr data-flag="(\w+)">.*?data-count="(\d+)"', dashboard_b, re.S))
    assert counts_b == {"self_harm": "0", "minor": "1", "ongoing": "0", "large_loss": "0"}


def test_an_analyst_receives_the_photo_without_its_location(
    flagged_env: tuple[ConsoleEnv, Flagged],
) -> None:
    env, flagged = flagged_env
    client = env.client()
    login(client, AGENCY_A, "analyst")
    with env.session() as session:
        report = session.query(Report).filter_by(reference=flagged.self_harm).one()
        item = report.evidence[0]
        evidence_id, stored = item.id, item.stored_sha256
    response = client.get(f"/reports/{flagged.self_harm}/evidence/{evidence_id}")
    served = response.get_data()
    original = hashlib.sha256(flagged.photo).hexdigest()
    assert gps_of(flagged.photo) and gps_of(served) == {}
    assert response.headers["X-Evidence-SHA256"] == original
    assert (
        response.headers["X-Evidence-Stored-SHA256"] == stored == hashlib.sha256(served).hexdigest()
    )
    page = client.get(f"/reports/{flagged.self_harm}").get_data(as_text=True)
    assert original in page and stored in page
    assert "file does not match its hash" not in page and "verified" in page


def test_the_flag_filter_on_both_databases(seeded: tuple[sessionmaker[Session], Any]) -> None:
    factory, reports = seeded
    with factory() as session:
        report = session.query(Report).filter_by(reference=reports.a_phishing).one()
        report.details["flags"] = ["self_harm"]
        report.amount_lost = Decimal("10000.00")
        session.commit()
    viewer = Viewer(user_id=1, email="a@a.test", agency_code=AGENCY_A, role="analyst")
    with factory() as session:

        def refs(flag: str) -> list[str]:
            page = queue_page(session, viewer=viewer, filters=parse_filters({"flag": flag}))
            return [row.report.reference for row in page.rows]

        assert refs("self_harm") == [reports.a_phishing]
        assert refs("large_loss") == [reports.a_phishing]
        assert set(refs("any")) == {reports.a_phishing, reports.a_hostile}
        assert refs("minor") == []


# --- in a real browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served_flagged(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ConsoleEnv, Flagged, str]]:
    env = build_console_env(tmp_path_factory.mktemp("triage-browser"))
    flagged = add_flagged_reports(env)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, env.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield env, flagged, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    env.engine.dispose()


@pytest.mark.browser
def test_an_analyst_filters_by_flag_opens_the_report_and_sees_the_counts(
    served_flagged: tuple[ConsoleEnv, Flagged, str],
    browser,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    env, flagged, base = served_flagged
    page = new_page(browser)
    sign_in(page, base)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-queue-flags-1280.png"), full_page=True)
    minor_row = page.locator(f"table.queue tr:has(a.ref:has-text('{flagged.minor}'))")
    assert minor_row.locator(".tag-flag").all_inner_texts() == ["Minor involved", "Scam ongoing"]

    page.select_option("select[name=flag]", "self_harm")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**flag=self_harm**")
    assert page.locator("table.queue a.ref").all_inner_texts() == [flagged.self_harm]

    page.click(f"table.queue a.ref:has-text('{flagged.self_harm}')")
    page.wait_for_url(f"{base}/reports/{flagged.self_harm}")
    assert page.inner_text("#triage-flags").strip() == "Self-harm risk"
    # The photo shows; what the analyst's browser received has no GPS block.
    page.wait_for_function("document.querySelector('img.evidence-image').naturalWidth > 0")
    assert "Kept without its metadata" in page.inner_text("#evidence")

    page.click("nav.mainnav a:has-text('Dashboard')")
    page.wait_for_url(f"{base}/dashboard**")
    page.screenshot(path=str(SCREENSHOTS / "console-dashboard-flags-1280.png"), full_page=True)
    assert page.inner_text("#flags tr[data-flag=ongoing] td.num") == "2"
    page.click("#flags tr[data-flag=large_loss] a")
    page.wait_for_url("**flag=large_loss**")
    assert page.locator("table.queue a.ref").all_inner_texts() == [flagged.large_loss]
    page.context.close()
