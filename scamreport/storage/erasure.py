"""Erasing a reporter's data on request (/delete), and everything older than the retention period.

Erasure removes every row that holds what the reporter told us: the reporter row, their reports
with indicators, transcripts, stories, evidence records, consents, deliveries not yet sent and
copies of those sent, notifications, analysts' notes and status history, drafts, kept messages
and the bot's inbox of Telegram updates. What an agency already received stays with that
agency; an audit row (reference, agencies, time, nothing the reporter wrote) records that the
report was withdrawn, so analysts who look for it learn why it is gone. Files and Rasa's tracker
are the callers' to clear: the result names the evidence files no other row uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from scamreport.storage.drafts import storage_paths_in_use
from scamreport.storage.inbox import erase_inbox, purge_inbox_older_than
from scamreport.storage.models import (
    AuditEntry,
    Notification,
    PendingEvidence,
    PendingMessage,
    Report,
    Reporter,
)
from scamreport.storage.types import utcnow

ERASED_ACTION = "report_erased"


@dataclass
class Erasure:
    """What one erasure removed."""

    reports_deleted: int = 0
    # Report reference -> agencies that had already received it (they keep their copy).
    already_delivered: dict[str, list[str]] = field(default_factory=dict)
    drafts_deleted: int = 0
    messages_deleted: int = 0
    # Telegram updates of the reporter in the bot's inbox (scamreport.storage.inbox).
    inbox_deleted: int = 0
    # Evidence files no remaining row names: the caller deletes them.
    orphaned_files: set[str] = field(default_factory=set)


def _delete_reports(session: Session, reports: Iterable[Report], reason: str) -> Erasure:
    erasure = Erasure()
    paths: set[str] = set()
    for report in reports:
        delivered = sorted({d.agency_code for d in report.deliveries if d.status == "delivered"})
        if delivered:
            erasure.already_delivered[report.reference] = delivered
        paths.update(e.storage_path for e in report.evidence if e.storage_path)
        session.add(
            AuditEntry(
                action=ERASED_ACTION,
                report_reference=report.reference,
                details={"reason": reason, "already_delivered_to": delivered},
            )
        )
        session.delete(report)  # its rows go with it (ORM cascade and ON DELETE CASCADE)
        erasure.reports_deleted += 1
    session.flush()
    erasure.orphaned_files = paths - storage_paths_in_use(session, storage_paths=paths)
    return erasure


def erase_reporter(session: Session, *, pseudonym: str) -> Erasure:
    """Deletes everything stored about the reporter named by ``pseudonym``. Flushes; the caller
    commits, then deletes ``orphaned_files`` and the conversation in Rasa's tracker store."""
    reporter = session.scalars(select(Reporter).where(Reporter.pseudonym == pseudonym)).first()
    reports = list(reporter.reports) if reporter is not None else []
    # reports.pseudonym holds the pseudonym the report was filed under.
    pseudonyms = {report.pseudonym for report in reports} | {pseudonym}
    erasure = _delete_reports(session, reports, "the reporter asked for their data to be erased")
    drafts = list(
        session.scalars(select(PendingEvidence).where(PendingEvidence.pseudonym.in_(pseudonyms)))
    )
    draft_paths = {draft.storage_path for draft in drafts if draft.storage_path}
    for draft in drafts:
        session.delete(draft)
    erasure.drafts_deleted = len(drafts)
    result = session.execute(delete(PendingMessage).where(PendingMessage.pseudonym.in_(pseudonyms)))
    erasure.messages_deleted = int(getattr(result, "rowcount", 0) or 0)
    erasure.inbox_deleted = erase_inbox(session, pseudonyms=pseudonyms)
    if reporter is not None:
        session.execute(delete(Notification).where(Notification.reporter_id == reporter.id))
        session.delete(reporter)
    session.flush()
    erasure.orphaned_files |= draft_paths - storage_paths_in_use(session, storage_paths=draft_paths)
    return erasure


def purge_older_than(session: Session, *, days: int, now: datetime | None = None) -> Erasure:
    """Deletes reports filed more than ``days`` ago, drafts and kept messages as old, and
    reporters left with no report and no recent activity. Flushes; the caller commits."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    old_reports = list(session.scalars(select(Report).where(Report.created_at < cutoff)))
    erasure = _delete_reports(session, old_reports, f"older than the {days}-day retention period")
    drafts = list(
        session.scalars(select(PendingEvidence).where(PendingEvidence.created_at < cutoff))
    )
    draft_paths = {draft.storage_path for draft in drafts if draft.storage_path}
    for draft in drafts:
        session.delete(draft)
    erasure.drafts_deleted = len(drafts)
    result = session.execute(delete(PendingMessage).where(PendingMessage.created_at < cutoff))
    erasure.messages_deleted = int(getattr(result, "rowcount", 0) or 0)
    erasure.inbox_deleted = purge_inbox_older_than(session, cutoff=cutoff)
    session.flush()
    idle = session.scalars(
        select(Reporter).where(Reporter.created_at < cutoff, ~Reporter.reports.any())
    )
    for reporter in idle:
        session.execute(delete(Notification).where(Notification.reporter_id == reporter.id))
        session.delete(reporter)
    session.flush()
    erasure.orphaned_files |= draft_paths - storage_paths_in_use(session, storage_paths=draft_paths)
    return erasure
