"""When to try a failed delivery again: exponential backoff with full jitter.

Attempt ``n`` (1-based) that fails waits a random time between 0 and
``min(max_seconds, base_seconds * 2 ** (n - 1))``. Full jitter spreads the retries of many
deliveries that failed together (an agency outage) instead of sending them back in waves.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from scamreport.forwarding.envvars import ForwardingConfigError, positive_int, seconds

MAX_ATTEMPTS_ENV = "FORWARDING_MAX_ATTEMPTS"
BACKOFF_BASE_ENV = "FORWARDING_BACKOFF_BASE_SECONDS"
BACKOFF_MAX_ENV = "FORWARDING_BACKOFF_MAX_SECONDS"

DEFAULT_MAX_ATTEMPTS = 8
DEFAULT_BACKOFF_BASE_SECONDS = 60.0
DEFAULT_BACKOFF_MAX_SECONDS = 3600.0

# Jitter needs no cryptographic randomness; one generator per process is enough.
_JITTER = random.Random()


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts a delivery gets and how long to wait between them."""

    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    base_seconds: float = DEFAULT_BACKOFF_BASE_SECONDS
    max_seconds: float = DEFAULT_BACKOFF_MAX_SECONDS

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ForwardingConfigError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if self.base_seconds < 0 or self.max_seconds < 0:
            raise ForwardingConfigError("backoff delays must not be negative")
        if self.max_seconds < self.base_seconds:
            raise ForwardingConfigError(
                f"the largest backoff ({self.max_seconds} s) is below the base "
                f"({self.base_seconds} s)"
            )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RetryPolicy:
        """Reads FORWARDING_MAX_ATTEMPTS (default 8) and the FORWARDING_BACKOFF_* seconds."""
        return cls(
            max_attempts=positive_int(env, MAX_ATTEMPTS_ENV, DEFAULT_MAX_ATTEMPTS),
            base_seconds=seconds(env, BACKOFF_BASE_ENV, DEFAULT_BACKOFF_BASE_SECONDS),
            max_seconds=seconds(env, BACKOFF_MAX_ENV, DEFAULT_BACKOFF_MAX_SECONDS),
        )

    def ceiling(self, attempt: int) -> float:
        """The longest wait after failed attempt ``attempt`` (1-based)."""
        if attempt < 1:
            raise ValueError(f"attempt numbers start at 1, got {attempt}")
        # Capping the exponent keeps 2**n finite however many attempts are configured.
        exponent = min(attempt - 1, 62)
        return min(self.max_seconds, self.base_seconds * (2.0**exponent))

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """A random wait in ``[0, ceiling(attempt)]`` (full jitter)."""
        return (rng or _JITTER).uniform(0.0, self.ceiling(attempt))

    def next_attempt_at(
        self,
        attempt: int,
        *,
        now: datetime,
        rng: random.Random | None = None,
        at_least: float = 0.0,
    ) -> datetime:
        """When to try again after failed attempt ``attempt``.

        ``at_least`` is a wait the receiver asked for (HTTP Retry-After); it is honoured up to
        ``max_seconds``.
        """
        wait = max(self.delay(attempt, rng), min(max(at_least, 0.0), self.max_seconds))
        return now + timedelta(seconds=wait)

    def exhausted(self, attempts: int) -> bool:
        """True when ``attempts`` attempts have used up the allowance."""
        return attempts >= self.max_attempts
