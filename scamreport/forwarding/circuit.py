"""A circuit breaker per agency: a receiver that keeps failing is left alone for a while.

Without it, an agency whose endpoint is down gets every due delivery tried again as soon as
its backoff allows, each costing a connect timeout, while the deliveries of the agencies that
work wait behind them. After ``failures`` transient failures in a row, the agency's circuit
opens: this worker claims none of its deliveries for ``cooldown`` seconds (they stay pending,
no attempt is used). Then one batch goes through (half-open): a success closes the circuit, a
failure opens it again for twice as long, up to ``max_cooldown``.

A refusal (the receiver answered and rejected the bytes) is an answer, not an outage: it
counts as a success here. Each worker process keeps its own circuits; the counts are
exported as metrics (scamreport/forwarding/metrics.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from scamreport.forwarding.envvars import positive_int, seconds
from scamreport.storage.types import utcnow

FAILURES_ENV = "FORWARDING_CIRCUIT_FAILURES"
COOLDOWN_ENV = "FORWARDING_CIRCUIT_COOLDOWN_SECONDS"
MAX_COOLDOWN_ENV = "FORWARDING_CIRCUIT_MAX_COOLDOWN_SECONDS"


@dataclass
class _Circuit:
    failures: int = 0
    cooldown: float = 0.0
    open_until: datetime | None = None


@dataclass
class AgencyCircuits:
    """The circuits of every agency this worker sends to; safe to share between threads."""

    # Ten in a row: with 30% of requests failing at random that happens about once in
    # 170,000 sends, so a flaky receiver keeps flowing and a dead one stops within seconds.
    failures: int = 10
    cooldown_seconds: float = 30.0
    max_cooldown_seconds: float = 300.0
    clock: Callable[[], datetime] = utcnow
    _circuits: dict[str, _Circuit] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_env(cls, env: Mapping[str, str], **kwargs: object) -> AgencyCircuits:
        return cls(
            failures=positive_int(env, FAILURES_ENV, 10),
            cooldown_seconds=seconds(env, COOLDOWN_ENV, 30.0, minimum=0.001),
            max_cooldown_seconds=seconds(env, MAX_COOLDOWN_ENV, 300.0, minimum=0.001),
            **kwargs,  # type: ignore[arg-type]
        )

    def open_agencies(self) -> frozenset[str]:
        """The agencies whose deliveries this worker must not claim now."""
        now = self.clock()
        with self._lock:
            return frozenset(
                code
                for code, circuit in self._circuits.items()
                if circuit.open_until is not None and circuit.open_until > now
            )

    def is_open(self, agency: str) -> bool:
        return agency in self.open_agencies()

    def succeeded(self, agency: str) -> None:
        with self._lock:
            self._circuits.pop(agency, None)

    def failed(self, agency: str) -> bool:
        """Counts a transient failure; True when it opened (or re-opened) the circuit."""
        now = self.clock()
        with self._lock:
            circuit = self._circuits.setdefault(agency, _Circuit())
            circuit.failures += 1
            half_open = circuit.open_until is not None and circuit.open_until <= now
            if not half_open and circuit.failures < self.failures:
                return False
            if circuit.open_until is not None and circuit.open_until > now:
                return False  # already open (a send that started before it opened)
            circuit.cooldown = (
                min(circuit.cooldown * 2, self.max_cooldown_seconds)
                if half_open
                else self.cooldown_seconds
            )
            circuit.open_until = now + timedelta(seconds=circuit.cooldown)
            return True

    def states(self) -> dict[str, str]:
        """Each known agency's circuit: "open", "half_open" (trying one batch) or "closed"."""
        now = self.clock()
        with self._lock:
            return {
                code: (
                    "closed"
                    if circuit.open_until is None
                    else "open"
                    if circuit.open_until > now
                    else "half_open"
                )
                for code, circuit in self._circuits.items()
            }
