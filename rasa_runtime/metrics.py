"""Rasa's Prometheus metrics, written with the standard library (the Rasa environment has no
prometheus_client): turn latency and NLU confidence histograms, and an error count.

Rasa 3.6 Open Source has no metrics endpoint. The project adds one without forking Rasa:

- the bot's channel (rasa_runtime/secure_rest.py) times each message it hands to Rasa and
  answers ``GET /webhooks/rest/metrics`` with ``Authorization: Bearer $METRICS_TOKEN``, on
  Rasa's own port;
- the launcher (rasa_runtime/__main__.py) wraps ``MessageProcessor.parse_message`` with
  ``observe_parse``, which reads the intent and confidence of each parse and changes nothing.

The names and buckets are scamreport.metrics's; tests/observability parse the output with
prometheus_client's parser.
"""

from __future__ import annotations

import bisect
import functools
import logging
import math
import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from scamreport.metrics import (
    CONFIDENCE_BUCKETS,
    ERRORS,
    HELP,
    NLU_CONFIDENCE,
    RASA_TURN_SECONDS,
    TURN_BUCKETS,
)

PROCESS = "rasa"
# Intents come from domain.yml; a name beyond this is not one (bounded label values).
MAX_INTENT_CHARS = 64
COUNTED_LOGGERS = ("rasa", "rasa_runtime", "sanic.error")


def _number(value: float) -> str:
    if value == math.inf:
        return "+Inf"
    return repr(float(value))


def _escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(pairs: Sequence[tuple[str, str]]) -> str:
    if not pairs:
        return ""
    return "{" + ",".join(f'{name}="{_escaped(value)}"' for name, value in pairs) + "}"


class Histogram:
    """A Prometheus histogram, optionally with one label."""

    def __init__(self, name: str, buckets: Sequence[float], label: str | None = None) -> None:
        self.name = name
        self.bounds = [*sorted(buckets), math.inf]
        self.label = label
        self._lock = threading.Lock()
        self._series: dict[str, tuple[list[int], list[float]]] = {}

    def observe(self, value: float, label_value: str = "") -> None:
        index = bisect.bisect_left(self.bounds, value)
        with self._lock:
            counts, total = self._series.setdefault(label_value, ([0] * len(self.bounds), [0.0]))
            counts[index] += 1
            total[0] += value

    def lines(self) -> list[str]:
        out = [f"# HELP {self.name} {HELP[self.name]}", f"# TYPE {self.name} histogram"]
        with self._lock:
            series = {key: (list(c), t[0]) for key, (c, t) in sorted(self._series.items())}
        for key, (counts, total) in series.items():
            base = [(self.label, key)] if self.label else []
            running = 0
            for bound, count in zip(self.bounds, counts, strict=True):
                running += count
                labels = _labels([*base, ("le", _number(bound))])
                out.append(f"{self.name}_bucket{labels} {running}")
            out.append(f"{self.name}_count{_labels(base)} {running}")
            out.append(f"{self.name}_sum{_labels(base)} {_number(total)}")
        return out


class Counter:
    """A Prometheus counter with labels."""

    def __init__(self, name: str, labels: Sequence[str]) -> None:
        self.name = name
        self.labels = list(labels)
        self._lock = threading.Lock()
        self._values: dict[tuple[str, ...], float] = {}

    def inc(self, *values: str) -> None:
        with self._lock:
            self._values[values] = self._values.get(values, 0.0) + 1

    def lines(self) -> list[str]:
        out = [f"# HELP {self.name} {HELP[self.name]}", f"# TYPE {self.name} counter"]
        with self._lock:
            values = sorted(self._values.items())
        for key, value in values:
            labels = _labels(list(zip(self.labels, key, strict=True)))
            out.append(f"{self.name}_total{labels} {_number(value)}")
        return out


class RasaMetrics:
    def __init__(self) -> None:
        self.turn_seconds = Histogram(RASA_TURN_SECONDS, TURN_BUCKETS)
        self.nlu_confidence = Histogram(NLU_CONFIDENCE, CONFIDENCE_BUCKETS, label="intent")
        self.errors = Counter(ERRORS, ["process", "kind"])

    def observe_intent(self, parse_data: Any) -> None:
        intent = parse_data.get("intent") if isinstance(parse_data, dict) else None
        if not isinstance(intent, dict):
            return
        name = intent.get("name")
        confidence = intent.get("confidence")
        if not isinstance(confidence, (int, float)):
            return
        label = name if isinstance(name, str) and len(name) <= MAX_INTENT_CHARS else "other"
        self.nlu_confidence.observe(float(confidence), label)

    def exposition(self) -> bytes:
        lines = [
            *self.turn_seconds.lines(),
            *self.nlu_confidence.lines(),
            *self.errors.lines(),
        ]
        return ("\n".join(lines) + "\n").encode()


@functools.cache
def rasa_metrics() -> RasaMetrics:
    return RasaMetrics()


class ErrorCounter(logging.Handler):
    """Counts Rasa's records at ERROR or above, by logger."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        rasa_metrics().errors.inc(PROCESS, record.name)


def observe_parse(
    parse_message: Callable[..., Awaitable[dict[str, Any]]],
) -> Callable[..., Awaitable[dict[str, Any]]]:
    """``parse_message`` that also records the intent's confidence."""

    @functools.wraps(parse_message)
    async def observed(*args: Any, **kwargs: Any) -> dict[str, Any]:
        parse_data = await parse_message(*args, **kwargs)
        rasa_metrics().observe_intent(parse_data)
        return parse_data

    observed.__scamreport_observed__ = True  # type: ignore[attr-defined]
    return observed


def install() -> None:
    """Observes NLU parses and counts errors (in the Rasa process, before Rasa starts)."""
    from rasa.core.processor import MessageProcessor

    rasa_metrics()  # made now, before any thread could make a second one and lose its counts
    if not getattr(MessageProcessor.parse_message, "__scamreport_observed__", False):
        MessageProcessor.parse_message = observe_parse(MessageProcessor.parse_message)  # type: ignore[method-assign]
    # On these loggers rather than the root, whose handlers Rasa's logging set-up replaces.
    for name in COUNTED_LOGGERS:
        counted = logging.getLogger(name)
        if not any(isinstance(handler, ErrorCounter) for handler in counted.handlers):
            counted.addHandler(ErrorCounter())
