"""Immutable inputs of the repository functions, checked when built.

They mirror the model fields so that callers (Rasa actions, the bot, the console) never build
ORM objects themselves, and a bad value fails where it was made rather than at commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from scamreport.languages import LANGUAGES
from scamreport.storage.codes import (
    CONSENT_KINDS,
    CONTACT_PERMISSIONS,
    DELIVERY_FORMATS,
    DELIVERY_TRANSPORTS,
    EVIDENCE_KINDS,
    INDICATOR_KINDS,
    INDICATOR_SOURCES,
    TRANSCRIPT_SENDERS,
)
from scamreport.taxonomy import CONTACT_CHANNELS, SCAM_TYPES

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3,5}$")  # ISO 4217, or a crypto code (USDT, BTC)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Numeric(14, 2): at most 12 digits before the decimal point.
_MAX_AMOUNT = Decimal("999999999999.99")


def _require_in(name: str, value: str, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not one of {', '.join(allowed)}")


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


def _require_text(name: str, value: str, max_length: int | None = None) -> None:
    if not value or not value.strip():
        raise ValueError(f"{name} must not be empty")
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"{name} is longer than {max_length} characters")


@dataclass(frozen=True)
class NewReporter:
    """Who reported; ``pseudonym`` is the keyed hash of their Telegram user id."""

    pseudonym: str
    telegram_user_id: int | None = None
    telegram_username: str | None = None
    display_name: str | None = None
    contact_phone: str | None = None
    language: str | None = None

    def __post_init__(self) -> None:
        _require_text("pseudonym", self.pseudonym, 128)


@dataclass(frozen=True)
class NewReport:
    """Every field of a report except its id, reference, status and timestamps.

    ``reporter`` is get-or-created by pseudonym in the transaction that stores the report;
    None stores an anonymous report. ``story`` must already be masked.
    """

    pseudonym: str
    scam_type: str
    reporter: NewReporter | None = None
    contact_channel: str | None = None
    country: str | None = None
    urgent: bool = False
    claimed_agency: str | None = None
    claimed_identity: str | None = None
    scammer_contact: str | None = None
    demand: str | None = None
    money_lost: bool | None = None
    amount_lost: Decimal | None = None
    currency: str | None = None
    payment_method: str | None = None
    payee_account: str | None = None
    incident_date: date | None = None
    shop_name: str | None = None
    shop_link: str | None = None
    items_ordered: str | None = None
    item_received: str | None = None
    story: str = ""
    consent_forward: bool = False
    consent_cross_border: bool = False
    contact_permission: str = "none"
    contact_phone: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    # The reporter's language code (scamreport.languages.LANGUAGES); None: not known.
    language: str | None = None

    def __post_init__(self) -> None:
        _require_text("pseudonym", self.pseudonym, 128)
        _require_in("scam_type", self.scam_type, SCAM_TYPES)
        if self.contact_channel is not None:
            _require_in("contact_channel", self.contact_channel, CONTACT_CHANNELS)
        if self.country is not None and not _COUNTRY.fullmatch(self.country):
            raise ValueError(
                f"country={self.country!r} is not an upper-case ISO 3166-1 alpha-2 code"
            )
        if self.currency is not None and not _CURRENCY.fullmatch(self.currency):
            raise ValueError(f"currency={self.currency!r} is not an upper-case currency code")
        if self.amount_lost is not None:
            # A float would carry binary rounding error into a money column.
            if not isinstance(self.amount_lost, Decimal):
                raise TypeError(f"amount_lost must be a Decimal, got {type(self.amount_lost)}")
            if not self.amount_lost.is_finite() or not 0 <= self.amount_lost <= _MAX_AMOUNT:
                raise ValueError(f"amount_lost={self.amount_lost} is out of range")
        if isinstance(self.incident_date, datetime):
            raise TypeError("incident_date must be a date, not a datetime")
        if self.language is not None:
            _require_in("language", self.language, LANGUAGES)
        _require_in("contact_permission", self.contact_permission, CONTACT_PERMISSIONS)
        if self.contact_permission == "phone" and not self.contact_phone:
            raise ValueError("contact_permission='phone' needs contact_phone")


@dataclass(frozen=True)
class NewIndicator:
    """An indicator in its normal form (see the brief); ``raw`` is how the reporter wrote it
    (or OCR read it: ``source`` "screenshot")."""

    kind: str
    value: str
    raw: str | None = None
    registrable_domain: str | None = None
    source: str = "conversation"

    def __post_init__(self) -> None:
        _require_in("kind", self.kind, INDICATOR_KINDS)
        _require_in("source", self.source, INDICATOR_SOURCES)
        _require_text("value", self.value, 512)


@dataclass(frozen=True)
class NewTranscriptMessage:
    """One masked turn of the conversation; ``seq`` orders turns within a report."""

    seq: int
    sender: str
    text: str
    sent_at: datetime
    intent: str | None = None
    intent_confidence: float | None = None

    def __post_init__(self) -> None:
        if self.seq < 0:
            raise ValueError("seq must not be negative")
        _require_in("sender", self.sender, TRANSCRIPT_SENDERS)
        _require_aware("sent_at", self.sent_at)
        if self.intent_confidence is not None and not 0.0 <= self.intent_confidence <= 1.0:
            raise ValueError("intent_confidence must lie between 0 and 1")


@dataclass(frozen=True)
class NewConsent:
    """A consent asked for, with the exact wording shown and the reporter's answer."""

    kind: str
    granted: bool
    wording: str
    recorded_at: datetime | None = None

    def __post_init__(self) -> None:
        _require_in("kind", self.kind, CONSENT_KINDS)
        _require_text("wording", self.wording)
        _require_aware("recorded_at", self.recorded_at)


@dataclass(frozen=True)
class NewEvidence:
    """An evidence item already written to disk (``storage_path`` relative to evidence_dir)."""

    sha256: str
    size_bytes: int
    mime_type: str
    kind: str
    filename: str | None = None
    storage_path: str | None = None
    caption: str | None = None
    forwarded_from: str | None = None
    forwarded_date: datetime | None = None
    # The hash of the file at storage_path when it is not what the reporter sent (``sha256``):
    # an image whose metadata was removed.
    stored_sha256: str | None = None
    # The text OCR read in an image, secrets masked (scamreport.extraction.screenshots).
    ocr_text: str | None = None

    def __post_init__(self) -> None:
        if not _SHA256.fullmatch(self.sha256):
            raise ValueError("sha256 must be 64 lower-case hex digits")
        if self.stored_sha256 is not None and not _SHA256.fullmatch(self.stored_sha256):
            raise ValueError("stored_sha256 must be 64 lower-case hex digits")
        if self.size_bytes < 0:
            raise ValueError("size_bytes must not be negative")
        _require_text("mime_type", self.mime_type, 127)
        _require_in("kind", self.kind, EVIDENCE_KINDS)
        _require_aware("forwarded_date", self.forwarded_date)
        if self.storage_path is not None and (
            self.storage_path.startswith(("/", "\\")) or ".." in self.storage_path.split("/")
        ):
            raise ValueError("storage_path must be relative to the evidence directory")


@dataclass(frozen=True)
class NewDelivery:
    """A forwarding job for the outbox.

    Without ``idempotency_key`` the storage layer derives one from the report's reference, the
    agency, the transport and the format, so the same forwarding is never queued twice.
    """

    agency_code: str
    transport: str
    payload_format: str = "json"
    idempotency_key: str | None = None
    next_attempt_at: datetime | None = None

    def __post_init__(self) -> None:
        _require_text("agency_code", self.agency_code, 64)
        _require_in("transport", self.transport, DELIVERY_TRANSPORTS)
        _require_in("payload_format", self.payload_format, DELIVERY_FORMATS)
        if self.idempotency_key is not None:
            _require_text("idempotency_key", self.idempotency_key, 255)
        _require_aware("next_attempt_at", self.next_attempt_at)
