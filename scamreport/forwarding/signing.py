"""HMAC-SHA256 signatures over the exact bytes of a webhook body.

The header is ``X-ScamReport-Signature: t=<unix seconds>,v1=<hex>`` where the hex digest is
``HMAC-SHA256(secret, f"{t}." + body)``. Signing the timestamp with the body lets a receiver
refuse an old request replayed by someone who captured it. A receiver may list several
``v1=`` values to accept while a secret is being rotated (we send one).
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-ScamReport-Signature"
SIGNATURE_SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """The signature is missing, malformed, stale or does not match the body."""


def _secret_bytes(secret: str | bytes) -> bytes:
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    if not key:
        raise ValueError("the signing secret is empty")
    return key


def compute_signature(body: bytes, *, secret: str | bytes, timestamp: int) -> str:
    """The hex HMAC-SHA256 of ``b"<timestamp>." + body``."""
    message = str(int(timestamp)).encode("ascii") + b"." + body
    return hmac.new(_secret_bytes(secret), message, hashlib.sha256).hexdigest()


def sign(body: bytes, *, secret: str | bytes, timestamp: int | None = None) -> str:
    """The value of the signature header for ``body`` (now, unless ``timestamp`` is given)."""
    stamp = int(time.time()) if timestamp is None else int(timestamp)
    digest = compute_signature(body, secret=secret, timestamp=stamp)
    return f"t={stamp},{SIGNATURE_SCHEME}={digest}"


def parse_signature_header(header: str) -> tuple[int, list[str]]:
    """``(timestamp, [v1 digests])`` from a header value; raises SignatureError if malformed."""
    timestamp: int | None = None
    digests: list[str] = []
    for part in header.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            raise SignatureError("malformed signature header")
        if name == "t":
            if not value.isdigit():
                raise SignatureError("malformed signature timestamp")
            timestamp = int(value)
        elif name == SIGNATURE_SCHEME:
            digests.append(value.strip().lower())
    if timestamp is None:
        raise SignatureError("signature header has no timestamp (t=)")
    if not digests:
        raise SignatureError(f"signature header has no {SIGNATURE_SCHEME}= signature")
    return timestamp, digests


def verify_signature(
    body: bytes,
    header: str | None,
    *,
    secret: str | bytes,
    tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> int:
    """Checks ``header`` against ``body``; returns its timestamp, or raises SignatureError.

    The timestamp must lie within ``tolerance_seconds`` of ``now`` (either side, for clock
    skew). Digests are compared in constant time.
    """
    if not header:
        raise SignatureError(f"missing {SIGNATURE_HEADER} header")
    timestamp, digests = parse_signature_header(header)
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        raise SignatureError(
            f"signature timestamp is {abs(current - timestamp):.0f} s away from now "
            f"(tolerance {tolerance_seconds:g} s)"
        )
    expected = compute_signature(body, secret=secret, timestamp=timestamp)
    if not any(hmac.compare_digest(expected, digest) for digest in digests):
        raise SignatureError("signature does not match the body")
    return timestamp
