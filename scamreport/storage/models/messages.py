"""The bot's queues of messages: updates from Telegram (the inbox), messages waiting for Rasa,
and notifications waiting to be sent to a reporter."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scamreport.storage.codes import NOTIFICATION_STATUSES
from scamreport.storage.models.base import Base, one_of
from scamreport.storage.types import Id, UTCDateTime, utcnow

if TYPE_CHECKING:
    from scamreport.storage.models.reporters import Reporter
    from scamreport.storage.models.reports import Report


class InboxUpdate(Base):
    """One Telegram update the bot received; ``payload`` is None once it was handled
    (scamreport.storage.inbox)."""

    __tablename__ = "inbox_updates"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts"),
        UniqueConstraint("bot_id", "update_id"),
    )

    # Arrival order: updates are replayed in it (each chat's in the order it sent them).
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # Telegram numbers updates per bot: two bots (a standby, a second token) share the table.
    bot_id: Mapped[int] = mapped_column(BigInteger)
    update_id: Mapped[int] = mapped_column(BigInteger)
    # The pseudonym of the sender (the Rasa sender id), so erasure finds the rows; None for
    # an update without a user.
    pseudonym: Mapped[str | None] = mapped_column(String(128), index=True)
    # The update as Telegram sent it (Update.to_dict()), every text and caption masked.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # How many times a start of the bot took it up again (a poison update is given up).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class PendingMessage(Base):
    """A message the bot could not hand to Rasa yet; kept and replayed in ``id`` order."""

    __tablename__ = "pending_messages"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(128), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The bot process replaying the conversation (bot/relay.py), until ``claimed_until``.
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Notification(Base):
    """Outbox of messages to a reporter (status updates, follow-ups), drained by the bot."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_status_created_at", "status", "created_at"),
        one_of("status", NOTIFICATION_STATUSES),
        CheckConstraint("attempts >= 0", name="attempts"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    reporter_id: Mapped[int] = mapped_column(
        Id, ForeignKey("reporters.id", ondelete="CASCADE"), index=True
    )
    report_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The bot process sending it (bot/outbox.py), until ``claimed_until``; then anyone may.
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    reporter: Mapped[Reporter] = relationship(back_populates="notifications")
    report: Mapped[Report | None] = relationship(back_populates="notifications")
