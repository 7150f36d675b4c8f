"""The storage functions the bot reads a reporter's data through: their own reports, evidence
counts, /mydata, kept messages and pending notifications (real SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from scamreport.storage.drafts import add_pending_evidence
from scamreport.storage.kept_messages import (
    count_kept_messages,
    first_kept_messages,
    forget_kept_message,
    keep_message,
    kept_messages_of,
    update_kept_payload,
)
from scamreport.storage.models import Report
from scamreport.storage.notification_outbox import (
    claim_notifications,
    count_pending_notifications,
    record_attempt,
)
from scamreport.storage.records import NewEvidence, NewReport, NewReporter
from scamreport.storage.reporter_data import stored_about_reporter
from scamreport.storage.repository import (
    ReportSummary,
    add_evidence,
    count_evidence,
    enqueue_notification,
    get_or_create_reporter,
    own_report,
    own_report_by_reference,
    report_summaries_of,
    reporter_by_pseudonym,
    submit_report,
)


def evidence(name: str) -> NewEvidence:
    data = name.encode()
    return NewEvidence(
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        mime_type="image/png",
        kind="photo",
        storage_path=f"ab/{name}.png",
    )


def file_report(session: Session, pseudonym: str, *, attached: int = 0) -> Report:
    return submit_report(
        session,
        report=NewReport(
            pseudonym=pseudonym,
            scam_type="phishing",
            reporter=NewReporter(pseudonym=pseudonym, telegram_user_id=4242, language="ms"),
        ),
        indicators=[],
        transcript=[],
        consents=[],
        evidence=[evidence(f"{pseudonym}-{n}") for n in range(attached)],
    )


def test_evidence_is_counted_per_report(session: Session) -> None:
    first = file_report(session, "p-count", attached=2)
    second = file_report(session, "p-count")
    add_evidence(session, report_id=second.id, evidence=evidence("later"))
    assert count_evidence(session, report_id=first.id) == 2
    assert count_evidence(session, report_id=second.id) == 1
    assert count_evidence(session, report_id=second.id + 100) == 0


def test_a_report_is_found_only_for_the_reporter_who_filed_it(session: Session) -> None:
    mine = file_report(session, "p-mine")
    file_report(session, "p-theirs")
    assert own_report(session, report_id=mine.id, pseudonym="p-mine") is mine
    assert own_report(session, report_id=mine.id, pseudonym="p-theirs") is None
    assert own_report(session, report_id=mine.id + 100, pseudonym="p-mine") is None
    typed = mine.reference.lower().replace("-", " ")
    assert own_report_by_reference(session, reference=typed, pseudonym="p-mine") is mine
    assert own_report_by_reference(session, reference=typed, pseudonym="p-theirs") is None
    assert own_report_by_reference(session, reference="not one", pseudonym="p-mine") is None


def test_an_anonymous_report_belongs_to_no_one(session: Session) -> None:
    anonymous = submit_report(
        session,
        report=NewReport(pseudonym="p-anon", scam_type="other"),
        indicators=[],
        transcript=[],
        consents=[],
    )
    assert own_report(session, report_id=anonymous.id, pseudonym="p-anon") is None


def test_a_reporters_reports_are_summed_up_oldest_first(session: Session) -> None:
    first = file_report(session, "p-sum", attached=1)
    second = file_report(session, "p-sum", attached=3)
    file_report(session, "p-else", attached=2)
    assert report_summaries_of(session, pseudonym="p-sum") == [
        ReportSummary(first.reference, "received", first.created_at, 1),
        ReportSummary(second.reference, "received", second.created_at, 3),
    ]
    assert report_summaries_of(session, pseudonym="p-nobody") == []
    assert reporter_by_pseudonym(session, pseudonym="p-sum") is first.reporter
    assert reporter_by_pseudonym(session, pseudonym="p-nobody") is None


def test_nothing_is_stored_about_an_unknown_reporter(session: Session) -> None:
    assert stored_about_reporter(session, pseudonym="p-unknown") is None


def test_drafts_and_kept_messages_alone_are_stored_data(session: Session) -> None:
    add_pending_evidence(session, pseudonym="p-draft", evidence=evidence("draft"))
    keep_message(session, pseudonym="p-kept", payload={"chat_id": 1, "message": "hello"})
    session.flush()
    drafted = stored_about_reporter(session, pseudonym="p-draft")
    kept = stored_about_reporter(session, pseudonym="p-kept")
    assert drafted is not None and (drafted.drafts, drafted.kept_messages) == (1, 0)
    assert kept is not None and (kept.drafts, kept.kept_messages) == (0, 1)
    assert drafted.telegram_user_id is None and drafted.reports == []


def test_everything_stored_about_a_reporter(session: Session) -> None:
    report = file_report(session, "p-all", attached=2)
    reporter = report.reporter
    assert reporter is not None
    add_pending_evidence(session, pseudonym="p-all", evidence=evidence("draft"))
    for text in ("one", "two"):
        keep_message(session, pseudonym="p-all", payload={"chat_id": 1, "message": text})
    for text in ("sent", "waiting"):
        enqueue_notification(
            session, reporter_id=reporter.id, report_id=report.id, kind="status", text=text
        )
    sent = claim_notifications(session, claimant="test", limit=1)[0]
    assert record_attempt(session, notification_id=sent.id, claimant="test", sent=True)
    session.flush()
    stored = stored_about_reporter(session, pseudonym="p-all")
    assert stored is not None
    assert (stored.telegram_user_id, stored.telegram_username, stored.contact_phone) == (
        4242,
        None,
        None,
    )
    assert stored.language == "ms"
    assert [(r.reference, r.evidence) for r in stored.reports] == [(report.reference, 2)]
    assert (stored.drafts, stored.kept_messages, stored.notifications) == (1, 2, 1)
    assert count_pending_notifications(session, reporter_id=reporter.id) == 1


def test_kept_messages_are_read_updated_and_forgotten_in_order(session: Session) -> None:
    for pseudonym, text in [("p-a", "a1"), ("p-b", "b1"), ("p-a", "a2")]:
        keep_message(session, pseudonym=pseudonym, payload={"message": text, "state": "unsent"})
    session.flush()
    kept = kept_messages_of(session, pseudonym="p-a")
    assert [row.payload["message"] for row in kept] == ["a1", "a2"]
    assert count_kept_messages(session, pseudonym="p-a") == 2
    assert [(row.pseudonym, row.payload["message"]) for row in first_kept_messages(session)] == [
        ("p-a", "a1"),
        ("p-b", "b1"),
    ]

    update_kept_payload(session, message_id=kept[0].id, fields={"state": "uncertain"})
    update_kept_payload(session, message_id=kept[0].id + 100, fields={"state": "lost"})
    session.flush()
    session.expire_all()
    assert kept_messages_of(session, pseudonym="p-a")[0].payload == {
        "message": "a1",
        "state": "uncertain",
    }

    forget_kept_message(session, message_id=kept[0].id)
    session.expire_all()
    assert [row.payload["message"] for row in kept_messages_of(session, pseudonym="p-a")] == ["a2"]
    assert [row.payload["message"] for row in first_kept_messages(session)] == ["b1", "a2"]
    assert count_kept_messages(session, pseudonym="p-nobody") == 0


def test_a_reporter_with_no_telegram_identity_is_not_sent_notifications(
    session: Session,
) -> None:
    reporter = get_or_create_reporter(session, pseudonym="p-no-telegram")
    enqueue_notification(session, reporter_id=reporter.id, report_id=None, kind="s", text="hi")
    due = claim_notifications(session, claimant="test")
    assert [item.refusal is not None for item in due] == [True]
    assert count_pending_notifications(session, reporter_id=reporter.id) == 1
