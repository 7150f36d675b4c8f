"""The answer to "How did you pay?" takes the payment_method entity Rasa extracted, mapped onto
scamreport.taxonomy.PAYMENT_METHODS; without one, or with entities that disagree, the words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import read_answer
from actions.forms import ValidateFakeAuthorityForm

MakeTracker = Callable[..., Tracker]


def test_the_entity_decides_where_the_words_would_misread() -> None:
    # "wallet" reads as crypto; the NLU's synonym says Touch 'n Go eWallet.
    text = "touch n go ewallet"
    assert read_answer("payment_method", text).value == "crypto"
    entities = {"payment_method": ["Touch 'n Go eWallet"]}
    assert read_answer("payment_method", text, entities=entities).value == "instant_payment"


def test_an_unchanged_entity_value_is_read_like_words() -> None:
    answer = read_answer("payment_method", "pakai tunai", entities={"payment_method": ["tunai"]})
    assert answer.value == "cash"


def test_without_a_usable_entity_the_words_decide() -> None:
    def method(text: str, entities: dict[str, list[str]]) -> object:
        return read_answer("payment_method", text, entities=entities).value

    assert method("银行转账", {}) == "bank_transfer"
    assert method("paynow", {"country": ["Singapore"]}) == "instant_payment"
    disagreeing = {"payment_method": ["PayNow", "bank transfer"]}
    assert method("PayNow not bank transfer", disagreeing) == "instant_payment"
    assert method("via my friend", {"payment_method": ["my friend"]}) == "via my friend"


def test_the_payee_in_the_same_answer_is_kept() -> None:
    answer = read_answer(
        "payment_method",
        "cash app to +65 8123 4567",
        country="SG",
        entities={"payment_method": ["Cash App"]},
    )
    assert answer.value == "instant_payment"
    assert answer.also == {"payee_account": "+6581234567"}


async def test_the_form_reads_the_entity_of_the_answer(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    text = "Cash App"
    entity = {"entity": "payment_method", "value": "Cash App", "start": 0, "end": 8}
    tracker = make_tracker(
        text,
        "inform",
        {"requested_slot": "payment_method", "country": "US", "money_lost": True},
        entities=[entity],
        active_loop="fake_authority_form",
    )
    tracker.slots["payment_method"] = text
    tracker.events.append({"event": "slot", "name": "payment_method", "value": text})
    events = await ValidateFakeAuthorityForm().run(CollectingDispatcher(), tracker, domain)
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["payment_method"] == "instant_payment"
