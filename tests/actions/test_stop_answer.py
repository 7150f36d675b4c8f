"""The typed answer to "Do you want to stop this report?" (the NLU hears most as "cancel")."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.interview import ActionAskCancel
from actions.stop_answer import read_stop_answer
from tests.actions.test_interview import MakeTracker, responses


@pytest.mark.parametrize(
    "text",
    ["no, continue", "tak, teruskan", "tidak, teruskan", "不，继续", "继续吧", "no", "tak", "x",
     "不是", "jangan batal", "不要取消", "no don't stop", "nope keep going", "sambung"],
)  # fmt: skip
def test_going_on(text: str) -> None:
    assert read_stop_answer(text) == "go_on"


@pytest.mark.parametrize(
    "text",
    ["yes", "ya", "是", "ok", "stop", "batalkan", "hentikan", "算了", "不要了", "tak nak",
     "tak nak teruskan", "don't continue", "I don't want to continue", "不想继续了"],
)  # fmt: skip
def test_stopping(text: str) -> None:
    assert read_stop_answer(text) == "stop"


@pytest.mark.parametrize("text", ["awal bulan 9", "hmm", "the police called again", "不"])
def test_saying_neither(text: str) -> None:
    # the action keeps the report then, as for a "no"
    assert read_stop_answer(text) is None


ASKED = [
    {"event": "action", "name": "action_ask_cancel"},
    {"event": "bot", "text": "Do you want to stop this report?"},
    {"event": "action", "name": "action_listen"},
]
PAUSED = {"interview": "money_mule", "resume_at": "general_form"}


@pytest.mark.parametrize("text", ["tak, teruskan", "no, continue", "awal bulan 9"])
async def test_an_answer_heard_as_cancel_again_goes_on_with_the_report(
    make_tracker: MakeTracker, domain: dict[str, Any], text: str
) -> None:
    # It asked for ever before: a Malay student typed "tak, teruskan" 33 times.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, "cancel", PAUSED, events=ASKED)
    events = await ActionAskCancel().run(dispatcher, tracker, domain)
    assert events == [FollowupAction("general_form")]
    assert responses(dispatcher) == ["utter_resumed"]


async def test_a_clear_yes_heard_as_cancel_stops(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ya, batalkan", "cancel", PAUSED, events=ASKED)
    events = await ActionAskCancel().run(dispatcher, tracker, domain)
    assert events == [FollowupAction("action_cancel_report")]
    assert responses(dispatcher) == []
