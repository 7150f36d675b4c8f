"""The stored transcript holds each message once, however often the bot had to send it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker

from actions.indicators import build_indicators
from actions.submission import build_transcript
from scamreport.channel import FULL_TEXT_KEY, MAX_NLU_CHARS, UPDATE_ID_KEY
from tests.actions.conftest import user_event

MakeTracker = Callable[..., Tracker]


def sent(text: str, update_id: int | None = None) -> dict[str, Any]:
    event = user_event(text, "inform")
    if update_id is not None:
        event["metadata"] = {"relay_id": f"r{update_id}-{text}", UPDATE_ID_KEY: update_id}
    return event


def asked(text: str, response: str = "utter_ask_something") -> dict[str, Any]:
    return {
        "event": "bot",
        "timestamp": 1_700_000_000.0,
        "text": text,
        "metadata": {"utter_action": response},
    }


def lines(tracker: Tracker) -> list[tuple[str, str]]:
    return [(m.sender, m.text) for m in build_transcript(tracker)]


def test_resends_after_the_action_server_died_appear_once(make_tracker: MakeTracker) -> None:
    # Rasa kept each resend as a new turn; an error reply even came between two of them.
    events = [
        asked("What did you order?"),
        sent("20 boxes of masks", 41),
        sent("20 boxes of masks", 41),
        asked("Sorry, something went wrong."),
        sent("20 boxes of masks", 41),
        asked("How much did you pay?"),
    ]
    tracker = make_tracker("RM 400", events=events)
    assert lines(tracker) == [
        ("bot", "What did you order?"),
        ("user", "20 boxes of masks"),
        ("bot", "Sorry, something went wrong."),
        ("bot", "How much did you pay?"),
        ("user", "RM 400"),
    ]


def test_the_same_words_twice_with_no_answer_between_appear_once(
    make_tracker: MakeTracker,
) -> None:
    # Sent again by hand (a new update), or by a bot that did not mark its resends.
    events = [asked("Which country?"), sent("Malaysia", 7), sent("Malaysia", 8), sent("Malaysia")]
    tracker = make_tracker("skip", events=[*events, asked("What was the shop called?")])
    assert lines(tracker)[:3] == [
        ("bot", "Which country?"),
        ("user", "Malaysia"),
        ("bot", "What was the shop called?"),
    ]


def test_an_answer_typed_again_after_a_failure_notice_appears_once(
    make_tracker: MakeTracker,
) -> None:
    # The action server was down: Rasa fell back to "didn't understand", the reporter retyped.
    sorry = asked("Sorry, I didn't understand that.", "utter_default")
    events = [asked("What happened?"), sent("a fake shop", 3), sorry, sent("a fake shop", 4)]
    tracker = make_tracker("MaskKing", events=[*events, asked("What was the shop called?")])
    said = [text for sender, text in lines(tracker) if sender == "user"]
    assert said == ["a fake shop", "MaskKing"]


def test_the_same_answer_to_two_questions_stays_twice(make_tracker: MakeTracker) -> None:
    events = [
        asked("Did you lose money?"),
        sent("yes", 1),
        asked("Was it by bank transfer?"),
        sent("yes", 2),
        asked("May I send this to the police?"),
    ]
    tracker = make_tracker("yes", events=events)
    said = [text for sender, text in lines(tracker) if sender == "user"]
    assert said == ["yes", "yes", "yes"]


def test_a_long_message_is_kept_whole_with_what_stands_at_its_end(
    make_tracker: MakeTracker,
) -> None:
    # A pasted sextortion e-mail longer than what NLU reads ended with the wallet to pay: the
    # transcript, and so the report's indicators, held only its first 2,000 characters.
    wallet = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
    email = "I recorded you through your webcam. " * 80 + f"Send $1500 in bitcoin to {wallet}"
    pasted = sent(email[:MAX_NLU_CHARS])
    pasted["metadata"] = {FULL_TEXT_KEY: email}
    tracker = make_tracker("yes", events=[asked("What happened?"), pasted])
    assert ("user", email) in lines(tracker)
    indicators = build_indicators([m.text for m in build_transcript(tracker)], "SG")
    assert ("crypto_wallet", wallet) in [(i.kind, i.value) for i in indicators]
