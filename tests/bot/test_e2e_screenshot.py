"""Issue 15's "done when": a screenshot of a smishing message, sent on Telegram during the
interview, yields its link and phone number in the stored report, marked as read in a
screenshot, and the reporter saw them in the summary before submitting.

Every process is real (the stand-in, `python -m bot`, Rasa, the action server, Tesseract).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pytest
from sqlalchemy.orm import Session, sessionmaker

from scamreport.cli.stack import Stack
from scamreport.storage.repository import get_report_by_reference
from telegram_standin.driver import Driver
from tests.bot.conftest import agree
from tests.bot.telegram_chat import Answer, Press, TelegramChat
from tests.bot.telegram_chat import texts as joined
from tests.e2e.conversation import REFERENCE
from tests.screenshots import SMISHING, sms_screenshot

# Its own scammer number: the stack's database is shared with test_e2e_telegram.py, whose
# /check test counts the reports that name +65 8123 4567.
SMISHING_HERE = SMISHING.replace("+65 8123 4567", "+65 8765 4321")

pytestmark = pytest.mark.e2e


class Answers(Mapping[str, Answer]):
    """The reporter's answers; any question not foreseen here is skipped (the interview may
    grow questions without this test knowing)."""

    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers = answers

    def __getitem__(self, slot: str) -> Answer:
        return self.answers.get(slot, "skip")

    def __contains__(self, slot: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self.answers)

    def __len__(self) -> int:
        return len(self.answers)


ANSWERS = Answers(
    {
        "country": "Singapore",
        # Neither the number nor the link is typed: only the screenshot holds them.
        "scammer_contact": "skip",
        "more_contacts": "no",  # asked only after a contact the story gave
        "link": "skip",
        "entered_details": "my name and address",
        "money_lost": Press("No"),
        "amount_lost": "nothing",
        "incident_date": "yesterday",
        "story": "I got the SMS in the screenshot about a parcel and almost paid.",
        "consent_forward": "yes, send it",
        "contact_permission": Press("Yes, here in this chat"),
    }
)


def test_a_smishing_screenshot_yields_its_link_and_phone_in_the_report(
    stack_driver: Driver, telegram_stack: Stack, stack_db: sessionmaker[Session]
) -> None:
    user = stack_driver.user(6_150_001, first_name="Wei", username="wei_screenshot")
    chat = TelegramChat(user)
    agree(user)
    replies = chat.say("I got an SMS saying my parcel is held and I must pay a fee on a link")
    user.send_photo(sms_screenshot(SMISHING_HERE, fmt="JPEG"))
    saved = joined(user.replies(timeout=60))
    assert "Saved your photo" in saved and "I can read text in it" in saved, chat.transcript()
    replies, _ = chat.answer_questions(replies, ANSWERS)
    summary = [m for m in replies if "Here is your report" in m.body]
    assert summary, chat.transcript()
    shown = summary[-1].body
    assert "https://sg-post-redelivery.com/pay (from your screenshot)" in shown, shown
    assert "+6587654321 (from your screenshot)" in shown, shown
    submitted = chat.press(summary[-1], "Yes, submit it")
    match = REFERENCE.search(joined(submitted))
    assert match, chat.transcript()
    with stack_db() as session:
        report = get_report_by_reference(session, reference=match.group(0))
        assert report is not None
        sources = {(i.kind, i.value): i.source for i in report.indicators}
        [photo] = report.evidence
        assert photo.ocr_text is not None and "sg-post-redelivery.com" in photo.ocr_text
    assert sources[("url", "https://sg-post-redelivery.com/pay")] == "screenshot"
    assert sources[("phone", "+6587654321")] == "screenshot"


def test_the_reporter_removes_a_number_read_in_the_screenshot(
    stack_driver: Driver, telegram_stack: Stack, stack_db: sessionmaker[Session]
) -> None:
    user = stack_driver.user(6_150_002, first_name="Lina", username="lina_screenshot")
    chat = TelegramChat(user)
    agree(user)
    replies = chat.say("I got an SMS saying my parcel is held and I must pay a fee on a link")
    # The top line of the picture holds the phone's own contact name: not the scammer's.
    user.send_photo(sms_screenshot(SMISHING_HERE, fmt="JPEG"))
    user.replies(timeout=60)
    replies, _ = chat.answer_questions(replies, ANSWERS)
    summary = [m for m in replies if "Here is your report" in m.body][-1]
    assert "+6580001234 (from your screenshot)" in summary.body, chat.transcript()
    asked = chat.press(summary, "Something is wrong")
    assert "What should I change?" in joined(asked), chat.transcript()
    again = chat.say("please remove +65 8000 1234, that number is not the scammer's")
    assert "left out of the report" in joined(again), chat.transcript()
    summary = [m for m in again if "Here is your report" in m.body][-1]
    # The confirmation of the change comes in the same message, before the summary.
    report_text = summary.body[summary.body.index("Here is your report") :]
    assert "+6580001234" not in report_text, chat.transcript()
    assert "+6587654321 (from your screenshot)" in report_text, chat.transcript()
    match = REFERENCE.search(joined(chat.press(summary, "Yes, submit it")))
    assert match, chat.transcript()
    with stack_db() as session:
        report = get_report_by_reference(session, reference=match.group(0))
        assert report is not None
        values = {(i.kind, i.value): i.source for i in report.indicators}
    assert values[("phone", "+6587654321")] == "screenshot"
    assert ("phone", "+6580001234") not in values
