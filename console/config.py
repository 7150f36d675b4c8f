"""Console settings that are not secrets: timeouts, limits and page sizes (from the environment)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from console.throttle import ThrottleLimits
from scamreport.settings import whole_number


class ConsoleConfigError(ValueError):
    """An environment variable of the console holds an unusable value."""


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number of 0 or more (0 turns some limits off; callers refuse it where not)."""
    return whole_number(env, name, default, minimum=0, error=ConsoleConfigError)


@dataclass(frozen=True)
class ConsoleConfig:
    # A signed-in browser that makes no request for this long is signed out.
    idle_timeout: timedelta = timedelta(minutes=30)
    # However active, a session ends this long after sign-in.
    session_lifetime: timedelta = timedelta(hours=12)
    # Sign-in attempts allowed within login_window before HTTP 429: per (address, e-mail) ...
    login_max_failures: int = 5
    # ... per e-mail from every address, and per address across every e-mail.
    login_max_failures_per_account: int = 20
    login_max_failures_per_address: int = 20
    login_window: timedelta = timedelta(minutes=15)
    # argon2 hashes computed at once per process (about 64 MiB each), and how long a sign-in
    # waits for a free slot before it is answered 503.
    hash_concurrency: int = 2
    hash_wait_seconds: float = 10.0
    page_size: int = 50
    max_page_size: int = 200
    # Queue totals are counted up to this many (then shown as "10,000+") to keep pages fast.
    count_cap: int = 10_000
    # How many reverse proxies in front of the console set X-Forwarded-For (0: none).
    trusted_proxies: int = 0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ConsoleConfig:
        env = os.environ if env is None else env
        idle_minutes = _positive_int(env, "CONSOLE_IDLE_TIMEOUT_MINUTES", 30)
        if idle_minutes == 0:
            raise ConsoleConfigError("CONSOLE_IDLE_TIMEOUT_MINUTES must be at least 1")
        lifetime_hours = _positive_int(env, "CONSOLE_SESSION_MAX_HOURS", 12)
        if lifetime_hours == 0:
            raise ConsoleConfigError("CONSOLE_SESSION_MAX_HOURS must be at least 1")
        return cls(
            idle_timeout=timedelta(minutes=idle_minutes),
            session_lifetime=timedelta(hours=lifetime_hours),
            login_max_failures=_positive_int(env, "CONSOLE_LOGIN_MAX_FAILURES", 5) or 5,
            login_max_failures_per_account=(
                _positive_int(env, "CONSOLE_LOGIN_MAX_FAILURES_PER_ACCOUNT", 20) or 20
            ),
            login_max_failures_per_address=(
                _positive_int(env, "CONSOLE_LOGIN_MAX_FAILURES_PER_ADDRESS", 20) or 20
            ),
            login_window=timedelta(minutes=_positive_int(env, "CONSOLE_LOGIN_WINDOW_MINUTES", 15)),
            hash_concurrency=_positive_int(env, "CONSOLE_HASH_CONCURRENCY", 2) or 2,
            trusted_proxies=_positive_int(env, "CONSOLE_TRUSTED_PROXIES", 0),
        )

    @property
    def throttle_limits(self) -> ThrottleLimits:
        return ThrottleLimits(
            per_account_and_address=self.login_max_failures,
            per_account=self.login_max_failures_per_account,
            per_address=self.login_max_failures_per_address,
            window=self.login_window,
        )
