"""Money lost apart from money demanded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scamreport.extraction.payments import money_mentions, says_not_paid, sounds_demanded


def values(amounts: list) -> list[Decimal]:  # type: ignore[type-arg]
    return [amount.value for amount in amounts]


@pytest.mark.parametrize(
    ("text", "lost", "demanded"),
    [
        ("unless i pay 15000 pesos by tonight", [], [Decimal(15000)]),
        ("i paid 300 sgd and they asked for 500 sgd more", [Decimal(300)], [Decimal(500)]),
        ("not paid yet, they want 2000 usd", [], [Decimal(2000)]),
        ("i lost 5000 sgd to a fake shop", [Decimal(5000)], []),
        ("they took S$3,000 from my account", [Decimal(3000)], []),
        ("i have to pay a fee of 500 usd to get the prize", [], [Decimal(500)]),
    ],
)
def test_amounts_are_lost_or_demanded_by_the_words_before_them(
    text: str, lost: list[Decimal], demanded: list[Decimal]
) -> None:
    mentions = money_mentions(text, "SG")
    assert (values(mentions.lost), values(mentions.demanded)) == (lost, demanded)


def test_short_answers_about_money_demanded() -> None:
    assert sounds_demanded("he wants 15000")
    assert sounds_demanded("no but they want 2000")
    assert not sounds_demanded("i paid 2000")
    assert says_not_paid("not paid yet") and says_not_paid("i didnt pay anything")
    assert not says_not_paid("i paid them")
