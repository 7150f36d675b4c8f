"""Evidence: the items stored with a report, and those sent before their report is filed.

Both tables hold the same description of an item (``EvidenceColumns``); a stored item belongs
to a report, a pending one to the conversation whose report is still in progress
(scamreport.storage.drafts keeps and claims those).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scamreport.storage.codes import EVIDENCE_KINDS
from scamreport.storage.models.base import Base, one_of
from scamreport.storage.records import NewEvidence
from scamreport.storage.types import Id, UTCDateTime, utcnow

if TYPE_CHECKING:
    from scamreport.storage.models.reports import Report


class EvidenceColumns:
    """The columns of an evidence item, stored or pending (the fields of ``NewEvidence``).

    Declared after the table's own columns, in this order, as the migrations created them.
    """

    # The SHA-256 of the bytes the reporter sent (what agencies are told, what links copies).
    sha256: Mapped[str] = mapped_column(String(64))
    # The SHA-256 of the file kept at ``storage_path`` when it differs from what was sent
    # (an image whose metadata was removed: scamreport.evidence_safety); None when the same.
    stored_sha256: Mapped[str | None] = mapped_column(String(64))
    # The size of what the reporter sent.
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    mime_type: Mapped[str] = mapped_column(String(127))
    filename: Mapped[str | None] = mapped_column(String(255))
    # Relative to the evidence directory (settings.evidence_dir), never an absolute path.
    storage_path: Mapped[str | None] = mapped_column(String(1024))
    kind: Mapped[str] = mapped_column(String(32))
    caption: Mapped[str | None] = mapped_column(Text)
    forwarded_from: Mapped[str | None] = mapped_column(String(255))
    forwarded_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The text OCR read in an image (scamreport.extraction.screenshots), secrets masked.
    ocr_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _evidence_checks() -> tuple[CheckConstraint, ...]:
    """The CHECKs on ``EvidenceColumns``, new for each table (a constraint has one table)."""
    return (
        one_of("kind", EVIDENCE_KINDS),
        CheckConstraint("size_bytes >= 0", name="size_bytes"),
    )


class Evidence(EvidenceColumns, Base):
    """A file or forwarded message attached to a report; the bytes live at ``storage_path``."""

    __tablename__ = "evidence"
    __table_args__ = (
        *_evidence_checks(),
        # Copies of one file in different reports are found by hash; pending items never are.
        Index("ix_evidence_sha256", "sha256"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        Id, ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )

    report: Mapped[Report] = relationship(back_populates="evidence")


class PendingEvidence(EvidenceColumns, Base):
    """An evidence item waiting for the report of ``pseudonym`` to be filed."""

    __tablename__ = "pending_evidence"
    __table_args__ = _evidence_checks()

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # The pseudonymous sender id of the conversation (the Rasa sender id).
    pseudonym: Mapped[str] = mapped_column(String(128), index=True)

    def to_record(self) -> NewEvidence:
        return NewEvidence(
            sha256=self.sha256,
            size_bytes=self.size_bytes,
            mime_type=self.mime_type,
            kind=self.kind,
            filename=self.filename,
            storage_path=self.storage_path,
            caption=self.caption,
            forwarded_from=self.forwarded_from,
            forwarded_date=self.forwarded_date,
            stored_sha256=self.stored_sha256,
            ocr_text=self.ocr_text,
        )
