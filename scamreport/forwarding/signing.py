"""HMAC-SHA256 signatures over a webhook's idempotency key and the exact bytes of its body.

The header is ``X-ScamReport-Signature: t=<unix seconds>,v2=<hex>`` where the hex digest is
``HMAC-SHA256(secret, f"{t}\\n{idempotency_key}\\n" + body)``. Signing the timestamp lets a
receiver refuse an old request replayed by someone who captured it; signing the
``Idempotency-Key`` with the body stops a captured request being replayed under a new key to
get past the receiver's duplicate check. A receiver may list several ``v2=`` values to accept
while a secret is being rotated (we send one).

(Scheme ``v1`` signed the timestamp and body only; it is no longer sent or accepted.)
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

SIGNATURE_HEADER = "X-ScamReport-Signature"
SIGNATURE_SCHEME = "v2"
DEFAULT_TOLERANCE_SECONDS = 300
MAX_HEADER_CHARS = 2048
MAX_KEY_CHARS = 255
# Printable ASCII without spaces: what an HTTP header carries unchanged, and never a line break
# (which separates the key from the body in the signed message).
_KEY = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_CHARS}}}")
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
_MAX_TIMESTAMP_DIGITS = 12


class SignatureError(ValueError):
    """The signature is missing, malformed, stale or does not match the key and body."""


def _secret_bytes(secret: str | bytes) -> bytes:
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    if not key:
        raise ValueError("the signing secret is empty")
    return key


def check_idempotency_key(key: str) -> str:
    """``key`` if it can be signed and sent as a header (1-255 printable ASCII characters, no
    spaces); raises ValueError otherwise."""
    if not _KEY.fullmatch(key):
        raise ValueError(
            f"an idempotency key is 1-{MAX_KEY_CHARS} printable ASCII characters without spaces"
        )
    return key


def signed_message(body: bytes, *, idempotency_key: str, timestamp: int) -> bytes:
    """``b"<timestamp>\\n<idempotency key>\\n" + body``: the bytes the HMAC covers."""
    key = check_idempotency_key(idempotency_key).encode("ascii")
    return str(int(timestamp)).encode("ascii") + b"\n" + key + b"\n" + body


def compute_signature(
    body: bytes, *, idempotency_key: str, secret: str | bytes, timestamp: int
) -> str:
    """The hex HMAC-SHA256 of :func:`signed_message`."""
    message = signed_message(body, idempotency_key=idempotency_key, timestamp=timestamp)
    return hmac.new(_secret_bytes(secret), message, hashlib.sha256).hexdigest()


def sign(
    body: bytes, *, idempotency_key: str, secret: str | bytes, timestamp: int | None = None
) -> str:
    """The value of the signature header for ``body`` sent under ``idempotency_key`` (now,
    unless ``timestamp`` is given)."""
    stamp = int(time.time()) if timestamp is None else int(timestamp)
    digest = compute_signature(
        body, idempotency_key=idempotency_key, secret=secret, timestamp=stamp
    )
    return f"t={stamp},{SIGNATURE_SCHEME}={digest}"


def _parse_timestamp(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > _MAX_TIMESTAMP_DIGITS:
        raise SignatureError("malformed signature timestamp")
    return int(value)


def parse_signature_header(header: str) -> tuple[int, list[str]]:
    """``(timestamp, [v2 digests])`` from a header value; raises SignatureError if malformed."""
    if len(header) > MAX_HEADER_CHARS:
        raise SignatureError("malformed signature header (too long)")
    timestamp: int | None = None
    digests: list[str] = []
    for part in header.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            raise SignatureError("malformed signature header")
        if name == "t":
            timestamp = _parse_timestamp(value.strip())
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
    idempotency_key: str,
    secret: str | bytes,
    tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> int:
    """Checks ``header`` against ``idempotency_key`` and ``body``; returns its timestamp, or
    raises SignatureError.

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
    try:
        expected = compute_signature(
            body, idempotency_key=idempotency_key, secret=secret, timestamp=timestamp
        )
    except ValueError as error:
        raise SignatureError(str(error)) from None
    candidates = [digest for digest in digests if _HEX_DIGEST.fullmatch(digest)]
    if not any(hmac.compare_digest(expected, digest) for digest in candidates):
        raise SignatureError("signature does not match the idempotency key and body")
    return timestamp
