"""/check, /mydata, /delete, /help and the notification outbox, through the real bot."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from bot import texts
from bot.outbox import drain_outbox
from scamreport.storage.models import (
    AuditEntry,
    Notification,
    PendingEvidence,
    PendingMessage,
    Report,
    Reporter,
)
from scamreport.storage.records import NewIndicator, NewReport, NewReporter
from scamreport.storage.repository import submit_report, update_report_status
from telegram_standin.driver import ChatUser, Driver, png_bytes
from tests.bot.conftest import BotRunner, agree, wait_until
from tests.bot.fake_rasa import FakeRasa


def file_report(
    db: sessionmaker[Session],
    pseudonym: str,
    *,
    phone: str | None = None,
    contact_permission: str = "telegram",
    country: str = "SG",
) -> str:
    indicators = [NewIndicator(kind="phone", value=phone)] if phone else []
    with db() as session:
        report = submit_report(
            session,
            report=NewReport(
                pseudonym=pseudonym,
                scam_type="fake_authority",
                reporter=NewReporter(pseudonym=pseudonym),
                country=country,
                contact_permission=contact_permission,
            ),
            indicators=indicators,
            transcript=[],
            consents=[],
        )
        return report.reference


def test_check_counts_reports_naming_a_number_with_the_caveat(
    alex: ChatUser, db: sessionmaker[Session]
) -> None:
    file_report(db, "someone-1", phone="+6581234567")
    file_report(db, "someone-2", phone="+6581234567")
    alex.send_text("/check +65 8123 4567")
    answer = alex.replies(timeout=60)[-1].body
    assert "Phone number +6581234567: named in 2 reports." in answer
    assert texts.get("check_caveat", "en") in answer
    alex.send_text("/check +65 9000 0000")
    answer = alex.replies()[-1].body
    assert (
        "+6590000000: named in no reports" in answer and texts.get("check_caveat", "en") in answer
    )


def test_check_reads_a_bare_number_in_the_reporters_country(
    alex: ChatUser, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    file_report(db, "someone-3", phone="+6581234567")
    file_report(db, bot.services.pseudonym(alex.id), country="SG")
    alex.send_text("/check 8123 4567")
    assert "+6581234567: named in 1 report." in alex.replies(timeout=60)[-1].body


def test_check_without_anything_recognisable(alex: ChatUser) -> None:
    alex.send_text("/check")
    assert alex.replies()[-1].body == texts.get("check_usage", "en")
    alex.send_text("/check hello there")
    assert alex.replies(timeout=60)[-1].body == texts.get("check_nothing_found", "en")


def test_mydata_tells_what_is_stored(
    alex: ChatUser, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    alex.send_text("/mydata")
    assert alex.replies()[-1].body == texts.get("mydata_nothing", "en")
    agree(alex)
    reference = file_report(db, bot.services.pseudonym(alex.id))
    alex.send_photo(png_bytes(2000))
    alex.replies()
    alex.send_text("/mydata")
    answer = alex.replies()[-1].body
    assert f"user id {alex.id}, username @alex_t" in answer
    assert reference in answer and "1 file(s)" in answer


def test_delete_erases_the_reporters_personal_data(
    alex: ChatUser, bot: BotRunner, fake_rasa: FakeRasa, db: sessionmaker[Session]
) -> None:
    agree(alex)
    pseudonym = bot.services.pseudonym(alex.id)
    reference = file_report(db, pseudonym, phone="+6581234567")
    alex.share_contact("6581234567")
    alex.replies()
    alex.send_photo(png_bytes(2500))
    alex.replies()
    with db() as session:
        draft_path = session.scalars(select(PendingEvidence)).one().storage_path
        # Kept after a timeout: not resent while Rasa may still be handling it.
        session.add(
            PendingMessage(
                pseudonym=pseudonym,
                payload={
                    "chat_id": alex.id,
                    "message": "kept",
                    "relay_id": "r1",
                    "state": "uncertain",
                    "sent_at": time.time(),
                },
            )
        )
        session.commit()
    evidence_file = bot.services.config.settings.evidence_dir / (draft_path or "")
    assert evidence_file.exists()

    alex.send_text("/delete")
    question = alex.replies()[-1]
    assert question.body == texts.get("delete_confirm", "en")
    alex.press(question, texts.get("delete_yes", "en"))
    assert alex.wait_for("Done.")[-1].body.startswith(
        "Done. I have erased everything I stored about you: 1 report, 1 unsent file(s)"
    )

    with db() as session:
        assert session.scalars(select(Reporter)).all() == []
        assert session.scalars(select(Report)).all() == []
        assert session.scalars(select(PendingEvidence)).all() == []
        assert session.scalars(select(PendingMessage)).all() == []
        withdrawn = session.scalars(select(AuditEntry)).one()
        assert (withdrawn.action, withdrawn.report_reference) == ("report_erased", reference)
    assert not evidence_file.exists()
    assert "kept" not in fake_rasa.texts_from(pseudonym)
    alex.send_text("/mydata")
    assert alex.replies()[-1].body == texts.get("mydata_nothing", "en")


def test_delete_can_be_declined(alex: ChatUser, bot: BotRunner, db: sessionmaker[Session]) -> None:
    agree(alex)
    alex.send_text("/delete")
    alex.press(alex.replies()[-1], texts.get("delete_no", "en"))
    assert alex.wait_for(texts.get("delete_kept", "en"))
    with db() as session:
        assert session.scalars(select(Reporter)).one().telegram_user_id == alex.id


def test_help_lists_the_commands_and_asks_the_assistant(
    alex: ChatUser, bot: BotRunner, fake_rasa: FakeRasa
) -> None:
    agree(alex)
    alex.send_text("/help")
    got = [m.body for m in alex.replies()]
    assert got[0] == texts.get("help", "en", days=365) and "step by step" in got[1]
    assert fake_rasa.texts_from(bot.services.pseudonym(alex.id))[-1] == "/help"


def queue_status_change(db: sessionmaker[Session], reference: str, status: str) -> None:
    with db() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        update_report_status(session, report=report, status=status)
        session.commit()


def notifications(db: sessionmaker[Session]) -> list[tuple[str, int, str | None]]:
    with db() as session:
        return [
            (n.status, n.attempts, n.last_error)
            for n in session.scalars(select(Notification).order_by(Notification.id))
        ]


def test_a_status_change_reaches_the_reporter(
    alex: ChatUser, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    agree(alex)
    reference = file_report(db, bot.services.pseudonym(alex.id))
    queue_status_change(db, reference, "in_review")
    message = alex.wait_for(reference)[-1]
    assert message.body == f"Your report {reference} is now being reviewed by an analyst."
    wait_until(lambda: notifications(db)[0][0] == "sent")


def test_no_notification_without_consent_or_after_erasure_or_when_blocked(
    alex: ChatUser, driver: Driver, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    agree(alex)
    pseudonym = bot.services.pseudonym(alex.id)
    reference = file_report(db, pseudonym)
    bot.stop()  # drain by hand below, without the background task
    alex.block()
    queue_status_change(db, reference, "in_review")

    async def drain_once() -> int:
        async with Bot(
            bot.services.config.token,
            base_url=bot.services.config.api_base_url,
            base_file_url=bot.services.config.api_base_file_url,
        ) as telegram_bot:
            return await drain_outbox(bot.services, telegram_bot)

    assert asyncio.run(drain_once()) == 0
    assert notifications(db)[0][:1] == ("failed",)
    assert "blocked" in (notifications(db)[0][2] or "")
    # Erased since it was queued: not sent, marked failed.
    alex.block(False)
    queue_status_change(db, reference, "referred")
    with db() as session:
        reporter = session.scalars(select(Reporter)).one()
        reporter.erased_at = reporter.created_at
        session.commit()
    assert asyncio.run(drain_once()) == 0
    assert notifications(db)[1][0] == "failed"
    assert not any("referred" in m.body or "passed to an agency" in m.body for m in alex.poll())
