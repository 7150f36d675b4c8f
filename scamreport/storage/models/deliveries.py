"""The transactional outbox of the forwarding worker: one row per report, agency and format."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scamreport.storage.codes import DELIVERY_FORMATS, DELIVERY_STATUSES, DELIVERY_TRANSPORTS
from scamreport.storage.models.base import Base, one_of
from scamreport.storage.types import Id, UTCDateTime, utcnow

if TYPE_CHECKING:
    from scamreport.storage.models.reports import Report


class Delivery(Base):
    """Transactional outbox row: forward one report to one agency, retried until delivered."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        one_of("transport", DELIVERY_TRANSPORTS),
        one_of("payload_format", DELIVERY_FORMATS),
        one_of("status", DELIVERY_STATUSES),
        CheckConstraint("attempts >= 0", name="attempts"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        Id, ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    agency_code: Mapped[str] = mapped_column(String(64))
    transport: Mapped[str] = mapped_column(String(16))
    payload_format: Mapped[str] = mapped_column(String(16), default="json")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker that claims the row sets this; another worker may reclaim it once it passes.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Sent to the agency so a retried delivery is recognised as the same one.
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    report: Mapped[Report] = relationship(back_populates="deliveries")
