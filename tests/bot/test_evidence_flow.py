"""Evidence through the stand-in and the real bot: kept, refused, attached to the right report."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import texts
from scamreport.storage.drafts import claim_pending_evidence
from scamreport.storage.models import Evidence, PendingEvidence
from scamreport.storage.records import NewReport, NewReporter
from scamreport.storage.repository import submit_report
from telegram_standin.driver import ChatUser, Driver, origin_hidden_user, origin_user, png_bytes
from tests.bot.conftest import BotRunner, agree

PDF = b"%PDF-1.7\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * 50 + b"%%EOF\n"
EML = (
    b"From: Security Team <alerts@bank-secure-verify.example>\r\n"
    b"To: alex@example.org\r\n"
    b"Subject: Your account is suspended\r\n"
    b"Date: Mon, 3 Mar 2025 09:12:00 +0800\r\n\r\n"
    b"Click hxxps://bank-secure-verify[.]example/login to restore access.\r\n"
)


def drafts(db: sessionmaker[Session]) -> list[PendingEvidence]:
    with db() as session:
        return list(session.scalars(select(PendingEvidence).order_by(PendingEvidence.id)))


def file_on_disk(bot: BotRunner, storage_path: str) -> bytes:
    return (bot.services.config.settings.evidence_dir / storage_path).read_bytes()


def test_a_screenshot_is_kept_by_sha256_as_a_draft(
    alex: ChatUser, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    agree(alex)
    screenshot = png_bytes(50_000, seed=7)
    alex.send_photo(screenshot, caption="the text they sent me")
    assert "Saved your photo" in alex.replies()[-1].body
    [draft] = drafts(db)
    digest = hashlib.sha256(screenshot).hexdigest()
    assert draft.pseudonym == bot.services.pseudonym(alex.id)
    assert (draft.sha256, draft.size_bytes, draft.mime_type, draft.kind) == (
        digest,
        len(screenshot),
        "image/png",
        "photo",
    )
    assert draft.storage_path == f"{digest[:2]}/{digest}"
    assert draft.caption == "the text they sent me"
    assert file_on_disk(bot, draft.storage_path) == screenshot


def test_documents_pdf_and_saved_emails_are_kept_with_their_type(
    alex: ChatUser, db: sessionmaker[Session]
) -> None:
    agree(alex)
    alex.send_document(PDF, filename="invoice.pdf", mime_type="application/pdf")
    assert "invoice.pdf" in alex.replies()[-1].body
    alex.send_document(EML, filename="suspended.eml", mime_type="message/rfc822")
    alex.replies()
    kept = [(d.kind, d.mime_type, d.filename, d.size_bytes) for d in drafts(db)]
    assert kept == [
        ("document", "application/pdf", "invoice.pdf", len(PDF)),
        ("document", "message/rfc822", "suspended.eml", len(EML)),
    ]


def test_a_file_name_with_a_lone_surrogate_is_confirmed_without_it(alex: ChatUser) -> None:
    """Found by the bot fuzz at 10,000 inputs: the confirmation echoed the name, and a lone
    surrogate in it failed the reply (an error logged, the reporter told nothing)."""
    agree(alex)
    alex.send_document(PDF, filename="scan\ud83d.pdf", mime_type="application/pdf")
    assert "scan.pdf" in alex.replies()[-1].body


def test_the_same_file_twice_is_stored_once_on_disk(
    alex: ChatUser, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    agree(alex)
    alex.send_document(PDF, filename="a.pdf", mime_type="application/pdf")
    alex.replies()
    alex.send_document(PDF, filename="b.pdf", mime_type="application/pdf")
    alex.replies()
    first, second = drafts(db)
    assert first.storage_path == second.storage_path
    files = [p for p in bot.services.config.settings.evidence_dir.rglob("*") if p.is_file()]
    assert len(files) == 1


def test_a_forwarded_message_keeps_its_sender_and_date(
    alex: ChatUser, db: sessionmaker[Session], bot: BotRunner
) -> None:
    agree(alex)
    sent = datetime(2025, 3, 3, 9, 15, tzinfo=timezone.utc)
    alex.forward_text(
        "POLICE NOTICE: your account is linked to a crime. Call +65 8123 4567 now.",
        origin=origin_user(777_000_123, "Inspector Lim", username="spf_inspector_lim", date=sent),
    )
    assert "Saved the forwarded message" in alex.replies()[-1].body
    [draft] = drafts(db)
    assert draft.kind == "forwarded_message" and draft.mime_type == "text/plain"
    assert draft.forwarded_from == "Inspector Lim (@spf_inspector_lim, Telegram user id 777000123)"
    assert draft.forwarded_date == sent
    assert draft.caption is not None and "+65 8123 4567" in draft.caption
    assert file_on_disk(bot, draft.storage_path or "").decode().startswith("POLICE NOTICE")


def test_a_forwarded_code_is_never_stored_in_clear(
    alex: ChatUser, db: sessionmaker[Session], bot: BotRunner
) -> None:
    agree(alex)
    alex.forward_text(
        "Your OTP is 482193. Do not share it with anyone.", origin=origin_hidden_user("DBS Bank")
    )
    assert texts.get("evidence_secret_hidden", "en") in alex.replies()[-1].body
    [draft] = drafts(db)
    assert draft.forwarded_from == "DBS Bank (account hidden by its owner)"
    assert "482193" not in (draft.caption or "")
    assert b"482193" not in file_on_disk(bot, draft.storage_path or "")


def test_a_file_over_20_mb_is_refused_before_downloading(
    alex: ChatUser, driver: Driver, db: sessionmaker[Session]
) -> None:
    agree(alex)
    big = b"%PDF-1.7\n" + b"0" * (25 * 1024 * 1024)
    alex.send_document(big, filename="statement.pdf", mime_type="application/pdf")
    assert alex.replies()[-1].body == texts.get("evidence_too_big", "en")
    assert drafts(db) == []
    assert driver.calls("getFile") == []


def test_an_executable_is_refused_even_when_renamed(
    alex: ChatUser, db: sessionmaker[Session], bot: BotRunner
) -> None:
    agree(alex)
    program = b"MZ\x90\x00" + b"\x00" * 2000
    alex.send_document(program, filename="AnyDesk.exe", mime_type="application/x-msdownload")
    assert alex.replies()[-1].body == texts.get("evidence_unsafe", "en")
    alex.send_document(program, filename="receipt.pdf", mime_type="application/pdf")
    assert alex.replies()[-1].body == texts.get("evidence_unsafe", "en")
    assert drafts(db) == []
    assert not any(p.is_file() for p in bot.services.config.settings.evidence_dir.rglob("*"))


def test_an_album_is_acknowledged_once(alex: ChatUser, db: sessionmaker[Session]) -> None:
    agree(alex)
    alex.send_photo(png_bytes(3000, seed=1), media_group_id="album-1")
    alex.send_photo(png_bytes(3000, seed=2), media_group_id="album-1")
    got = alex.replies(quiet=1.2)
    assert len([m for m in got if m.body.startswith("📎")]) == 1
    assert len(drafts(db)) == 2


def test_drafts_are_claimed_for_the_report_and_deleted(
    alex: ChatUser, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    agree(alex)
    alex.send_photo(png_bytes(4000, seed=3))
    alex.replies()
    alex.forward_text("Pay the release fee", origin=origin_hidden_user("MaskKing"))
    alex.replies()
    pseudonym = bot.services.pseudonym(alex.id)
    with db() as session:
        evidence = claim_pending_evidence(session, pseudonym=pseudonym)
        report = submit_report(
            session,
            report=NewReport(
                pseudonym=pseudonym,
                scam_type="fake_shop",
                reporter=NewReporter(pseudonym=pseudonym),
            ),
            indicators=[],
            transcript=[],
            consents=[],
            evidence=evidence,
        )
        stored = [(e.kind, e.forwarded_from) for e in report.evidence]
    assert stored == [
        ("photo", None),
        ("forwarded_message", "MaskKing (account hidden by its owner)"),
    ]
    assert drafts(db) == []


def file_report(db: sessionmaker[Session], pseudonym: str) -> tuple[int, str]:
    with db() as session:
        report = submit_report(
            session,
            report=NewReport(
                pseudonym=pseudonym,
                scam_type="fake_authority",
                reporter=NewReporter(pseudonym=pseudonym),
                consent_forward=True,
            ),
            indicators=[],
            transcript=[],
            consents=[],
        )
        return report.id, report.reference


def test_status_then_evidence_adds_it_to_the_filed_report(
    alex: ChatUser, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    agree(alex)
    report_id, reference = file_report(db, bot.services.pseudonym(alex.id))
    alex.send_text(f"/status {reference.lower().replace('-', ' ')}")
    answer = alex.replies()[-1].body
    assert reference in answer and "received" in answer and "Evidence attached: 0" in answer
    alex.send_document(PDF, filename="transfer-receipt.pdf", mime_type="application/pdf")
    assert reference in alex.replies()[-1].body
    with db() as session:
        attached = session.scalars(select(Evidence).where(Evidence.report_id == report_id)).all()
        assert [e.filename for e in attached] == ["transfer-receipt.pdf"]
    assert drafts(db) == []


def test_status_does_not_show_someone_elses_report(
    alex: ChatUser, driver: Driver, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    agree(alex)
    _, reference = file_report(db, bot.services.pseudonym(9_999_999))
    alex.send_text(f"/status {reference}")
    assert "couldn't find a report" in alex.replies()[-1].body
    alex.send_photo(png_bytes(2000, seed=9))
    assert "report you are making" in alex.replies()[-1].body


def test_the_attach_window_closes(
    alex: ChatUser, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    agree(alex)
    report_id, reference = file_report(db, bot.services.pseudonym(alex.id))
    alex.send_text(f"/status {reference}")
    alex.replies()
    state = bot.services.state(alex.id)
    state.attach_until = bot.services.clock() - timedelta(seconds=1).total_seconds()
    alex.send_photo(png_bytes(2000, seed=4))
    assert "report you are making" in alex.replies()[-1].body
    with db() as session:
        assert session.scalars(select(Evidence).where(Evidence.report_id == report_id)).all() == []


def test_cancel_deletes_the_drafts_and_their_files(
    alex: ChatUser, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    agree(alex)
    alex.send_photo(png_bytes(3000, seed=5))
    alex.replies()
    [draft] = drafts(db)
    path: Path = bot.services.config.settings.evidence_dir / (draft.storage_path or "")
    assert path.exists()
    alex.send_text("/cancel")
    got = [m.body for m in alex.replies()]
    assert any("stopped the report" in body for body in got)
    assert texts.get("cancel_drafts_deleted", "en").format(count=1) in got
    assert drafts(db) == [] and not path.exists()


def test_an_album_costs_one_message_of_the_rate_limit(
    make_bot: Callable[..., BotRunner], driver: Driver
) -> None:
    bot = make_bot(rate_burst=2, rate_per_minute=1)
    driver.wait_bot_ready()
    user = driver.user(5_550_077)
    for seed in range(5):
        user.send_photo(png_bytes(1500, seed=seed), media_group_id="album-7")
    got = user.replies(quiet=1.5)
    assert not any(m.body.startswith("You're sending messages faster") for m in got)
    with bot.services.sessions() as session:
        assert len(session.scalars(select(PendingEvidence)).all()) == 5
    user.send_text("one more")
    user.replies()
    user.send_text("and another")
    assert user.replies()[-1].body.startswith("You're sending messages faster")
