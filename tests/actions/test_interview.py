"""The actions that start, steer and stop the interview."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import SKIPPED
from actions.interview import (
    ActionAnswerOrInterject,
    ActionApplyCorrection,
    ActionAskCancel,
    ActionCancelReport,
    ActionResumeReport,
    ActionSkipQuestion,
    ActionStartReport,
    ActionUnclearMessage,
    ActionUrgentTriage,
)

MakeTracker = Callable[..., Tracker]


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("response") for m in dispatcher.messages]


async def test_long_opening_story_is_not_asked_again(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    story = (
        "I live in Singapore. Yesterday a man called me from +65 8123 4567 saying he was "
        "Inspector Tan from the Singapore Police Force. He said I must move my savings to a "
        "safe account. I transferred S$12,000 by bank transfer and he told me not to tell my family."
    )
    dispatcher = CollectingDispatcher()
    events = await ActionStartReport().run(
        dispatcher, make_tracker(story, "report_fake_authority"), domain
    )
    slots = slots_from(events)
    assert slots["interview"] == "fake_authority"
    assert slots["scam_type"] == "fake_authority"
    assert slots["country"] == "SG"
    assert slots["scammer_contact"] == "+6581234567"
    assert slots["claimed_agency"] == "Singapore Police Force"
    assert slots["amount_lost"] == "12000 SGD" and slots["money_lost"] is True
    assert slots["payment_method"] == "bank_transfer"
    assert "safe account" in slots["demand"] and "secret" in slots["demand"]
    assert slots["contact_channel"] == "phone_call"
    assert slots["story"].startswith("I live in Singapore")
    assert "utter_noted_from_story" in responses(dispatcher)
    assert "utter_urgent_stop" not in responses(dispatcher)


def slots_from(events: list[Any]) -> dict[str, Any]:
    return {
        e["name"]: e["value"] for e in events if isinstance(e, dict) and e.get("event") == "slot"
    }


async def test_happening_now_gets_stop_advice_and_emergency_number_first(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionStartReport().run(
        dispatcher,
        make_tracker(
            "the police officer is still on the phone with me and wants me to transfer money",
            "urgent",
            {"country": "SG"},
        ),
        domain,
    )
    assert responses(dispatcher)[:2] == ["utter_urgent_stop", "utter_urgent_call_emergency"]
    assert dispatcher.messages[1]["emergency_number"] == "999"
    assert slots_from(events)["urgent"] is True
    assert slots_from(events)["interview"] == "fake_authority"


async def test_triage_without_a_country_gives_the_common_numbers(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionUrgentTriage().run(
        dispatcher, make_tracker("a courier is coming now", "urgent"), domain
    )
    assert responses(dispatcher) == ["utter_urgent_stop", "utter_urgent_call_emergency_unknown"]
    assert "112" in dispatcher.messages[1]["emergency_number"]


async def test_not_yet_heard_as_urgent_answers_the_amount(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    # At the bank, asked how much was lost: "not yet, I'm still queuing" (heard as urgent).
    slots = {"interview": "fake_authority", "country": "SG", "requested_slot": "amount_lost"}
    events = await ActionUrgentTriage().run(
        CollectingDispatcher(), make_tracker("还没有 我还在排队", "urgent", slots), domain
    )
    assert slots_from(events)["money_lost"] is False
    assert slots_from(events)["amount_lost"] == SKIPPED


async def test_an_answer_heard_as_urgent_without_conviction_is_an_answer(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    # "no, he holds the card and the login" was heard as urgent at 0.38: stop-now advice in
    # the middle of a money mule's calm report
    slots = {"interview": "general", "country": "MY", "requested_slot": "incident_date"}
    tracker = make_tracker("awal bulan 9, kad dgn login semua dia pegang", "urgent", slots)
    tracker.latest_message["intent"]["confidence"] = 0.38
    dispatcher = CollectingDispatcher()
    events = await ActionUrgentTriage().run(dispatcher, tracker, domain)
    assert "utter_urgent_stop" not in responses(dispatcher)
    assert slots_from(events)["incident_date"] and "urgent" not in slots_from(events)
    # sure, or with words of now, it is urgent
    tracker = make_tracker("awal bulan 9, dia tengah call sy sekarang", "urgent", slots)
    tracker.latest_message["intent"]["confidence"] = 0.38
    dispatcher = CollectingDispatcher()
    await ActionUrgentTriage().run(dispatcher, tracker, domain)
    assert "utter_urgent_stop" in responses(dispatcher)


async def test_the_link_asked_for_heard_as_urgent_is_an_answer(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    # a daughter answering "what link did they send?" was told to stop and hang up at once
    slots = {"interview": "general", "country": "SG", "requested_slot": "link"}
    said = "他们有发一个link叫她填地址 ninja-express-sg.com/track"
    tracker = make_tracker(said, "urgent", slots)
    tracker.latest_message["intent"]["confidence"] = 0.72
    dispatcher = CollectingDispatcher()
    events = await ActionUrgentTriage().run(dispatcher, tracker, domain)
    assert "utter_urgent_stop" not in responses(dispatcher)
    assert slots_from(events)["link"] == "https://ninja-express-sg.com/track"
    # the link with words of now is still urgent
    tracker = make_tracker(f"{said}，她现在在银行要付钱", "urgent", slots)
    tracker.latest_message["intent"]["confidence"] = 0.72
    dispatcher = CollectingDispatcher()
    await ActionUrgentTriage().run(dispatcher, tracker, domain)
    assert "utter_urgent_stop" in responses(dispatcher)


async def test_a_question_never_answered_under_urgency_is_left_after_three_tries(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    slots: dict[str, Any] = {
        "interview": "fake_authority",
        "country": "SG",
        "requested_slot": "incident_date",
    }
    said = "he is still talking to me on whatsapp"
    for failures in (1, 2):
        events = await ActionUrgentTriage().run(
            CollectingDispatcher(), make_tracker(said, "urgent", slots), domain
        )
        assert slots_from(events)["failed_attempts"] == failures
        slots["failed_attempts"] = failures
    dispatcher = CollectingDispatcher()
    events = await ActionUrgentTriage().run(dispatcher, make_tracker(said, "urgent", slots), domain)
    assert slots_from(events)["incident_date"] == SKIPPED
    assert "utter_skipped" in responses(dispatcher)
    # a required question is asked again: the country decides who gets the report
    slots = {"interview": "fake_authority", "requested_slot": "country", "failed_attempts": 2}
    events = await ActionUrgentTriage().run(
        CollectingDispatcher(), make_tracker(said, "urgent", slots), domain
    )
    assert "country" not in slots_from(events)


async def test_vague_start_asks_which_kind(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    events = await ActionStartReport().run(
        CollectingDispatcher(), make_tracker("i want to report a scam", "report_scam"), domain
    )
    assert slots_from(events)["interview"] == "unknown"


async def test_optional_question_skipped_required_one_not(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSkipQuestion().run(
        dispatcher, make_tracker("skip", "skip", {"requested_slot": "claimed_identity"}), domain
    )
    assert SlotSet("claimed_identity", SKIPPED) in events
    dispatcher = CollectingDispatcher()
    events = await ActionSkipQuestion().run(
        dispatcher, make_tracker("skip", "skip", {"requested_slot": "country"}), domain
    )
    assert events == [] and responses(dispatcher) == ["utter_skip_not_allowed"]


async def test_explanation_follows_the_current_question(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerOrInterject().run(
        dispatcher, make_tracker("what?", "explain", {"requested_slot": "demand"}), domain
    )
    assert responses(dispatcher) == ["utter_explain_demand"]
    assert events == []


async def test_an_agency_named_as_the_answer_is_an_answer_not_a_question_to_the_bot(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    for text, intent in (("Metropolitan Police", "bot_challenge"), ("interpol", "explain")):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(text, intent, {"requested_slot": "claimed_agency", "country": "GB"})
        events = await ActionAnswerOrInterject().run(dispatcher, tracker, domain)
        assert "utter_iamabot" not in responses(dispatcher)
        assert slots_from(events)["claimed_agency"], text


async def test_a_real_question_to_the_bot_is_answered(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "are you the police?", "bot_challenge", {"requested_slot": "claimed_agency"}
    )
    events = await ActionAnswerOrInterject().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_iamabot"] and events == []


async def test_cancel_mid_report_asks_first_and_carry_on_resumes_the_form(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "cancel",
        "cancel",
        {"interview": "fake_authority", "requested_slot": "demand"},
        active_loop="fake_authority_form",
    )
    events = await ActionAskCancel().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_ask_cancel"]
    assert SlotSet("resume_at", "fake_authority_form") in events
    assert ActiveLoop(None) in events
    dispatcher = CollectingDispatcher()
    resumed = await ActionResumeReport().run(
        dispatcher,
        make_tracker(
            "/resume_report",
            "resume_report",
            {"interview": "fake_authority", "resume_at": "fake_authority_form"},
        ),
        domain,
    )
    assert resumed == [] and responses(dispatcher) == ["utter_resumed"]


async def test_cancel_with_nothing_in_progress_says_so(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAskCancel().run(dispatcher, make_tracker("cancel", "cancel"), domain)
    assert events == [ActiveLoop(None), SlotSet("resume_at", "nothing")]
    assert responses(dispatcher) == ["utter_nothing_to_cancel"]


async def test_sextortion_of_a_minor_gets_sextortion_advice_and_a_child_helpline_first(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    text = (
        "someone recorded our video call and says he will send it to all my friends unless i "
        "pay 15000 pesos by tonight. im 17 and scared"
    )
    dispatcher = CollectingDispatcher()
    events = await ActionStartReport().run(
        dispatcher, make_tracker(text, "report_scam", {"country": "PH"}), domain
    )
    said = responses(dispatcher)
    assert said[:3] == [
        "utter_child_helpline",
        "utter_urgent_sextortion",
        "utter_urgent_call_emergency",
    ]
    assert dispatcher.messages[0]["child_helpline"] == "163"
    slots = slots_from(events)
    assert slots["minor"] is True and slots["urgent"] is True
    assert slots.get("money_lost") is not True and "amount_lost" not in slots


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("someone recorded our video call and is blackmailing me, wants 500 dollars", "SG"),
        ("tolong, ada org rakam vc sy dan minta rm500", "MY"),
        ("dia rakam video call kami, dia ugut nak sebar kat family sy", "MY"),
        ("有人录了我的视频通话，威胁我要钱", "SG"),
    ],
)
async def test_a_standing_sextortion_threat_gets_the_sextortion_advice_first(
    make_tracker: MakeTracker, domain: dict[str, Any], text: str, country: str
) -> None:
    # A student still being threatened after a recorded video call got questions first and
    # the "do not pay, keep everything" advice only later, or never.
    dispatcher = CollectingDispatcher()
    events = await ActionStartReport().run(
        dispatcher, make_tracker(text, "report_scam", {"country": country}), domain
    )
    assert responses(dispatcher)[:2] == ["utter_urgent_sextortion", "utter_urgent_call_emergency"]
    assert slots_from(events)["urgent"] is True


async def test_a_fake_officer_on_a_video_call_is_no_sextortion(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionStartReport().run(
        dispatcher,
        make_tracker(
            "polis buat video call pakai uniform, kata sy akan ditangkap kalau tak bayar",
            "report_scam",
            {"country": "MY"},
        ),
        domain,
    )
    assert "utter_urgent_sextortion" not in responses(dispatcher)


async def test_despair_gets_a_crisis_line_before_anything_else(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionStartReport().run(
        dispatcher,
        make_tracker(
            "i lost all my savings to them and i want to die", "report_scam", {"country": "SG"}
        ),
        domain,
    )
    assert responses(dispatcher)[0] == "utter_crisis_line"
    assert dispatcher.messages[0]["crisis_line"] == "1767"
    assert slots_from(events)["self_harm"] is True


async def test_a_courier_coming_is_urgent_in_any_answer(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    from actions.forms import ValidateFakeAuthorityForm

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "they said a courier who will come to my flat to collect the cash",
        "inform",
        {
            "interview": "fake_authority",
            "requested_slot": "demand",
            "country": "SG",
            "demand": "they said a courier who will come to my flat to collect the cash",
        },
        active_loop="fake_authority_form",
    )
    events = await ValidateFakeAuthorityForm().run(dispatcher, tracker, domain)
    assert responses(dispatcher)[:2] == ["utter_urgent_stop", "utter_urgent_call_emergency"]
    assert SlotSet("urgent", True) in events


async def test_correction_changes_the_amount_not_the_old_value(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "no, it was 300 not 3000",
        "correct",
        {
            "interview": "fake_authority",
            "country": "SG",
            "amount_lost": "3000 SGD",
            "requested_slot": "incident_date",
        },
    )
    events = await ActionApplyCorrection().run(dispatcher, tracker, domain)
    assert slots_from(events)["amount_lost"] == "300 SGD"
    assert responses(dispatcher) == ["utter_corrected"]


async def test_correction_of_the_country(make_tracker: MakeTracker, domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "actually i'm in malaysia, not indonesia",
        "correct",
        {"interview": "fake_shop", "country": "ID", "requested_slot": "shop_name"},
    )
    events = await ActionApplyCorrection().run(CollectingDispatcher(), tracker, domain)
    assert slots_from(events)["country"] == "MY"


async def test_unclear_correction_is_taken_as_the_answer(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    tracker = make_tracker(
        "no, it was a whatsapp video call",
        "correct",
        {"interview": "fake_authority", "country": "SG", "requested_slot": "contact_channel"},
    )
    events = await ActionApplyCorrection().run(CollectingDispatcher(), tracker, domain)
    assert slots_from(events)["contact_channel"] == "video_call"


@pytest.mark.parametrize(
    ("text", "requested", "expected"),
    [
        # what they demand, heard as a correction: the demand, the amount lost unchanged
        ("再给一千五新币", "demand", "再给一千五新币"),
        # an age answers "under 18?" and corrects no amount
        ("不是，我19岁", "minor", False),
        ("tak, sy 34 tahun", "minor", False),
        # the number or account asked for: its last four digits are no amount
        ("paynow号码是 9027 6615，名字显示 TAN W** M**", "payee_account", "+6590276615"),
        ("nombor yg call 8296 5566, ngaku nama Encik Faizal", "scammer_contact", "+6582965566"),
        # a bank account number: its last digits are no amount, "orang" is no phone call
        (
            "Bank Islam 1201 2020 1234 56, nama orang lain",
            "payee_account",
            "Bank Islam 1201 2020 1234 56, nama orang lain",
        ),
    ],
)
async def test_an_answer_the_nlu_took_for_a_correction_answers_the_question(
    make_tracker: MakeTracker, domain: dict[str, Any], text: str, requested: str, expected: Any
) -> None:
    dispatcher = CollectingDispatcher()
    slots = {
        "interview": "general",
        "country": "SG",
        "amount_lost": "300 SGD",
        "requested_slot": requested,
    }
    tracker = make_tracker(text, "correct", slots)
    events = await ActionApplyCorrection().run(dispatcher, tracker, domain)
    assert slots_from(events)[requested] == expected
    assert "amount_lost" not in slots_from(events) and responses(dispatcher) == []


async def test_an_amount_said_while_another_question_is_asked_still_corrects_it(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    slots = {
        "interview": "general",
        "country": "SG",
        "amount_lost": "300 SGD",
        "requested_slot": "payment_method",
    }
    tracker = make_tracker("the amount was 5000", "correct", slots)
    events = await ActionApplyCorrection().run(CollectingDispatcher(), tracker, domain)
    assert slots_from(events)["amount_lost"] == "5000 SGD"
    assert "payment_method" not in slots_from(events)


async def test_cancel_clears_the_report_but_keeps_the_country(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "cancel", "cancel", {"interview": "fake_shop", "country": "SG", "shop_name": "X"}
    )
    events = await ActionCancelReport().run(dispatcher, tracker, domain)
    cleared = slots_from(events)
    assert cleared == {"interview": None, "shop_name": None}
    assert responses(dispatcher) == ["utter_cancelled"]


async def test_a_country_read_as_cancel_is_taken_as_the_answer(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "France",
        "cancel",
        {"interview": "general", "requested_slot": "country"},
        active_loop="general_form",
    )
    events = await ActionAskCancel().run(dispatcher, tracker, domain)
    assert SlotSet("country", "FR") in events
    assert FollowupAction("general_form") in events
    assert "utter_ask_cancel" not in responses(dispatcher)


async def test_i_told_you_already_takes_the_opening_story(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "i told you already",
        "explain",
        {"requested_slot": "story", "opening_story": "they took 500 from my account"},
    )
    events = await ActionAnswerOrInterject().run(dispatcher, tracker, domain)
    assert SlotSet("story", "they took 500 from my account") in events


async def test_a_story_the_nlu_is_unsure_of_starts_the_report(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    # Seen in the persona suite: this opening was answered "Sorry, I didn't understand that".
    story = (
        "my dad got an sms that his bank kyc will expire and to update on a link, he gave the "
        "otp and 49000 rupees got debited"
    )
    dispatcher = CollectingDispatcher()
    events = await ActionUnclearMessage().run(
        dispatcher, make_tracker(story, "nlu_fallback"), domain
    )
    slots = slots_from(events)
    assert slots["interview"] == "general" and slots["scam_type"] == "phishing"
    assert FollowupAction("general_form") in events
    assert "utter_default" not in responses(dispatcher)


@pytest.mark.parametrize("text", ["asdfgh", "hmm ok what"])
async def test_an_unclear_short_message_is_asked_again(
    make_tracker: MakeTracker, domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionUnclearMessage().run(
        dispatcher, make_tracker(text, "nlu_fallback"), domain
    )
    assert events == [] and responses(dispatcher) == ["utter_default"]


async def test_an_unclear_message_during_a_report_does_not_start_another(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    story = "they called again today and said they will send someone to my house tomorrow"
    dispatcher = CollectingDispatcher()
    events = await ActionUnclearMessage().run(
        dispatcher, make_tracker(story, "nlu_fallback", {"interview": "general"}), domain
    )
    assert events == [] and responses(dispatcher) == ["utter_default"]


@pytest.mark.parametrize(
    ("slot", "said", "expected"),
    [
        ("payment_method", "PayNow, tak ingat", {"payment_method": "instant_payment"}),
        ("payment_method", "银行转账，不清楚，我妈不记得了", {"payment_method": "bank_transfer"}),
        (
            "payment_method",
            "bank transfer i think, dont remember which bank",
            {"payment_method": "bank_transfer"},
        ),  # fmt: skip
        ("incident_date", "not sure, last week maybe", {}),
        (
            "scammer_contact",
            "idk, it was +65 8123 4567 i think",
            {"scammer_contact": "+6581234567"},
        ),
    ],
)
async def test_a_skip_keeps_what_the_message_still_answers(
    make_tracker: MakeTracker,
    domain: dict[str, Any],
    slot: str,
    said: str,
    expected: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSkipQuestion().run(
        dispatcher, make_tracker(said, "skip", {"requested_slot": slot, "country": "SG"}), domain
    )
    slots = slots_from(events)
    assert slots[slot] not in (None, SKIPPED), events
    for name, value in expected.items():
        assert slots[name] == value
    assert "utter_skipped" not in responses(dispatcher)


async def test_a_skip_with_nothing_recognisable_still_skips(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    for slot, said in (("payment_method", "tak ingat"), ("claimed_identity", "no idea who")):
        dispatcher = CollectingDispatcher()
        events = await ActionSkipQuestion().run(
            dispatcher, make_tracker(said, "skip", {"requested_slot": slot}), domain
        )
        assert SlotSet(slot, SKIPPED) in events and responses(dispatcher) == ["utter_skipped"]
