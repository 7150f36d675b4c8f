"""Password hashing with argon2id (argon2-cffi's PasswordHasher and its default parameters)."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12


@functools.lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@functools.lru_cache(maxsize=1)
def _decoy_hash() -> str:
    # Verified against when the e-mail is unknown, so both paths take the same time.
    return _hasher().hash("decoy password that matches nothing")


def check_password_strength(password: str) -> None:
    """Raises ValueError for a password the console refuses to store."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password:
        raise ValueError("the password must not start or end with spaces")


def hash_password(password: str) -> str:
    check_password_strength(password)
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
