"""Indicators read in screenshots: listed in the summary, stored with source "screenshot"."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.interview import ActionApplyCorrection
from actions.screenshots import removal_targets
from actions.submission import ActionShowSummary, ActionSubmitReport
from scamreport.storage.drafts import add_pending_evidence, pending_evidence_of
from scamreport.storage.records import NewEvidence, NewIndicator
from scamreport.storage.repository import get_report_by_reference
from tests.actions.conftest import user_event

MakeTracker = Callable[..., Tracker]

SLOTS = {
    "interview": "phishing",
    "scam_type": "phishing",
    "country": "SG",
    "contact_channel": "sms",
    "scammer_contact": "+6591112222",
    "money_lost": False,
    "story": "I got a text about a parcel",
    "consent_forward": "national",
    "contact_permission": "phone",
    "contact_phone": "+65 9000 0001",
}
# What Tesseract read in the reporter's screenshot (scamreport.extraction.screenshots).
OCR_TEXT = (
    "SingPost: Your parcel is held. Pay S$2.50 at\nhttps://sg-post-redelivery.com/pay\n"
    "or call 8123 4567. Questions? +65 9111 2222. Your number +65 9000 0001"
)


def summary_shown() -> dict[str, Any]:
    """The event of the summary shown now."""
    return {"event": "action", "timestamp": time.time(), "name": "action_show_summary"}


def send_screenshot(pseudonym: str, ocr_text: str | None) -> None:
    data = (ocr_text or "no text").encode()
    with services.session_factory()() as session:
        add_pending_evidence(
            session,
            pseudonym=pseudonym,
            evidence=NewEvidence(
                sha256=hashlib.sha256(data).hexdigest(),
                size_bytes=len(data),
                mime_type="image/png",
                kind="photo",
                storage_path=None,
                ocr_text=ocr_text,
            ),
        )
        session.commit()


async def test_the_summary_lists_what_the_screenshot_shows_marked_as_such(
    make_tracker: MakeTracker, domain: dict[str, Any], actions_database: str
) -> None:
    send_screenshot("pseudo-ocr", OCR_TEXT)
    send_screenshot("pseudo-ocr", None)  # a photo without text adds nothing
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("done", "inform", SLOTS, sender_id="pseudo-ocr")
    await ActionShowSummary().run(dispatcher, tracker, domain)
    summary = dispatcher.messages[0]["summary"]
    assert "• Link: https://sg-post-redelivery.com/pay (from your screenshot)" in summary
    assert "• Phone number: +6581234567 (from your screenshot)" in summary
    assert "• Amount: 2.50 SGD (from your screenshot)" in summary
    # The reporter's own number is never listed as the scammer's.
    assert "+6590000001 (from your screenshot)" not in summary


async def test_no_screenshot_no_lines(
    make_tracker: MakeTracker, domain: dict[str, Any], actions_database: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionShowSummary().run(dispatcher, make_tracker("done", "inform", SLOTS), domain)
    assert "screenshot" not in dispatcher.messages[0]["summary"]


async def test_the_stored_report_keeps_each_indicator_with_its_source(
    make_tracker: MakeTracker, domain: dict[str, Any], actions_database: str
) -> None:
    send_screenshot("pseudo-ocr-2", OCR_TEXT)
    history = [
        user_event("got a fake parcel text from +65 9111 2222", "report_phishing"),
        summary_shown(),
    ]
    tracker = make_tracker("yes", "affirm", SLOTS, events=history, sender_id="pseudo-ocr-2")
    events = await ActionSubmitReport().run(CollectingDispatcher(), tracker, domain)
    reference = next(e["value"] for e in events if e.get("name") == "reference")
    with services.session_factory()() as session:
        report = get_report_by_reference(session, reference=reference)
        assert report is not None
        sources = {(i.kind, i.value): i.source for i in report.indicators}
        [evidence] = report.evidence
        assert evidence.ocr_text == OCR_TEXT
        assert pending_evidence_of(session, pseudonym="pseudo-ocr-2") == []
    assert sources[("url", "https://sg-post-redelivery.com/pay")] == "screenshot"
    assert sources[("phone", "+6581234567")] == "screenshot"
    assert sources[("amount", "2.5 SGD")] == "screenshot"
    # Said in the conversation as well: the reporter's own words come first.
    assert sources[("phone", "+6591112222")] == "conversation"
    assert ("phone", "+6590000001") not in sources


LISTED = [
    NewIndicator(kind="url", value="https://sg-post-redelivery.com/pay", source="screenshot"),
    NewIndicator(kind="phone", value="+6581234567", source="screenshot"),
    NewIndicator(kind="phone", value="+6591112222", source="screenshot"),
    NewIndicator(kind="amount", value="2.5 SGD", source="screenshot"),
]


@pytest.mark.parametrize(
    ("text", "removed"),
    [
        ("please remove +65 8123 4567", [("phone", "+6581234567")]),
        ("the link is not theirs", [("url", "https://sg-post-redelivery.com/pay")]),
        ("take the amount out", [("amount", "2.5 SGD")]),
        ("remove everything from the screenshot", [(i.kind, i.value) for i in LISTED]),
        # Two numbers are listed: "the number" does not say which.
        ("remove the number", []),
        # An ordinary correction removes nothing.
        ("the amount was 300 not 3000", []),
        ("the link was https://sg-post-redelivery.com/pay", []),
    ],
)
def test_what_a_message_asks_to_remove(text: str, removed: list[tuple[str, str]]) -> None:
    assert [(i.kind, i.value) for i in removal_targets(text, LISTED, "SG")] == removed


async def test_the_reporter_removes_one_and_it_is_neither_listed_nor_stored(
    make_tracker: MakeTracker, domain: dict[str, Any], actions_database: str
) -> None:
    send_screenshot("pseudo-ocr-3", OCR_TEXT)
    asked = "the link in the screenshot is not from the scammer, please remove it"
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("correct", "correct", SLOTS, sender_id="pseudo-ocr-3")
    tracker.latest_message["text"] = asked
    assert await ActionApplyCorrection().run(dispatcher, tracker, domain) == []
    [said] = dispatcher.messages
    assert said["response"] == "utter_corrected"
    assert said["field"] == ("the link https://sg-post-redelivery.com/pay (from your screenshot)")
    history = [
        user_event("I got a fake parcel text", "report_phishing"),
        summary_shown(),
        {**user_event(asked, "correct"), "timestamp": time.time()},
        {"event": "action", "timestamp": time.time(), "name": "action_apply_correction"},
        # Repeating the number in the request does not make it an indicator of the conversation.
        {**user_event("also remove the S$2.50", "correct"), "timestamp": time.time()},
        {"event": "action", "timestamp": time.time(), "name": "action_apply_correction"},
    ]
    summary = CollectingDispatcher()
    tracker = make_tracker("", "correct", SLOTS, events=history, sender_id="pseudo-ocr-3")
    await ActionShowSummary().run(summary, tracker, domain)
    shown = summary.messages[0]["summary"]
    assert "sg-post-redelivery" not in shown
    assert "• Phone number: +6581234567 (from your screenshot)" in shown
    assert "2.50 SGD" not in shown
    tracker = make_tracker("yes", "affirm", SLOTS, events=history, sender_id="pseudo-ocr-3")
    events = await ActionSubmitReport().run(CollectingDispatcher(), tracker, domain)
    reference = next(e["value"] for e in events if e.get("name") == "reference")
    with services.session_factory()() as session:
        report = get_report_by_reference(session, reference=reference)
        assert report is not None
        stored = {(i.kind, i.value, i.source) for i in report.indicators}
    assert ("phone", "+6581234567", "screenshot") in stored
    assert not any(value == "https://sg-post-redelivery.com/pay" for _, value, _ in stored)
    assert not any(kind == "amount" for kind, _, _ in stored)


async def test_an_answer_during_the_interview_is_never_taken_for_a_removal(
    make_tracker: MakeTracker, domain: dict[str, Any], actions_database: str
) -> None:
    send_screenshot("pseudo-ocr-4", OCR_TEXT)
    said = "no idea, ignore the link"
    dispatcher = CollectingDispatcher()
    slots = {**SLOTS, "requested_slot": "link"}
    tracker = make_tracker(said, "inform", slots, sender_id="pseudo-ocr-4")
    await ActionApplyCorrection().run(dispatcher, tracker, domain)
    assert all("screenshot" not in str(m.get("field")) for m in dispatcher.messages)
    history = [
        user_event(said, "inform"),
        {"event": "action", "timestamp": 1_700_000_001.0, "name": "action_apply_correction"},
        {"event": "action", "timestamp": 1_700_000_002.0, "name": "action_show_summary"},
    ]
    summary = CollectingDispatcher()
    tracker = make_tracker("", "inform", SLOTS, events=history, sender_id="pseudo-ocr-4")
    await ActionShowSummary().run(summary, tracker, domain)
    assert (
        "• Link: https://sg-post-redelivery.com/pay (from your screenshot)"
        in (summary.messages[0]["summary"])
    )


async def test_a_screenshot_sent_after_the_summary_is_kept_but_adds_no_indicator(
    make_tracker: MakeTracker, domain: dict[str, Any], actions_database: str
) -> None:
    history = [user_event("I got a fake parcel text", "report_phishing"), summary_shown()]
    time.sleep(0.05)
    send_screenshot("pseudo-ocr-5", OCR_TEXT)  # the reporter never saw what it names
    tracker = make_tracker("yes", "affirm", SLOTS, events=history, sender_id="pseudo-ocr-5")
    events = await ActionSubmitReport().run(CollectingDispatcher(), tracker, domain)
    reference = next(e["value"] for e in events if e.get("name") == "reference")
    with services.session_factory()() as session:
        report = get_report_by_reference(session, reference=reference)
        assert report is not None
        assert [e.ocr_text for e in report.evidence] == [OCR_TEXT]
        assert all(i.source == "conversation" for i in report.indicators)
        assert ("url", "https://sg-post-redelivery.com/pay") not in {
            (i.kind, i.value) for i in report.indicators
        }
