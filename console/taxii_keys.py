"""TAXII API keys: create, list, revoke, and find the key a request presents.

A key is ``srtaxii_`` followed by 43 URL-safe characters: 256 bits from ``secrets``. Only its
SHA-256 is stored, and a request's key is found by the SHA-256 of what it presents (one indexed
lookup). A slow password hash (argon2, as for console passwords) is not needed: it exists to
make guessing a low-entropy password from a stolen hash expensive, and no amount of guessing
finds a 256-bit random value from its SHA-256. It would cost tens of milliseconds and tens of
MiB per request, and a scan over every key, for no gain. Comparing hashes by lookup leaks
nothing useful either: the attacker chooses the input, not the stored value.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from scamreport.storage.models import TaxiiApiKey
from scamreport.storage.types import utcnow

KEY_PREFIX = "srtaxii_"
# Longer presented values are refused before hashing (a key is 51 characters).
MAX_KEY_LENGTH = 128
MAX_LABEL_LENGTH = 200


class TaxiiKeyError(ValueError):
    """The key cannot be created or changed as asked."""


@dataclass(frozen=True)
class NewTaxiiKey:
    """A key just created: ``secret`` is shown once and never stored."""

    row: TaxiiApiKey
    secret: str


def key_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_key(session: Session, *, agency_code: str, label: str) -> NewTaxiiKey:
    """Adds a key for ``agency_code``. Flushes; does not commit.

    The caller checks ``agency_code`` against the agency registry.
    """
    label = " ".join(label.split())
    if not label:
        raise TaxiiKeyError("a key needs a label saying what it is for")
    if len(label) > MAX_LABEL_LENGTH:
        raise TaxiiKeyError(f"the label is longer than {MAX_LABEL_LENGTH} characters")
    if not agency_code.strip():
        raise TaxiiKeyError("a key needs an agency")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    row = TaxiiApiKey(key_sha256=key_digest(secret), agency_code=agency_code, label=label)
    session.add(row)
    session.flush()
    return NewTaxiiKey(row=row, secret=secret)


def list_keys(session: Session, *, agency_code: str | None = None) -> list[TaxiiApiKey]:
    statement = select(TaxiiApiKey).order_by(TaxiiApiKey.agency_code, TaxiiApiKey.id)
    if agency_code is not None:
        statement = statement.where(TaxiiApiKey.agency_code == agency_code)
    return list(session.scalars(statement))


def revoke_key(session: Session, *, key_id: int) -> TaxiiApiKey:
    """Stops the key working from the next request. Flushes; does not commit."""
    row = session.get(TaxiiApiKey, key_id)
    if row is None:
        raise TaxiiKeyError(f"no TAXII key with id {key_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return row


def active_key(session: Session, *, secret: str) -> TaxiiApiKey | None:
    """The unrevoked key whose secret is ``secret``, else None."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > MAX_KEY_LENGTH:
        return None
    return session.scalars(
        select(TaxiiApiKey).where(
            TaxiiApiKey.key_sha256 == key_digest(secret), TaxiiApiKey.revoked_at.is_(None)
        )
    ).first()
