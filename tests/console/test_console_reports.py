"""The report page: what it shows, the status workflow, notes, evidence and the audit trail."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import pytest
from console_fixtures import (
    AGENCY_A,
    AGENCY_B,
    HOSTILE_STORY,
    SHARED_PHONE,
    ConsoleEnv,
    csrf_token_of,
    login,
)
from sqlalchemy import select

from console.access import Viewer
from console.reports import WorkflowError, allowed_transitions, change_status
from scamreport.storage.models import (
    AuditEntry,
    Evidence,
    Notification,
    Report,
    ReportNote,
    StatusChange,
)


def _report(env: ConsoleEnv, reference: str) -> Report:
    with env.session() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        session.expunge(report)
        return report


def _audit(env: ConsoleEnv, action: str) -> list[AuditEntry]:
    with env.session() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def test_the_report_page_shows_everything_an_analyst_needs(console_env: ConsoleEnv) -> None:
    env = console_env
    client = env.client()
    login(client, AGENCY_A, "analyst")
    html = client.get(f"/reports/{env.reports.a_hostile}").get_data(as_text=True)
    for expected in (
        "Fake authority",
        "Interpol",
        "5,000 SGD",
        SHARED_PHONE,
        "https://pay.fake-police.example/step2",
        "1 other report",  # a_phishing names the same phone (b_only is not agency A's)
        "screenshot.png",
        hashlib.sha256(env.evidence_files["image"]).hexdigest(),
        "verified",
        "What happened?",  # the transcript
        "webhook / json",  # the delivery history
        "through the bot",
    ):
        assert expected in html, expected
    image = (
        f"/reports/{env.reports.a_hostile}/evidence/{env.reports.evidence_ids['image']}?inline=1"
    )
    assert f'<img src="{image}"' in html
    entries = _audit(env, "view_report")
    assert [(e.report_reference, e.user_email) for e in entries] == [
        (env.reports.a_hostile, "analyst@sg-spf.police.test")
    ]


def test_html_and_script_in_a_reporters_text_render_inert(console_env: ConsoleEnv) -> None:
    env = console_env
    client = env.client()
    login(client, AGENCY_A, "analyst")
    pages = [
        client.get(f"/reports/{env.reports.a_hostile}").get_data(as_text=True),
        client.get("/reports").get_data(as_text=True),
        client.get(f"/networks/report/{env.reports.a_hostile}").get_data(as_text=True),
    ]
    for html in pages:
        assert "<script>window.__pwned" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert HOSTILE_STORY not in pages[0]


def test_status_change_queues_the_reporters_message_and_is_audited(
    console_env: ConsoleEnv,
) -> None:
    env = console_env
    reference = env.reports.a_hostile
    client = env.client()
    login(client, AGENCY_A, "analyst")
    token = csrf_token_of(client, f"/reports/{reference}")
    response = client.post(
        f"/reports/{reference}/status", data={"status": "in_review", "csrf_token": token}
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Status changed to in review. The reporter will be told." in page
    with env.session() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        assert report.status == "in_review"
        (notification,) = session.scalars(
            select(Notification).where(Notification.report_id == report.id)
        )
        assert notification.status == "pending"
        assert reference in notification.text and "reviewed" in notification.text
        (change,) = session.scalars(select(StatusChange))
        assert (change.from_status, change.to_status, change.reporter_notified) == (
            "received",
            "in_review",
            True,
        )
    (entry,) = _audit(env, "change_status")
    assert entry.report_reference == reference
    assert entry.details["from"] == "received" and entry.details["to"] == "in_review"
    assert entry.details["notification_id"] == notification.id


def test_closing_needs_a_reason_and_a_supervisor(console_env: ConsoleEnv) -> None:
    env = console_env
    reference = env.reports.a_phishing
    analyst = env.client()
    login(analyst, AGENCY_A, "analyst")
    token = csrf_token_of(analyst, f"/reports/{reference}")
    analyst.post(f"/reports/{reference}/status", data={"status": "in_review", "csrf_token": token})
    refused = analyst.post(
        f"/reports/{reference}/status",
        data={"status": "closed", "reason": "duplicate", "csrf_token": token},
        follow_redirects=True,
    )
    assert "cannot be changed to Closed by a analyst" in refused.get_data(as_text=True)
    assert _report(env, reference).status == "in_review"

    supervisor = env.client()
    login(supervisor, AGENCY_A, "supervisor")
    token = csrf_token_of(supervisor, f"/reports/{reference}")
    no_reason = supervisor.post(
        f"/reports/{reference}/status",
        data={"status": "closed", "reason": "  ", "csrf_token": token},
        follow_redirects=True,
    )
    assert "closing a report needs a reason" in no_reason.get_data(as_text=True)
    supervisor.post(
        f"/reports/{reference}/status",
        data={"status": "closed", "reason": "duplicate of SR-AAAA-BBBB", "csrf_token": token},
    )
    closed = _report(env, reference)
    assert (closed.status, closed.status_reason) == ("closed", "duplicate of SR-AAAA-BBBB")
    # The phishing reporter did not allow contact: no message was queued.
    with env.session() as session:
        assert session.scalars(select(Notification)).first() is None


def test_workflow_steps() -> None:
    analyst = Viewer(1, "a@x.test", AGENCY_A, "analyst")
    supervisor = Viewer(2, "s@x.test", AGENCY_A, "supervisor")
    report = Report(status="received")
    assert allowed_transitions(analyst, report) == ["in_review"]
    assert allowed_transitions(supervisor, report) == ["in_review", "closed"]
    report.status = "in_review"
    assert allowed_transitions(analyst, report) == ["referred", "actioned"]
    report.status = "closed"
    assert allowed_transitions(analyst, report) == []
    assert allowed_transitions(supervisor, report) == ["in_review"]


def test_a_step_outside_the_workflow_is_refused(console_env: ConsoleEnv) -> None:
    analyst = Viewer(1, "a@x.test", AGENCY_A, "analyst")
    with console_env.session() as session:
        report = session.scalars(
            select(Report).where(Report.reference == console_env.reports.a_plain[0])
        ).one()
        with pytest.raises(WorkflowError):
            change_status(session, viewer=analyst, report=report, to_status="actioned", reason=None)
        with pytest.raises(WorkflowError):
            change_status(session, viewer=analyst, report=report, to_status="lost", reason=None)
        assert report.status == "received"


def test_notes_are_shared_within_an_agency_only(console_env: ConsoleEnv) -> None:
    env = console_env
    reference = env.reports.both
    a = env.client()
    login(a, AGENCY_A, "analyst")
    token = csrf_token_of(a, f"/reports/{reference}")
    a.post(
        f"/reports/{reference}/notes",
        data={"text": "Called the bank <b>today</b>", "csrf_token": token},
    )
    colleague = env.client()
    login(colleague, AGENCY_A, "supervisor")
    assert "Called the bank &lt;b&gt;today&lt;/b&gt;" in colleague.get(
        f"/reports/{reference}"
    ).get_data(as_text=True)
    b = env.client()
    login(b, AGENCY_B, "analyst")
    assert "Called the bank" not in b.get(f"/reports/{reference}").get_data(as_text=True)
    admin = env.client()
    login(admin, AGENCY_B, "admin")
    assert "Called the bank" in admin.get(f"/reports/{reference}").get_data(as_text=True)
    with env.session() as session:
        (note,) = session.scalars(select(ReportNote))
        assert (note.agency_code, note.author_email) == (AGENCY_A, "analyst@sg-spf.police.test")
    assert [e.report_reference for e in _audit(env, "add_note")] == [reference]


def test_evidence_images_show_inline_and_files_download(console_env: ConsoleEnv) -> None:
    env = console_env
    client = env.client()
    login(client, AGENCY_A, "analyst")
    base = f"/reports/{env.reports.a_hostile}/evidence"
    image = client.get(f"{base}/{env.reports.evidence_ids['image']}?inline=1")
    assert image.status_code == 200
    assert image.mimetype == "image/png"
    assert image.data == env.evidence_files["image"]
    assert "sandbox" in image.headers["Content-Security-Policy"]
    assert image.headers["X-Evidence-SHA256"] == hashlib.sha256(image.data).hexdigest()
    document = client.get(f"{base}/{env.reports.evidence_ids['document']}?inline=1")
    assert document.mimetype == "application/octet-stream"  # never rendered by the browser
    assert document.headers["Content-Disposition"].startswith("attachment;")
    assert "filename=receipt.pdf" in document.headers["Content-Disposition"]
    assert document.data == env.evidence_files["document"]
    opened = _audit(env, "view_evidence")
    assert [e.details["evidence_id"] for e in opened] == [
        env.reports.evidence_ids["image"],
        env.reports.evidence_ids["document"],
    ]


def test_evidence_outside_the_evidence_folder_is_never_served(console_env: ConsoleEnv) -> None:
    env = console_env
    secret = env.settings.data_dir / "secret.txt"
    secret.write_text("not evidence")
    with env.session() as session:
        item = session.get(Evidence, env.reports.evidence_ids["document"])
        assert item is not None
        item.storage_path = "../secret.txt"
        session.commit()
    client = env.client()
    login(client, AGENCY_A, "analyst")
    response = client.get(
        f"/reports/{env.reports.a_hostile}/evidence/{env.reports.evidence_ids['document']}"
    )
    assert response.status_code == 404
    assert b"not evidence" not in response.data
    page = client.get(f"/reports/{env.reports.a_hostile}").get_data(as_text=True)
    assert "file missing" in page


def test_a_tampered_evidence_file_is_flagged(console_env: ConsoleEnv) -> None:
    env = console_env
    (env.settings.evidence_dir / "seed" / "receipt.pdf").write_bytes(b"%PDF-1.4 altered")
    client = env.client()
    login(client, AGENCY_A, "analyst")
    page = client.get(f"/reports/{env.reports.a_hostile}").get_data(as_text=True)
    assert "file does not match its hash" in page


def test_the_indicator_page_lists_every_report_in_scope_naming_it(console_env: ConsoleEnv) -> None:
    env = console_env
    client = env.client()
    login(client, AGENCY_A, "analyst")
    html = client.get(f"/indicators?kind=phone&value={quote(SHARED_PHONE)}").get_data(as_text=True)
    assert env.reports.a_hostile in html and env.reports.a_phishing in html
    assert env.reports.b_only not in html
    by_domain = client.get("/indicators?kind=domain&value=fake-police.example").get_data(
        as_text=True
    )
    assert env.reports.a_hostile in by_domain and env.reports.a_phishing in by_domain
    assert client.get("/indicators?kind=password&value=x").status_code == 400
    entries = _audit(env, "view_indicator")
    assert [(e.details["kind"], e.details["value"]) for e in entries] == [
        ("phone", SHARED_PHONE),
        ("domain", "fake-police.example"),
    ]
    assert set(entries[0].details["reports"]) == {env.reports.a_hostile, env.reports.a_phishing}


def test_unknown_references_are_not_found(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "admin")
    assert client.get("/reports/SR-0000-0000").status_code == 404
    assert client.get("/reports/not-a-reference").status_code == 404
    # A reference typed loosely still finds the report.
    loose = console_env.reports.a_hostile.lower().replace("-", " ")
    assert client.get(f"/reports/{quote(loose)}").status_code == 200
