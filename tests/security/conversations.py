"""Talking to the secure stack as a reporter on Telegram (through the stand-in and the bot)."""

from __future__ import annotations

import itertools

from bot import texts as bot_texts
from telegram_standin.driver import ChatUser, Driver, SentMessage
from tests.bot.conftest import agree
from tests.bot.telegram_chat import Answer, Press, TelegramChat
from tests.bot.telegram_chat import texts as joined
from tests.e2e.conversation import REFERENCE

_user_ids = itertools.count(8_800_001)

# How a reporter of a fake police call answers whatever the interview asks.
POLICE_ANSWERS: dict[str, Answer] = {
    "country": "Singapore",
    "scam_type": Press("Someone pretended to be police or an official"),
    "claimed_agency": "he said he was from the Singapore Police Force",
    "claimed_identity": "Inspector Lim",
    "contact_channel": Press("Phone call"),
    "scammer_contact": "+65 8123 4567",
    "more_contacts": "no",  # asked only after a contact the story gave
    "demand": "move my savings to a safe account",
    "money_lost": Press("No"),
    "amount_lost": "S$500",
    "payment_method": "bank transfer",
    "payee_account": "skip",
    "incident_date": "yesterday",
    "story": "that is all",
    "consent_forward": "yes, send it",
    "contact_permission": Press("Yes, here in this chat"),
}


def reporter(driver: Driver, name: str = "Siew Lan") -> tuple[ChatUser, TelegramChat]:
    """A new Telegram user who has agreed to the privacy notice."""
    user = driver.user(next(_user_ids), first_name=name)
    agree(user)
    return user, TelegramChat(user, timeout=180)


def file_report(chat: TelegramChat, replies: list[SentMessage]) -> str:
    """Answers the interview and submits; returns the reference number."""
    replies, _ = chat.answer_questions(replies, POLICE_ANSWERS)
    summary = [m for m in replies if "Here is your report" in m.body]
    assert summary, chat.transcript()[-5000:]
    submitted = chat.press(summary[-1], "Yes, submit it")
    match = REFERENCE.search(joined(submitted))
    assert match, chat.transcript()[-5000:]
    return match.group(0)


def long_story(characters: int) -> str:
    """A reporter's account of a fake police call, ``characters`` long, words only."""
    sentence = (
        "The man on the phone said he was a police inspector and that my bank account was "
        "used for money laundering, so I had to move my savings to a safe account and tell "
        "nobody about the investigation. "
    )
    opening = (
        "A man phoned me saying he was a police officer and my bank account was used for crimes. "
    )
    text = opening + sentence * (characters // len(sentence) + 1)
    return text[:characters]


def told_message_was_long(replies: list[SentMessage]) -> bool:
    return any(m.body == bot_texts.get("message_long", "en") for m in replies)


def say_long(chat: TelegramChat, text: str, notice: str) -> list[SentMessage]:
    """Types a long message: the bot's ``notice`` comes at once, the assistant's answer after."""
    replies = chat.say(text)
    assert any(m.body == notice for m in replies), chat.transcript()[:3000]
    while all(m.body == notice for m in replies):
        more = chat.user.replies(timeout=chat.timeout, quiet=1.0)
        assert more, "the assistant did not answer"
        replies += more
    chat.log.append(("[the answer, later]", [m.body for m in replies]))
    return replies
