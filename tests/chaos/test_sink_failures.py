"""The sink's --failure-rate: the share of failures asked for, of both kinds, repeatably."""

from __future__ import annotations

from collections import Counter

import pytest

from agency_sink.faults import (
    ANSWERED,
    FAILED_AFTER_STORING,
    FAILED_BEFORE_STORING,
    FailureDice,
)


def test_thirty_percent_fail_half_before_and_half_after_storing() -> None:
    dice = FailureDice(0.3, seed=7)
    rolls = Counter(dice.roll() for _ in range(10_000))
    assert 2_800 < rolls[FAILED_BEFORE_STORING] + rolls[FAILED_AFTER_STORING] < 3_200
    assert 1_350 < rolls[FAILED_BEFORE_STORING] < 1_650
    assert 1_350 < rolls[FAILED_AFTER_STORING] < 1_650
    assert dice.outcomes == rolls


def test_the_same_seed_fails_the_same_requests() -> None:
    first, second = FailureDice(0.3, seed=1), FailureDice(0.3, seed=1)
    assert [first.roll() for _ in range(200)] == [second.roll() for _ in range(200)]


def test_a_zero_rate_never_fails_and_a_bad_rate_is_refused() -> None:
    dice = FailureDice(0.0, seed=3)
    assert {dice.roll() for _ in range(500)} == {ANSWERED}
    with pytest.raises(ValueError, match="between 0 and 1"):
        FailureDice(1.5)
