"""Payment methods: read from the words, and from the ``payment_method`` entity Rasa extracted."""

from __future__ import annotations

import re

import pytest
import yaml

from scamreport.extraction.payment_methods import (
    ENTITY_PAYMENT_METHODS,
    PAYMENT_METHOD_PATTERNS,
    payment_method_in,
    payment_method_of_entities,
    payment_method_of_entity,
    transfer_named_in,
)
from scamreport.settings import PROJECT_ROOT
from scamreport.taxonomy import PAYMENT_METHODS


def test_every_code_is_one_of_the_payment_methods() -> None:
    assert {code for code, _ in PAYMENT_METHOD_PATTERNS} == set(PAYMENT_METHODS)
    assert set(ENTITY_PAYMENT_METHODS.values()) <= set(PAYMENT_METHODS)
    assert all(name == name.lower() for name in ENTITY_PAYMENT_METHODS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bank transfer", "bank_transfer"),
        ("google play cards", "gift_cards"),
        ("paynow", "instant_payment"),
        ("银行转账", "bank_transfer"),
        ("tunai", "cash"),
        ("比特币", "crypto"),
        ("he was nice to me", None),
    ],
)
def test_the_words_name_a_method(text: str, expected: str | None) -> None:
    assert payment_method_in(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Rasa's synonyms (data/synonyms.yml) name them; the patterns would misread some.
        ("Touch 'n Go eWallet", "instant_payment"),
        ("Cash App", "instant_payment"),
        ("iTunes cards", "gift_cards"),
        ("USDT", "crypto"),
        ("debit card", "card"),
        ("Western Union", "money_transfer_service"),
        ("PayPal", "paypal"),
        # Values no synonym changed are read like words.
        ("pindahan bank", "bank_transfer"),
        ("现金", "cash"),
        ("UPI", "instant_payment"),
        ("something", None),
    ],
)
def test_an_entity_value_names_a_method(value: str, expected: str | None) -> None:
    assert payment_method_of_entity(value) == expected


def test_entities_count_only_when_they_agree() -> None:
    assert payment_method_of_entities([]) is None
    assert payment_method_of_entities(["PayNow", "paynow"]) == "instant_payment"
    assert payment_method_of_entities(["PayNow", "bank transfer"]) is None
    assert payment_method_of_entities(["nothing known", "bitcoin"]) == "crypto"


def _extracted_payment_methods() -> set[str]:
    """Every value the NLU data tags as payment_method, as Rasa's EntitySynonymMapper hands it
    to the actions (data/synonyms.yml, compared lower-cased)."""
    synonyms: dict[str, str] = {}
    document = yaml.safe_load((PROJECT_ROOT / "data" / "synonyms.yml").read_text("utf-8"))
    for item in document["nlu"]:
        if "synonym" in item:
            name = str(item["synonym"])
            for example in str(item["examples"]).splitlines():
                synonyms[example.strip().removeprefix("- ").lower()] = name
            synonyms[name.lower()] = name
    values: set[str] = set()
    for path in (PROJECT_ROOT / "data").rglob("*.yml"):
        for tagged in re.findall(r"\[([^\]]+)\]\(payment_method\)", path.read_text("utf-8")):
            values.add(synonyms.get(tagged.lower(), tagged))
    return values


def test_every_value_the_nlu_is_trained_to_extract_names_a_method() -> None:
    values = _extracted_payment_methods()
    assert len(values) > 30
    assert sorted(v for v in values if payment_method_of_entity(v) is None) == []


@pytest.mark.parametrize(
    ("text", "method", "expected"),
    [
        ("要先paynow，我转了六百四十新币给他，他说会transfer票到我的app", "bank_transfer",
         "instant_payment"),
        ("transfer guna DuitNow", "bank_transfer", "instant_payment"),
        ("I transferred 500 to his DBS account", "bank_transfer", "bank_transfer"),
        ("paid by card, then a paynow request came", "card", "card"),
    ],
)  # fmt: skip
def test_a_transfer_the_story_names_as_an_instant_payment_is_one(
    text: str, method: str, expected: str
) -> None:
    assert transfer_named_in(text, method) == expected
