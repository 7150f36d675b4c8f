"""The forwarding consent: the slot's three answers and the two report columns they set."""

from __future__ import annotations

import pytest

from scamreport.consent import ForwardConsent


@pytest.mark.parametrize(
    ("slot", "forward", "cross_border"),
    [
        ("none", False, False),
        ("national", True, False),
        ("national_and_abroad", True, True),
        # Never answered, skipped, or a value this code does not know: nothing is allowed.
        (None, False, False),
        ("skipped", False, False),
        ("yes", False, False),
    ],
)
def test_each_answer_sets_the_columns(slot: object, forward: bool, cross_border: bool) -> None:
    consent = ForwardConsent.from_slot(slot)
    assert (consent.forward, consent.cross_border) == (forward, cross_border)


def test_the_values_are_what_the_slot_holds() -> None:
    assert [c.value for c in ForwardConsent] == ["none", "national", "national_and_abroad"]
    assert str(ForwardConsent.NATIONAL) == f"{ForwardConsent.NATIONAL}" == "national"
