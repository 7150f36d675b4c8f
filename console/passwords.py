"""Passwords: argon2id hashing (argon2-cffi's defaults, about 64 MiB per hash) in a bounded pool,
and the policy a new password must meet (length, not common, not easy to guess)."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
# zxcvbn's score (0-4); 3 is "safely unguessable: moderate protection from offline attacks".
MIN_STRENGTH_SCORE = 3
# zxcvbn refuses longer input; the first 72 characters decide the score.
_ZXCVBN_MAX_LENGTH = 72


class HashingBusy(RuntimeError):
    """Every hashing slot stayed taken for the whole wait: try again in a moment."""


class HashingPool:
    """At most ``size`` argon2 computations at once in this process, so a burst of sign-ins
    cannot take the memory of ``size`` x 64 MiB past the bound; others wait up to
    ``wait_seconds`` for a slot, then get ``HashingBusy``."""

    def __init__(self, size: int, wait_seconds: float) -> None:
        if size < 1:
            raise ValueError("a hashing pool needs at least one slot")
        self.size = size
        self.wait_seconds = wait_seconds
        self._slots = threading.BoundedSemaphore(size)

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self.wait_seconds):
            raise HashingBusy("every password-hashing slot is busy")
        try:
            yield
        finally:
            self._slots.release()


@functools.lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@functools.lru_cache(maxsize=1)
def _decoy_hash() -> str:
    # Verified against when the e-mail is unknown, so both paths take the same time.
    return _hasher().hash("decoy password that matches nothing")


@functools.lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    """zxcvbn's list of the 30,000 most common passwords (lower case)."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def _squash(text: str) -> str:
    """Lower-case letters and digits only: ``Tan.Wei@SPF`` -> ``tanweispf``."""
    return "".join(char for char in text.lower() if char.isalnum())


def check_password_strength(password: str, *, context: Sequence[str] = ()) -> None:
    """Raises ValueError for a password the console refuses to store. ``context``: words that
    must not make the password easy (the e-mail, the agency)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"the password must not be longer than {MAX_PASSWORD_LENGTH} characters")
    if password.strip() != password:
        raise ValueError("the password must not start or end with spaces")
    if password.lower() in _common_passwords():
        raise ValueError("the password is on a list of common passwords")
    if _squash(password) and any(_squash(password) in _squash(item) for item in context if item):
        raise ValueError("the password is too easy to guess (it is made of the e-mail address)")
    words = [part for item in context for part in re.split(r"[^\w]+", item.lower()) if part]
    result = zxcvbn(password[:_ZXCVBN_MAX_LENGTH], user_inputs=words)
    if result["score"] < MIN_STRENGTH_SCORE:
        feedback = result["feedback"]
        hint = feedback.get("warning") or " ".join(feedback.get("suggestions") or [])
        raise ValueError(
            "the password is too easy to guess"
            + (f" ({hint.rstrip('.')})" if hint else "")
            + "; a few unrelated words make a strong one"
        )


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (no policy check: see check_password_strength)."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; with ``password_hash`` None a decoy hash is checked."""
    try:
        return _hasher().verify(password_hash or _decoy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current defaults."""
    return _hasher().check_needs_rehash(password_hash)
