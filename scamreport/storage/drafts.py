"""Evidence sent before its report is filed, kept per conversation until the report is stored.

The bot writes a ``PendingEvidence`` row for each photo, document or forwarded message a
reporter sends while a report is in progress; the action that stores the report claims them
(``claim_pending_evidence``) in the same transaction as ``submit_report(evidence=...)``, so a
report and its evidence are stored together or not at all.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from scamreport.storage.models import Evidence, PendingEvidence
from scamreport.storage.records import NewEvidence


def add_pending_evidence(
    session: Session, *, pseudonym: str, evidence: NewEvidence
) -> PendingEvidence:
    """Keeps ``evidence`` for the report in progress of the reporter ``pseudonym``. Flushes
    only."""
    if not pseudonym.strip():
        raise ValueError("pseudonym must not be empty")
    row = PendingEvidence(pseudonym=pseudonym, **dataclasses.asdict(evidence))
    session.add(row)
    session.flush()
    return row


def pending_evidence_of(session: Session, *, pseudonym: str) -> list[PendingEvidence]:
    """The drafts of ``pseudonym`` in the order they were sent."""
    statement = (
        select(PendingEvidence)
        .where(PendingEvidence.pseudonym == pseudonym)
        .order_by(PendingEvidence.id)
    )
    return list(session.scalars(statement))


def claim_pending_evidence(session: Session, *, pseudonym: str) -> list[NewEvidence]:
    """Deletes the drafts of ``pseudonym`` and returns them as records, oldest first.

    Call it in the transaction that stores the report and pass the result to
    ``submit_report(evidence=...)``: if that transaction rolls back, the drafts come back.
    Flushes; does not commit.
    """
    rows = pending_evidence_of(session, pseudonym=pseudonym)
    records = [row.to_record() for row in rows]
    if rows:
        session.execute(
            delete(PendingEvidence).where(PendingEvidence.id.in_([row.id for row in rows]))
        )
        for row in rows:
            session.expunge(row)
    return records


def discard_pending_evidence(
    session: Session, *, pseudonym: str, sha256s: Iterable[str] | None = None
) -> int:
    """Deletes the drafts of ``pseudonym`` (only those with ``sha256s`` when given).

    Returns how many were deleted. Flushes; does not commit. The files stay on disk: other
    rows may name the same bytes (see ``storage_paths_in_use``).
    """
    statement = delete(PendingEvidence).where(PendingEvidence.pseudonym == pseudonym)
    if sha256s is not None:
        statement = statement.where(PendingEvidence.sha256.in_(list(sha256s)))
    result = session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def storage_paths_in_use(session: Session, *, storage_paths: Iterable[str]) -> set[str]:
    """Which of ``storage_paths`` a stored or pending evidence item still points at."""
    paths = list(storage_paths)
    if not paths:
        return set()
    stored = session.scalars(select(Evidence.storage_path).where(Evidence.storage_path.in_(paths)))
    pending = session.scalars(
        select(PendingEvidence.storage_path).where(PendingEvidence.storage_path.in_(paths))
    )
    return {path for path in [*stored, *pending] if path is not None}
