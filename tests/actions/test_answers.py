"""Reading answers to each interview question."""

from __future__ import annotations

from datetime import date

import pytest

from actions.answers import SKIPPED, read_answer

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("slot", "text", "intent", "expected"),
    [
        ("country", "Singapore", "inform", "SG"),
        ("country", "i live in malaysia", "inform", "MY"),
        ("country", "uk", "inform", "GB"),
        ("amount_lost", "S$1,200", "inform", "1200 SGD"),
        ("amount_lost", "about 2000 dollars", "inform", "2000 SGD"),
        ("amount_lost", "5k usd", "inform", "5000 USD"),
        ("amount_lost", "2 payments, 1500 and 800", "inform", "2300 SGD"),
        ("amount_lost", "三次，一共八千左右", "inform", "8000 SGD"),
        ("incident_date", "yesterday", "inform", "2026-11-24"),
        ("incident_date", "12/03/2020", "inform", "2020-03-12"),
        ("money_lost", "yes", "affirm", True),
        ("money_lost", "no", "deny", False),
        ("money_lost", "I lost S$300", "inform", True),
        ("contact_channel", "a video call on whatsapp", "inform", "video_call"),
        ("contact_channel", "on skype, on video the whole time", "inform", "video_call"),
        ("contact_channel", "they phoned me", "inform", "phone_call"),
        ("payment_method", "bank transfer", "inform", "bank_transfer"),
        ("payment_method", "google play cards", "inform", "gift_cards"),
        ("payment_method", "paynow", "inform", "instant_payment"),
        ("item_received", "nothing arrived", "inform", "nothing"),
        ("item_received", "fake or wrong items arrived", "inform", "fake_or_wrong"),
        ("consent_forward", "yes, send it to my national agency", "affirm", "national"),
        ("consent_forward", "yes, also share it abroad", "affirm", "national_and_abroad"),
        ("consent_forward", "no, do not send it", "deny", "none"),
        ("contact_permission", "yes, contact me in this chat", "affirm", "telegram"),
        ("contact_permission", "yes, by phone", "affirm", "phone"),
        ("contact_permission", "no contact please", "deny", "none"),
        ("contact_phone", "+65 8123 4567", "inform", "+6581234567"),
        ("scammer_contact", "they called from +65 8123 4567", "inform", "+6581234567"),
        (
            "shop_link",
            "hxxps://maskking-my[.]shop/order",
            "inform",
            "https://maskking-my.shop/order",
        ),
        ("scam_type", "phishing", "inform", "phishing"),
        ("claimed_identity", SKIPPED, "skip", SKIPPED),
    ],
)
def test_answers_are_read_and_normalised(
    slot: str, text: str, intent: str, expected: object
) -> None:
    answer = read_answer(slot, text, intent=intent, country="SG", today=TODAY)
    assert answer.ok, answer.response
    assert answer.value == expected


@pytest.mark.parametrize(
    ("slot", "text", "response"),
    [
        ("country", "Atlantis", "utter_invalid_country"),
        ("amount_lost", "a lot of it", "utter_invalid_amount_lost"),
        ("amount_lost", "quite expensive", "utter_invalid_amount_lost"),
        ("incident_date", "no idea when", "utter_invalid_incident_date"),
        ("incident_date", "25/12/2030", "utter_future_incident_date"),
        ("money_lost", "hmm", "utter_invalid_yes_no"),
        ("contact_phone", "call me maybe", "utter_invalid_phone"),
        ("demand", "x" * 5000, "utter_invalid_text"),
    ],
)
def test_bad_answers_are_asked_again_kindly(slot: str, text: str, response: str) -> None:
    answer = read_answer(slot, text, intent="inform", country="SG", today=TODAY)
    assert not answer.ok
    assert answer.response == response


def test_required_questions_cannot_be_skipped() -> None:
    assert not read_answer("country", SKIPPED).ok


def test_an_amount_also_answers_money_lost() -> None:
    assert read_answer("amount_lost", "RM 300", country="MY").also == {"money_lost": True}


def test_not_knowing_whether_money_was_lost_skips_the_money_questions() -> None:
    from actions.answers import SKIPPED, read_answer

    for text in ("idk", "not sure yet", "i dont know"):
        assert read_answer("money_lost", text).value == SKIPPED, text
    assert read_answer("money_lost", "he wants 15000").value is False


def test_dates_are_read_with_their_precision() -> None:
    from datetime import date

    from actions.answers import read_answer

    today = date(2026, 11, 18)
    assert read_answer("incident_date", "last week", today=today).value == "2026-W46"
    assert read_answer("incident_date", "june", today=today).value == "2026-06"
    assert read_answer("incident_date", "between june and august", today=today).value == (
        "2026-06/2026-08"
    )
    assert read_answer("incident_date", "next friday", today=today).response == (
        "utter_future_incident_date"
    )


@pytest.mark.parametrize("stored", ["2026-10", "2026-W46", "2026-06/2026-08", "2026-11-17"])
def test_a_date_the_story_gave_reads_as_itself(stored: str) -> None:
    # Seen with "上个月" in a Chinese opening story: the slot's value "2026-10", validated
    # again, got "Sorry, I can't see a date in 2026-10".
    assert read_answer("incident_date", stored, today=date(2026, 11, 18)).value == stored
