"""The reporter's pseudonym: a keyed hash of the Telegram user id, never the id itself."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym_for(user_id: int, key: str) -> str:
    """HMAC-SHA256 of the decimal user id under ``key``, as 64 hex digits.

    It is the Rasa sender id and the reporter's pseudonym in storage: stable for one user and
    one key, and not reversible to the Telegram id without the key.
    """
    if not key:
        raise ValueError("the pseudonym key must not be empty")
    return hmac.new(key.encode(), str(int(user_id)).encode(), hashlib.sha256).hexdigest()
