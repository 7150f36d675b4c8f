"""A report and what it is made of: its indicators, its transcript and its consents.

Money is ``Numeric(14, 2)``, timestamps are timezone-aware UTC (``UTCDateTime``), free-form
extras are portable ``JSON``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scamreport import triage
from scamreport.storage.codes import (
    CONSENT_KINDS,
    CONTACT_PERMISSIONS,
    INDICATOR_KINDS,
    INDICATOR_SOURCES,
    REPORT_STATUSES,
    TRANSCRIPT_SENDERS,
)
from scamreport.storage.models.base import Base, one_of
from scamreport.storage.types import Id, UTCDateTime, utcnow

if TYPE_CHECKING:
    from scamreport.storage.models.deliveries import Delivery
    from scamreport.storage.models.evidence import Evidence
    from scamreport.storage.models.messages import Notification
    from scamreport.storage.models.reporters import Reporter


class Report(Base):
    """One structured scam report, as submitted at the end of a conversation."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_status_created_at", "status", "created_at"),
        # Only the flagged reports (migration 0007): the queue's flag filter and the
        # dashboard's per-flag counts walk these instead of every report.
        Index(
            "ix_reports_flagged_created_at",
            "created_at",
            "id",
            sqlite_where=text("triage_flags <> ''"),
            postgresql_where=text("triage_flags <> ''"),
        ),
        one_of("status", REPORT_STATUSES),
        one_of("contact_permission", CONTACT_PERMISSIONS),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    reporter_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("reporters.id", ondelete="SET NULL"), index=True
    )
    # The pseudonymous sender id used with Rasa for the conversation that produced the report.
    pseudonym: Mapped[str] = mapped_column(String(128), index=True)
    scam_type: Mapped[str] = mapped_column(String(40), index=True)
    contact_channel: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    # The language the reporter used ("en", "zh", "ms"; scamreport.languages); NULL (reports
    # stored before migration 0013) reads as English.
    language: Mapped[str | None] = mapped_column(String(8), index=True)
    status: Mapped[str] = mapped_column(String(16), default="received")
    status_reason: Mapped[str | None] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    claimed_agency: Mapped[str | None] = mapped_column(String(255))
    claimed_identity: Mapped[str | None] = mapped_column(String(255))
    scammer_contact: Mapped[str | None] = mapped_column(String(512))
    demand: Mapped[str | None] = mapped_column(Text)
    money_lost: Mapped[bool | None] = mapped_column(Boolean)
    amount_lost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(5))  # ISO 4217, or USDT, BTC...
    payment_method: Mapped[str | None] = mapped_column(String(64))
    payee_account: Mapped[str | None] = mapped_column(String(255))
    incident_date: Mapped[date | None] = mapped_column(Date)
    shop_name: Mapped[str | None] = mapped_column(String(255))
    shop_link: Mapped[str | None] = mapped_column(String(2048))
    items_ordered: Mapped[str | None] = mapped_column(Text)
    item_received: Mapped[str | None] = mapped_column(String(64))
    # Already masked by the caller (no card numbers, codes or passwords in clear).
    story: Mapped[str] = mapped_column(Text, default="")
    consent_forward: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_cross_border: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_permission: Mapped[str] = mapped_column(String(16), default="none")
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(MutableDict.as_mutable(JSON), default=dict)
    # scamreport.triage.flags_of(self), comma separated ("minor,large_loss"); kept up to date
    # on every insert and update by ``_set_triage_flags`` below, so the queue filters on it.
    triage_flags: Mapped[str] = mapped_column(String(64), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    reporter: Mapped[Reporter | None] = relationship(back_populates="reports")
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Indicator.id",
    )
    transcript: Mapped[list[TranscriptMessage]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="TranscriptMessage.seq",
    )
    consents: Mapped[list[Consent]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Consent.id",
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Evidence.id",
    )
    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Delivery.id",
    )
    notifications: Mapped[list[Notification]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def flags(self) -> tuple[str, ...]:
        """The stored triage flags, in the order analysts read them (scamreport.triage.FLAGS)."""
        return triage.decode(self.triage_flags)


@event.listens_for(Report, "before_insert")
@event.listens_for(Report, "before_update")
def _set_triage_flags(mapper: Any, connection: Any, target: Report) -> None:
    """Whoever stores a report (the actions, the console, a CLI), its flags are stored with it."""
    target.triage_flags = triage.encode(triage.flags_of(target))


class Indicator(Base):
    """A normalised scammer identifier named in a report (what analysts link reports by)."""

    __tablename__ = "indicators"
    __table_args__ = (
        UniqueConstraint("report_id", "kind", "value"),
        Index("ix_indicators_kind_value", "kind", "value"),
        one_of("kind", INDICATOR_KINDS),
        one_of("source", INDICATOR_SOURCES),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    report_id: Mapped[int] = mapped_column(Id, ForeignKey("reports.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    # The normal form from the brief (E.164 phone, re-fanged URL, compact IBAN, ...).
    value: Mapped[str] = mapped_column(String(512))
    raw: Mapped[str | None] = mapped_column(Text)
    # For urls and e-mails: the registrable domain, so look-alike paths on one domain link up.
    registrable_domain: Mapped[str | None] = mapped_column(String(255), index=True)
    # "conversation" (what the reporter wrote) or "screenshot" (read by OCR in an image they
    # sent, and shown to them before they submitted).
    source: Mapped[str] = mapped_column(
        String(16), default="conversation", server_default="conversation"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[Report] = relationship(back_populates="indicators")


class TranscriptMessage(Base):
    """One turn of the conversation, masked; deleted when the reporter asks for erasure."""

    __tablename__ = "transcript_messages"
    __table_args__ = (
        UniqueConstraint("report_id", "seq"),
        one_of("sender", TRANSCRIPT_SENDERS),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    report_id: Mapped[int] = mapped_column(Id, ForeignKey("reports.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(128))
    intent_confidence: Mapped[float | None] = mapped_column(Float)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)

    report: Mapped[Report] = relationship(back_populates="transcript")


class Consent(Base):
    """A consent the reporter gave or refused, with the exact wording they were shown."""

    __tablename__ = "consents"
    __table_args__ = (one_of("kind", CONSENT_KINDS),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        Id, ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    granted: Mapped[bool] = mapped_column(Boolean)
    wording: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[Report] = relationship(back_populates="consents")
