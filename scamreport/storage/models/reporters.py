"""The people who reported."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scamreport.storage.models.base import Base
from scamreport.storage.types import Id, UTCDateTime, utcnow

if TYPE_CHECKING:
    from scamreport.storage.models.messages import Notification
    from scamreport.storage.models.reports import Report


class Reporter(Base):
    """A person who reported. ``pseudonym`` is the only identifier other components see."""

    __tablename__ = "reporters"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # Keyed hash of the Telegram user id (see scamreport.settings.pseudonym_key).
    pseudonym: Mapped[str] = mapped_column(String(128), unique=True)
    # The Telegram identity, stored once, for feedback; nulled by erasure.
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)
    telegram_username: Mapped[str | None] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(255))
    # Only a number the reporter shared through Telegram's contact button (verified).
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    reports: Mapped[list[Report]] = relationship(back_populates="reporter", passive_deletes=True)
    notifications: Mapped[list[Notification]] = relationship(
        back_populates="reporter", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None
