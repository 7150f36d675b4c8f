"""Console settings that are not secrets: timeouts, limits and page sizes (from the environment)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta


class ConsoleConfigError(ValueError):
    """An environment variable of the console holds an unusable value."""


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise ConsoleConfigError(f"{name}={raw!r} is not a whole number") from error
    if value < 0:
        raise ConsoleConfigError(f"{name}={raw!r} must not be negative")
    return value


@dataclass(frozen=True)
class ConsoleConfig:
    # A signed-in browser that makes no request for this long is signed out.
    idle_timeout: timedelta = timedelta(minutes=30)
    # Failed sign-ins allowed per (IP address, e-mail) within login_window before HTTP 429.
    login_max_failures: int = 5
    login_window: timedelta = timedelta(minutes=15)
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
        return cls(
            idle_timeout=timedelta(minutes=idle_minutes),
            login_max_failures=_positive_int(env, "CONSOLE_LOGIN_MAX_FAILURES", 5) or 5,
            login_window=timedelta(minutes=_positive_int(env, "CONSOLE_LOGIN_WINDOW_MINUTES", 15)),
            trusted_proxies=_positive_int(env, "CONSOLE_TRUSTED_PROXIES", 0),
        )
