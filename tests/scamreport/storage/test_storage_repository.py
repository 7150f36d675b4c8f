"""Repository functions against real databases (SQLite file and PostgreSQL)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Table, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from scamreport.reference import normalise_reference
from scamreport.storage import repository
from scamreport.storage.erasure import ERASED_ACTION, erase_reporter, purge_older_than
from scamreport.storage.models import (
    AuditEntry,
    Base,
    Consent,
    Delivery,
    Evidence,
    Indicator,
    Notification,
    PendingMessage,
    Report,
    Reporter,
    TranscriptMessage,
)
from scamreport.storage.records import (
    NewConsent,
    NewDelivery,
    NewEvidence,
    NewIndicator,
    NewReport,
    NewReporter,
    NewTranscriptMessage,
)
from scamreport.storage.repository import (
    add_evidence,
    count_reports_by_indicator,
    enqueue_notification,
    get_or_create_reporter,
    get_report_by_reference,
    reports_of_reporter,
    set_reporter_language,
    submit_report,
    update_report_status,
)
from tests.indicator_queries import find_reports_by_indicator

SGT = timezone(timedelta(hours=8))
T0 = datetime(2025, 3, 3, 9, 15, 0, tzinfo=SGT)
PHONE = "+6581234567"


def full_report(pseudonym: str = "pseudo-alice", **changes: object) -> NewReport:
    report = NewReport(
        pseudonym=f"conv-{pseudonym}",
        scam_type="fake_authority",
        reporter=NewReporter(
            pseudonym=pseudonym,
            telegram_user_id=9_876_543_210,
            telegram_username="alice_tan",
            display_name="Alice Tan",
            contact_phone="+6590001111",
            language="en",
        ),
        contact_channel="phone_call",
        country="SG",
        urgent=True,
        claimed_agency="Interpol",
        claimed_identity="Inspector Wong",
        scammer_contact=PHONE,
        demand="transfer savings to a 'safe account'",
        money_lost=True,
        amount_lost=Decimal("1200.50"),
        currency="SGD",
        payment_method="bank_transfer",
        payee_account="DE89370400440532013000",
        incident_date=date(2025, 3, 2),
        shop_name="Mask Mart",
        shop_link="https://mask-mart.example/shop?id=7",
        items_ordered="50 N95 masks",
        item_received="nothing",
        story="A man called saying he was from Interpol and my account was frozen. [card ****]",
        consent_forward=True,
        consent_cross_border=False,
        contact_permission="telegram",
        contact_phone="+6590001111",
        details={"caller_language": "Mandarin", "steps": ["call", "transfer"], "n": 2},
    )
    return dataclasses.replace(report, **changes)


def indicators_for(phone: str = PHONE) -> list[NewIndicator]:
    return [
        NewIndicator(kind="phone", value=phone, raw="8123 4567"),
        NewIndicator(
            kind="url",
            value="https://interpol-verify.example/case",
            raw="hxxps://interpol-verify[.]example/case",
            registrable_domain="interpol-verify.example",
        ),
        NewIndicator(
            kind="iban", value="DE89370400440532013000", raw="DE89 3704 0044 0532 0130 00"
        ),
    ]


def transcript() -> list[NewTranscriptMessage]:
    return [
        NewTranscriptMessage(
            seq=0,
            sender="user",
            text="I got a call from Interpol",
            sent_at=T0,
            intent="report_scam",
            intent_confidence=0.93,
        ),
        NewTranscriptMessage(
            seq=1,
            sender="bot",
            text="I'm sorry. Who called you?",
            sent_at=T0 + timedelta(seconds=2),
        ),
    ]


def consents() -> list[NewConsent]:
    return [
        NewConsent(
            kind="forward_national",
            granted=True,
            wording="May we send this to SPF?",
            recorded_at=T0 + timedelta(minutes=5),
        ),
        NewConsent(kind="forward_cross_border", granted=False, wording="And abroad?"),
        NewConsent(kind="contact", granted=True, wording="May we update you here?"),
    ]


def evidence_item(digest: str = "a" * 64) -> NewEvidence:
    return NewEvidence(
        sha256=digest,
        size_bytes=48_213,
        mime_type="image/jpeg",
        kind="photo",
        filename="screenshot.jpg",
        storage_path=f"{digest[:2]}/{digest}.jpg",
        caption="the caller's WhatsApp profile",
        forwarded_from="Inspector Wong",
        forwarded_date=T0 - timedelta(days=1),
    )


def submit(session: Session, report: NewReport | None = None, **kwargs: object) -> Report:
    arguments: dict[str, object] = {
        "report": report or full_report(),
        "indicators": indicators_for(),
        "transcript": transcript(),
        "consents": consents(),
    }
    arguments.update(kwargs)
    return submit_report(session, **arguments)  # type: ignore[arg-type]


def row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def test_submit_then_read_back_every_field(session_factory: sessionmaker[Session]) -> None:
    new = full_report()
    with session_factory() as session:
        stored = submit(
            session,
            report=new,
            evidence=[evidence_item()],
            deliveries=[NewDelivery(agency_code="SG-SPF", transport="webhook")],
        )
        reference = stored.reference

    with session_factory() as session:
        report = get_report_by_reference(session, reference=reference)
        assert report is not None
        assert normalise_reference(report.reference) == report.reference
        for field in dataclasses.fields(NewReport):
            if field.name != "reporter":
                assert getattr(report, field.name) == getattr(new, field.name), field.name
        assert report.amount_lost == Decimal("1200.50")
        assert report.status == "received"
        assert report.status_reason is None
        assert report.created_at.tzinfo is not None
        assert report.created_at.utcoffset() == timedelta(0)
        assert abs(report.created_at - datetime.now(timezone.utc)) < timedelta(minutes=1)
        assert report.updated_at >= report.created_at

        assert report.reporter is not None
        reporter_fields = dataclasses.asdict(new.reporter)  # type: ignore[arg-type]
        for name, value in reporter_fields.items():
            assert getattr(report.reporter, name) == value, name
        assert report.reporter.erased_at is None

        assert [(i.kind, i.value, i.raw, i.registrable_domain) for i in report.indicators] == [
            (i.kind, i.value, i.raw, i.registrable_domain) for i in indicators_for()
        ]
        assert [
            (m.seq, m.sender, m.text, m.intent, m.intent_confidence, m.sent_at)
            for m in report.transcript
        ] == [
            (m.seq, m.sender, m.text, m.intent, m.intent_confidence, m.sent_at)
            for m in transcript()
        ]
        assert report.transcript[0].sent_at.tzinfo == timezone.utc
        assert [(c.kind, c.granted, c.wording) for c in report.consents] == [
            (c.kind, c.granted, c.wording) for c in consents()
        ]
        assert report.consents[0].recorded_at == T0 + timedelta(minutes=5)

        (evidence,) = report.evidence
        for name, value in dataclasses.asdict(evidence_item()).items():
            assert getattr(evidence, name) == value, name

        (delivery,) = report.deliveries
        assert (delivery.agency_code, delivery.transport, delivery.payload_format) == (
            "SG-SPF",
            "webhook",
            "json",
        )
        assert (delivery.status, delivery.attempts, delivery.locked_until) == ("pending", 0, None)
        assert delivery.idempotency_key == f"{reference}/SG-SPF/webhook/json"
        assert delivery.next_attempt_at <= datetime.now(timezone.utc)


def test_anonymous_report_and_minimal_fields(session: Session) -> None:
    stored = submit_report(
        session,
        report=NewReport(pseudonym="anon-1", scam_type="other"),
        indicators=[],
        transcript=[],
        consents=[],
    )
    assert stored.reporter_id is None
    assert (stored.story, stored.details, stored.contact_permission) == ("", {}, "none")
    assert (stored.urgent, stored.consent_forward, stored.money_lost) == (False, False, None)


def test_submit_rolls_back_everything_when_a_delivery_is_rejected(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        submit(
            session,
            report=full_report("pseudo-first"),
            deliveries=[
                NewDelivery(agency_code="SG-SPF", transport="webhook", idempotency_key="k1")
            ],
        )
        before = row_counts(session)

    with session_factory() as session, pytest.raises(IntegrityError):
        submit(
            session,
            report=full_report("pseudo-second"),
            evidence=[evidence_item()],
            deliveries=[
                NewDelivery(agency_code="MY-PDRM", transport="email"),
                # The same key as the first report's delivery: refused by the database
                # only after the reporter, report and everything else were flushed.
                NewDelivery(agency_code="SG-SPF", transport="webhook", idempotency_key="k1"),
            ],
        )

    with session_factory() as session:
        assert row_counts(session) == before
        pseudonyms = session.scalars(select(Reporter.pseudonym)).all()
        assert pseudonyms == ["pseudo-first"]


def test_submit_rolls_back_everything_on_an_unexpected_error(
    session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_delivery(delivery: NewDelivery, *, reference: str) -> Delivery:
        raise RuntimeError("agency registry unavailable")

    monkeypatch.setattr(repository, "_delivery_row", broken_delivery)
    with session_factory() as session:
        # Unflushed work the caller left in the session is rolled back with the submission.
        session.add(Reporter(pseudonym="pseudo-pending"))
        with pytest.raises(RuntimeError, match="registry unavailable"):
            submit(session, deliveries=[NewDelivery(agency_code="SG-SPF", transport="webhook")])

    with session_factory() as session:
        assert set(row_counts(session).values()) == {0}


def test_repeated_indicators_are_stored_once(session: Session) -> None:
    stored = submit(
        session,
        indicators=[
            NewIndicator(kind="phone", value=PHONE, raw="8123 4567"),
            NewIndicator(kind="phone", value=PHONE, raw="+65 8123 4567"),
            NewIndicator(kind="handle", value=PHONE),
        ],
    )
    assert [(i.kind, i.raw) for i in stored.indicators] == [
        ("phone", "8123 4567"),
        ("handle", None),
    ]


def test_a_reference_already_taken_is_drawn_again(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = submit(session, report=full_report("pseudo-a"))
    draws = iter([first.reference, first.reference, "SR-2345-6789"])
    monkeypatch.setattr(repository, "new_reference", lambda: next(draws))

    second = submit(session, report=full_report("pseudo-b"))

    assert second.reference == "SR-2345-6789"
    assert next(draws, None) is None


def test_the_same_reporter_is_reused_across_reports(session: Session) -> None:
    first = submit(session, report=full_report("pseudo-same"))
    second = submit(
        session,
        report=full_report(
            "pseudo-same",
            reporter=NewReporter(pseudonym="pseudo-same", telegram_username="alice_new"),
        ),
    )
    assert first.reporter_id == second.reporter_id
    assert session.scalar(select(func.count()).select_from(Reporter)) == 1
    reporter = session.get(Reporter, first.reporter_id)
    assert reporter is not None
    assert reporter.telegram_username == "alice_new"
    assert reporter.display_name == "Alice Tan"  # not given the second time: kept
    assert [r.reference for r in reports_of_reporter(session, pseudonym="pseudo-same")] == [
        first.reference,
        second.reference,
    ]


def test_indicator_lookup_finds_every_report_naming_one_phone(session: Session) -> None:
    first = submit(session, report=full_report("pseudo-a"))
    second = submit(session, report=full_report("pseudo-b"))
    submit(session, report=full_report("pseudo-c"), indicators=indicators_for("+6599998888"))

    found = find_reports_by_indicator(session, kind="phone", value=PHONE)

    assert {r.reference for r in found} == {first.reference, second.reference}
    assert found[0].created_at >= found[1].created_at
    assert count_reports_by_indicator(session, kind="phone", value=PHONE) == 2
    assert count_reports_by_indicator(session, kind="phone", value="+6599998888") == 1
    assert count_reports_by_indicator(session, kind="handle", value=PHONE) == 0
    assert find_reports_by_indicator(session, kind="phone", value="+6500000000") == []
    assert len(find_reports_by_indicator(session, kind="phone", value=PHONE, limit=1)) == 1
    with pytest.raises(ValueError, match="unknown indicator kind"):
        count_reports_by_indicator(session, kind="telephone", value=PHONE)


def test_get_report_by_reference_accepts_typed_variants(session: Session) -> None:
    stored = submit(session)
    compact = stored.reference.replace("-", "")
    for typed in (stored.reference, compact.lower(), f" {compact[2:6]} {compact[6:]} "):
        found = get_report_by_reference(session, reference=typed)
        assert found is not None and found.id == stored.id, typed
    assert get_report_by_reference(session, reference="SR-0000-0000") is None
    assert get_report_by_reference(session, reference="SR-2222-2222") is None


def test_erase_reporter_deletes_everything_they_told_us(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        first = submit(
            session,
            report=full_report("pseudo-erase"),
            deliveries=[
                NewDelivery(agency_code="sg-spf", transport="webhook"),
                NewDelivery(agency_code="my-pdrm", transport="webhook"),
            ],
        )
        first.deliveries[0].status = "delivered"  # the police already have this one
        second = submit(session, report=full_report("pseudo-erase"))
        other = submit(session, report=full_report("pseudo-other"))
        reporter_id = first.reporter_id
        assert reporter_id is not None
        enqueue_notification(
            session, reporter_id=reporter_id, report_id=first.id, kind="follow_up", text="Hi"
        )
        for pseudonym in (first.pseudonym, "pseudo-erase", other.pseudonym):
            session.add(PendingMessage(pseudonym=pseudonym, payload={"text": "x"}))
        session.commit()
        references = {first.reference, second.reference}

    with session_factory() as session:
        erasure = erase_reporter(session, pseudonym="pseudo-erase")
        session.commit()
    assert erasure.reports_deleted == 2 and erasure.messages_deleted == 2
    # What an agency received stays with it, and the reporter is told which; the other
    # delivery, not yet sent, is gone with the report.
    assert erasure.already_delivered == {first.reference: ["sg-spf"]}

    with session_factory() as session:
        assert session.get(Reporter, reporter_id) is None
        for reference in references:
            assert get_report_by_reference(session, reference=reference) is None
        assert session.scalar(select(func.count()).select_from(Notification)) == 0
        assert session.scalars(select(PendingMessage.pseudonym)).all() == [other.pseudonym]
        withdrawn = session.scalars(
            select(AuditEntry.report_reference).where(AuditEntry.action == ERASED_ACTION)
        ).all()
        assert set(withdrawn) == references
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0

        untouched = get_report_by_reference(session, reference=other.reference)
        assert untouched is not None and len(untouched.transcript) == 2
        assert untouched.reporter is not None and untouched.reporter.telegram_user_id is not None
        assert count_reports_by_indicator(session, kind="phone", value=PHONE) == 1
        assert reports_of_reporter(session, pseudonym="pseudo-erase") == []
        assert erase_reporter(session, pseudonym="pseudo-erase").reports_deleted == 0

        # Writing again later starts a new reporter.
        fresh = get_or_create_reporter(session, pseudonym="pseudo-erase", telegram_user_id=1)
        assert fresh.id != reporter_id and fresh.erased_at is None


def test_retention_purge_deletes_what_is_older_than_the_period(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        old = submit(session, report=full_report("pseudo-old"))
        new = submit(session, report=full_report("pseudo-new"))
        old.created_at = old.created_at - timedelta(days=400)
        assert old.reporter is not None
        old.reporter.created_at = old.created_at
        session.commit()
        old_reference, new_reference = old.reference, new.reference

    with session_factory() as session:
        erasure = purge_older_than(session, days=365)
        session.commit()
    assert erasure.reports_deleted == 1
    with session_factory() as session:
        assert get_report_by_reference(session, reference=old_reference) is None
        assert get_report_by_reference(session, reference=new_reference) is not None
        assert session.scalars(select(Reporter.pseudonym)).all() == ["pseudo-new"]


def test_status_update_notifies_only_with_consent(session: Session) -> None:
    consenting = submit(session, report=full_report("pseudo-yes", contact_permission="telegram"))
    by_phone = submit(session, report=full_report("pseudo-phone", contact_permission="phone"))
    refusing = submit(session, report=full_report("pseudo-no", contact_permission="none"))
    anonymous = submit(session, report=NewReport(pseudonym="anon", scam_type="phishing"))

    notification = update_report_status(
        session, report=consenting, status="in_review", reason="analyst: linked to case 42"
    )
    assert notification is not None
    assert notification.kind == "status_update"
    assert notification.status == "pending" and notification.attempts == 0
    assert notification.reporter_id == consenting.reporter_id
    assert notification.report_id == consenting.id
    assert consenting.reference in notification.text
    assert "case 42" not in notification.text  # the internal reason is never sent
    assert consenting.status == "in_review"
    assert consenting.status_reason == "analyst: linked to case 42"

    assert update_report_status(session, report=by_phone, status="referred") is not None
    assert update_report_status(session, report=refusing, status="referred") is None
    assert refusing.status == "referred"
    assert update_report_status(session, report=anonymous, status="closed") is None
    # No change of status, no message.
    assert update_report_status(session, report=consenting, status="in_review") is None
    with pytest.raises(ValueError, match="unknown report status"):
        update_report_status(session, report=consenting, status="solved")
    session.commit()

    assert session.scalar(select(func.count()).select_from(Notification)) == 2

    erase_reporter(session, pseudonym="pseudo-yes")
    session.flush()
    assert get_report_by_reference(session, reference=consenting.reference) is None


def test_status_update_is_written_in_the_reporters_language(session: Session) -> None:
    chinese = submit(
        session,
        report=full_report("pseudo-zh", contact_permission="telegram", language="en"),
    )
    assert chinese.reporter is not None
    set_reporter_language(session, pseudonym="pseudo-zh", language="zh")
    notification = update_report_status(session, report=chinese, status="in_review")
    assert notification is not None
    assert notification.text == f"您的举报 {chinese.reference} 现在正由分析员审核。"


def test_status_update_falls_back_to_the_reports_language(session: Session) -> None:
    malay = submit(
        session,
        report=full_report("pseudo-ms", contact_permission="telegram", language="ms"),
    )
    assert malay.reporter is not None
    malay.reporter.language = None
    notification = update_report_status(session, report=malay, status="closed")
    assert notification is not None
    assert notification.text == (
        f"Laporan anda {malay.reference} sudah ditutup. Terima kasih kerana membuat laporan."
    )


def test_add_evidence_and_enqueue_notification(session: Session) -> None:
    stored = submit(session)
    item = add_evidence(session, report_id=stored.id, evidence=evidence_item("b" * 64))
    assert item.id is not None and item.report_id == stored.id
    with pytest.raises(ValueError):
        enqueue_notification(
            session, reporter_id=stored.reporter_id or 0, report_id=None, kind="x", text=" "
        )
    note = enqueue_notification(
        session, reporter_id=stored.reporter_id or 0, report_id=None, kind="advice", text="Call"
    )
    session.commit()
    assert note.report_id is None
    assert session.scalars(
        select(Evidence.sha256).where(Evidence.report_id == stored.id)
    ).all() == ["b" * 64]


def test_get_or_create_reporter_creates_once(session: Session) -> None:
    created = get_or_create_reporter(session, pseudonym="p1", telegram_user_id=5, language="ms")
    again = get_or_create_reporter(session, pseudonym="p1", display_name="Siti")
    session.commit()
    assert created.id == again.id
    assert (again.telegram_user_id, again.language, again.display_name) == (5, "ms", "Siti")


def test_database_cascades_deletes_from_a_report(session: Session) -> None:
    stored = submit(
        session,
        evidence=[evidence_item()],
        deliveries=[NewDelivery(agency_code="SG-SPF", transport="webhook")],
    )
    update_report_status(session, report=stored, status="in_review")
    session.commit()
    report_id = stored.id
    session.expunge_all()

    # Raw DELETE: the database itself, not the ORM, must remove dependent rows.
    session.execute(Report.__table__.delete().where(Report.__table__.c.id == report_id))
    session.commit()
    for model in (Indicator, TranscriptMessage, Consent, Evidence, Delivery, Notification):
        remaining = session.scalar(
            select(func.count()).select_from(model).where(model.report_id == report_id)
        )
        assert remaining == 0, model.__name__
    assert session.scalar(select(func.count()).select_from(Reporter)) == 1


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        (Report.__table__, "status", "solved"),
        (Report.__table__, "contact_permission", "email"),
        (Indicator.__table__, "kind", "telephone"),
        (TranscriptMessage.__table__, "sender", "agent"),
        (Consent.__table__, "kind", "marketing"),
        (Evidence.__table__, "kind", "video"),
        (Evidence.__table__, "size_bytes", -1),
        (Delivery.__table__, "status", "lost"),
        (Delivery.__table__, "transport", "fax"),
        (Delivery.__table__, "payload_format", "xml"),
        (Delivery.__table__, "attempts", -1),
        (Notification.__table__, "status", "read"),
    ],
)
def test_check_constraints_refuse_unknown_codes(
    session: Session, table: Table, column: str, value: object
) -> None:
    stored = submit(
        session,
        evidence=[evidence_item()],
        deliveries=[NewDelivery(agency_code="SG-SPF", transport="webhook")],
    )
    update_report_status(session, report=stored, status="in_review")
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(table.update().values({column: value}))
    session.rollback()
