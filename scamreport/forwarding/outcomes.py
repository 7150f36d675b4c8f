"""What became of one claimed delivery, and what its send showed of the receiver."""

from __future__ import annotations

from enum import Enum


class DeliveryOutcome(str, Enum):
    """The result the worker records for a claim; the value is what its log lines and the
    ``outcome`` label of scamreport.metrics.DELIVERIES say."""

    DELIVERED = "delivered"
    # Failed this time; tried again later (exponential backoff with full jitter).
    RETRY = "retry"
    # Attempts used up, the bytes refused, or not to be sent at all (no consent, report gone).
    DEAD = "dead"
    # The agency's endpoint is not configured (yet): checked again later, no attempt used.
    UNCONFIGURED = "unconfigured"
    # Given back untried (the worker is stopping, or the agency's circuit opened).
    RELEASED = "released"
    # Not written: the lease ran out and another worker took the row over.
    LOST = "lost"

    def __str__(self) -> str:
        # As Python 3.11's StrEnum: "%s" and f-strings give the value.
        return self.value


class ReceiverSignal(Enum):
    """What a send showed of the receiver, for its circuit (scamreport/forwarding/circuit.py)."""

    # Delivered, or refused the bytes themselves: the receiver is up.
    ANSWERED = "answered"
    # Unreachable, timed out, or a 5xx: counts against the receiver.
    FAILED = "failed"
