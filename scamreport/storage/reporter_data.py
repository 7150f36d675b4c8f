"""What is stored about one reporter, as they may see it (the bot's /mydata)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from scamreport.storage.drafts import pending_evidence_of
from scamreport.storage.kept_messages import count_kept_messages
from scamreport.storage.notification_outbox import count_pending_notifications
from scamreport.storage.repository import (
    ReportSummary,
    report_summaries_of,
    reporter_by_pseudonym,
)


@dataclass(frozen=True)
class StoredAboutReporter:
    telegram_user_id: int | None
    telegram_username: str | None
    contact_phone: str | None
    reports: list[ReportSummary]
    language: str | None
    # Evidence sent for a report not filed yet, messages kept for Rasa, notifications unsent.
    drafts: int
    kept_messages: int
    notifications: int


def stored_about_reporter(session: Session, *, pseudonym: str) -> StoredAboutReporter | None:
    """Everything stored under ``pseudonym``; None when nothing is."""
    reporter = reporter_by_pseudonym(session, pseudonym=pseudonym)
    drafts = len(pending_evidence_of(session, pseudonym=pseudonym))
    kept = count_kept_messages(session, pseudonym=pseudonym)
    if reporter is None and not drafts and not kept:
        return None
    reports = report_summaries_of(session, pseudonym=pseudonym)
    notifications = 0
    if reporter is not None:
        notifications = count_pending_notifications(session, reporter_id=reporter.id)
    return StoredAboutReporter(
        telegram_user_id=reporter.telegram_user_id if reporter else None,
        telegram_username=reporter.telegram_username if reporter else None,
        contact_phone=reporter.contact_phone if reporter else None,
        reports=reports,
        language=reporter.language if reporter else None,
        drafts=drafts,
        kept_messages=kept,
        notifications=notifications,
    )
