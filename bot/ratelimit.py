"""A per-user token bucket: how many messages a reporter may send in a burst and per minute."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass
class RateLimiter:
    """``per_minute`` messages a minute on average, ``burst`` at once."""

    per_minute: float = 30.0
    burst: int = 10
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[Hashable, _Bucket] = field(default_factory=dict)

    def wait_time(self, key: Hashable) -> float:
        """0 when ``key`` may act now (a token is spent); else the seconds until it may."""
        now = self.clock()
        rate = self.per_minute / 60.0
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(tokens=float(self.burst), updated=now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            if len(self._buckets) > 10_000:
                self._forget_full(now, rate)
            return 0.0
        return (1.0 - bucket.tokens) / rate

    def _forget_full(self, now: float, rate: float) -> None:
        # A bucket that has refilled completely behaves like a new one: drop it.
        full = [
            key
            for key, bucket in self._buckets.items()
            if bucket.tokens + (now - bucket.updated) * rate >= self.burst
        ]
        for key in full:
            del self._buckets[key]
