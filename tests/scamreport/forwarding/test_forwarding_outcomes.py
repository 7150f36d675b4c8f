"""The worker's outcomes keep the words its logs and its metrics' ``outcome`` label use."""

from __future__ import annotations

from scamreport.forwarding.outcomes import DeliveryOutcome


def test_outcomes_read_as_their_words() -> None:
    assert [outcome.value for outcome in DeliveryOutcome] == [
        "delivered",
        "retry",
        "dead",
        "unconfigured",
        "released",
        "lost",
    ]
    # Log lines format them with %s.
    assert str(DeliveryOutcome.RETRY) == f"{DeliveryOutcome.RETRY}" == "retry"
    assert DeliveryOutcome("dead") is DeliveryOutcome.DEAD
