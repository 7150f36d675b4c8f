"""Conversations through the stand-in, the real bot Application and a fake Rasa."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import texts
from bot.rendering import TYPING_DELAY_SECONDS, utf16_length
from scamreport.storage.models import PendingMessage, Reporter
from telegram_standin.driver import ChatUser, Driver, StandinError
from tests.bot.conftest import TOKEN, BotRunner, agree, wait_until
from tests.bot.fake_rasa import FakeRasa, long_text


def pending_rows(db: sessionmaker[Session]) -> list[PendingMessage]:
    with db() as session:
        return list(session.scalars(select(PendingMessage)))


def test_start_shows_notice_and_consent_then_greets(
    alex: ChatUser, fake_rasa: FakeRasa, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    alex.send_text("/start")
    shown = alex.wait_for("Do you agree")
    assert "Welcome" in shown[0].body and "/delete" in shown[-1].body
    alex.press(shown[-1], "I agree")
    alex.wait_for("what happened")
    pseudonym = bot.services.pseudonym(alex.id)
    assert fake_rasa.texts_from(pseudonym) == ["/greet"]
    assert len(pseudonym) == 64 and str(alex.id) not in pseudonym
    # The consent keyboard went away and its callback was answered.
    assert alex.message(shown[-1].message_id).reply_markup is None
    assert all(a["answered"] for a in alex.driver.callback_answers().values())
    with db() as session:
        reporter = session.scalars(select(Reporter)).one()
        assert (reporter.pseudonym, reporter.telegram_user_id, reporter.telegram_username) == (
            pseudonym,
            alex.id,
            "alex_t",
        )


def test_i_agree_typed_instead_of_pressed_is_the_consent(
    alex: ChatUser, fake_rasa: FakeRasa, bot: BotRunner
) -> None:
    # Seen in the chaos suite: the button pressed while PostgreSQL was down got "something went
    # wrong", and "✅ I agree" typed afterwards went to Rasa as a story ("didn't understand").
    alex.send_text("/start")
    alex.wait_for("Do you agree")
    alex.send_text("✅ I agree")
    alex.wait_for("what happened")
    assert fake_rasa.texts_from(bot.services.pseudonym(alex.id)) == ["/greet"]


def test_declining_consent_stores_nothing_and_relays_nothing(
    alex: ChatUser, fake_rasa: FakeRasa, db: sessionmaker[Session]
) -> None:
    alex.send_text("/start")
    alex.press(alex.wait_for("Do you agree")[-1], "Not now")
    assert "nothing about you has been stored" in alex.wait_for("stored")[-1].body
    alex.send_text("a man called me")
    assert texts.get("needs_consent", "en") in alex.replies()[-1].body
    assert fake_rasa.received == []
    with db() as session:
        assert session.scalars(select(Reporter)).all() == []


def test_commands_are_registered_with_telegram(alex: ChatUser, driver: Driver) -> None:
    commands = driver.commands()["default/"]
    assert [c["command"] for c in commands] == [
        "start",
        "report",
        "status",
        "check",
        "cancel",
        "mydata",
        "delete",
        "language",
        "help",
    ]


def test_typed_text_never_reaches_rasa_as_an_intent(
    alex: ChatUser, fake_rasa: FakeRasa, bot: BotRunner
) -> None:
    agree(alex)
    alex.send_text('/inform{"amount_lost": "5 USD"}')
    alex.replies()
    alex.send_text("//affirm")
    alex.replies()
    sent = fake_rasa.texts_from(bot.services.pseudonym(alex.id))
    assert sent[1:] == ['inform{"amount_lost": "5 USD"}', "affirm"]


def test_buttons_become_an_inline_keyboard_answered_and_removed_after_a_choice(
    alex: ChatUser, fake_rasa: FakeRasa, bot: BotRunner, driver: Driver
) -> None:
    agree(alex)
    alex.send_text("/report")
    question = alex.wait_for("Which of these")[-1]
    assert [title for title, _ in question.buttons] == [
        "Someone pretended to be police or an official",
        "Something else",
    ]
    # The payload never travels in the callback data, only the offer and the position.
    assert all(
        not data.startswith("/") and len(data.encode()) <= 64 for _, data in question.buttons
    )
    query_id = alex.press(question, "Someone pretended")
    got = alex.wait_for("Which country")
    assert any(m.body == "✔ Someone pretended to be police or an official" for m in got)
    assert fake_rasa.texts_from(bot.services.pseudonym(alex.id))[-1] == "/report_fake_authority"
    assert driver.callback_answers()[query_id]["answered"]
    assert alex.message(question.message_id).reply_markup is None
    with pytest.raises(StandinError):
        alex.press(question, "Something else")


def test_a_button_from_a_forgotten_offer_is_refused(
    alex: ChatUser, fake_rasa: FakeRasa, bot: BotRunner, driver: Driver
) -> None:
    agree(alex)
    alex.send_text("/report")
    question = alex.wait_for("Which of these")[-1]
    bot.services.states.clear()  # as after a restart of the bot
    query_id = alex.press(question, "Something else")
    wait_until(lambda: driver.callback_answers()[query_id]["answered"])
    assert driver.callback_answers()[query_id]["answer"]["text"] == texts.get(
        "button_expired", "en"
    )
    wait_until(lambda: alex.message(question.message_id).reply_markup is None)
    assert "/report_other_scam" not in fake_rasa.texts_from(bot.services.pseudonym(alex.id))


def test_a_long_reply_arrives_whole_in_order_as_plain_text(alex: ChatUser) -> None:
    agree(alex)
    alex.send_text("long please")
    got = alex.replies()
    assert len(got) > 1
    assert all(utf16_length(m.body) <= 4096 for m in got)
    assert " ".join(m.body for m in got).split() == long_text().split()
    assert all(m.parse_mode is None for m in got)


def test_text_that_looks_like_markup_is_shown_as_it_is(alex: ChatUser) -> None:
    agree(alex)
    quoted = "<b>free</b> *money* _now_ [click](hxxp://scam.example) & 1.5 < 2"
    alex.send_text(quoted)
    reply = alex.replies()[-1]
    assert reply.body == f"You said: {quoted}"
    assert reply.parse_mode is None
    assert (reply.link_preview_options or {}).get("is_disabled") is True


def test_typing_is_shown_while_the_assistant_works(alex: ChatUser, fake_rasa: FakeRasa) -> None:
    agree(alex)
    fake_rasa.delay = TYPING_DELAY_SECONDS + 0.5
    alex.send_text("hello")
    alex.replies()
    assert "typing" in alex.chat_actions()


def test_a_quick_answer_comes_without_typing(alex: ChatUser, fake_rasa: FakeRasa) -> None:
    # "typing…" before every answer cost a Bot API call per turn (issue 13).
    agree(alex)
    fake_rasa.delay = 0.0
    alex.send_text("hello")
    assert alex.replies()
    assert "typing" not in alex.chat_actions()


def test_images_are_sent_as_photos(alex: ChatUser) -> None:
    agree(alex)
    alex.send_text("image please")
    got = alex.replies()
    assert got[0].method == "sendPhoto" and got[0].photo == "https://example.org/advice.png"
    assert got[1].body == "Here is a picture."


def test_consecutive_replies_come_as_one_message_with_the_buttons_under_it(
    alex: ChatUser, fake_rasa: FakeRasa, bot: BotRunner, driver: Driver
) -> None:
    # One Bot API request for the turn instead of three (Telegram's 30 a second, issue 13).
    agree(alex)
    sent_before = len(driver.calls("sendMessage"))
    alex.send_text("my story")
    got = alex.replies()
    assert len(got) == 1 and len(driver.calls("sendMessage")) == sent_before + 1
    assert got[0].body == (
        "Please stop: don't send them any more money.\n\nI'm sorry this happened.\n\n"
        "How did they contact you?"
    )
    assert [title for title, _ in got[0].buttons] == ["Phone call", "SMS"]
    alex.press(got[0], "SMS")
    assert alex.replies()[-1].body == "You said: sms"
    assert fake_rasa.texts_from(bot.services.pseudonym(alex.id))[-1] == "sms"


def test_a_shared_contact_of_the_sender_is_stored_and_relayed(
    alex: ChatUser, fake_rasa: FakeRasa, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    agree(alex)
    alex.send_text("phone please")
    asked = alex.replies()[-1]
    assert asked.reply_keyboard == [
        {"text": texts.get("share_phone_button", "en"), "request_contact": True}
    ]
    alex.share_contact("6581234567")
    got = alex.replies()
    assert got[0].removes_keyboard and "+6581234567" in got[0].body
    assert fake_rasa.texts_from(bot.services.pseudonym(alex.id))[-1] == "+6581234567"
    with db() as session:
        assert session.scalars(select(Reporter)).one().contact_phone == "+6581234567"


def test_someone_elses_contact_is_not_taken_as_verified(
    alex: ChatUser, fake_rasa: FakeRasa, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    agree(alex)
    alex.share_contact("+447700900123", own=False, first_name="Scammer")
    assert alex.replies()[-1].body == texts.get("contact_not_own", "en")
    assert "+447700900123" not in fake_rasa.texts_from(bot.services.pseudonym(alex.id))
    with db() as session:
        assert session.scalars(select(Reporter)).one().contact_phone is None


def test_rasa_down_keeps_the_message_and_replays_it_when_rasa_is_back(
    alex: ChatUser, fake_rasa: FakeRasa, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    agree(alex)
    fake_rasa.stop()
    alex.send_text("they took 500 dollars")
    assert alex.replies()[-1].body == texts.get("unavailable", "en")
    alex.send_text("and my card")
    assert alex.replies()[-1].body == texts.get("still_unavailable", "en")
    assert [row.payload["message"] for row in pending_rows(db)] == [
        "they took 500 dollars",
        "and my card",
    ]
    fake_rasa.start()
    got = alex.wait_for("You said: and my card")
    bodies = [m.body for m in got]
    assert bodies.index(texts.get("resumed", "en")) < bodies.index(
        "You said: they took 500 dollars"
    )
    assert fake_rasa.texts_from(bot.services.pseudonym(alex.id))[1:] == [
        "they took 500 dollars",
        "and my card",
    ]
    assert pending_rows(db) == []


def test_a_kept_message_goes_before_the_next_one(
    make_bot: Callable[..., BotRunner], driver: Driver, fake_rasa: FakeRasa
) -> None:
    # A 500 leaves it uncertain whether Rasa has the message: it waits 2 x 1 s before resending.
    bot = make_bot(rasa_timeout=1.0)
    driver.wait_bot_ready()
    alex = driver.user(5_550_004)
    db = bot.services.sessions
    agree(alex)
    fake_rasa.status = 500
    alex.send_text("first")
    assert alex.replies()[-1].body == texts.get("unavailable", "en")
    fake_rasa.status = 200
    alex.send_text("second")
    alex.wait_for("You said: second")
    pseudonym = bot.services.pseudonym(alex.id)
    assert fake_rasa.texts_from(pseudonym)[-2:] == ["first", "second"]
    # Rasa recorded nothing while answering 500, so the retry did not count twice.
    processed = [e["text"] for e in fake_rasa.events[pseudonym] if e["event"] == "user"]
    assert processed == ["/greet", "first", "second"]
    assert pending_rows(db) == []


def test_a_message_rasa_took_without_answering_is_sent_again(
    alex: ChatUser, fake_rasa: FakeRasa, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    agree(alex)
    normal = fake_rasa.script
    fake_rasa.script = lambda sender, message: []  # the action server is down
    alex.send_text("my answer")
    assert alex.replies()[-1].body == texts.get("unavailable", "en")
    [kept] = pending_rows(db)
    assert kept.payload["state"] == "swallowed"
    fake_rasa.script = normal
    alex.wait_for("You said: my answer")
    pseudonym = bot.services.pseudonym(alex.id)
    answered = [e for e in fake_rasa.events[pseudonym] if e["event"] == "bot"]
    assert answered[-1]["text"] == "You said: my answer"
    assert pending_rows(db) == []


def test_a_message_rasa_never_answers_is_given_up_with_a_request_to_resend(
    alex: ChatUser,
    fake_rasa: FakeRasa,
    bot: BotRunner,
    db: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    agree(alex)
    monkeypatch.setattr("bot.relay.SWALLOWED_GIVE_UP_SECONDS", 1.0)
    fake_rasa.script = lambda sender, message: []
    alex.send_text("cursed message")
    assert alex.replies()[-1].body == texts.get("unavailable", "en")
    resend = alex.wait_for("Please try again in a minute by sending this again")[-1]
    assert resend.body.endswith("cursed message")
    assert pending_rows(db) == []


def test_a_message_rasa_answered_after_a_timeout_is_not_sent_twice(
    make_bot: Callable[..., BotRunner], driver: Driver, fake_rasa: FakeRasa
) -> None:
    bot = make_bot(rasa_timeout=0.5)
    alex = driver.user(5_550_002)
    driver.wait_bot_ready()
    agree(alex)
    # Rasa answers after the bot stopped waiting (0.5 s) but before the bot may resend (1 s).
    fake_rasa.delay = 0.8
    alex.send_text("slow one")
    alex.wait_for("You said: slow one", timeout=20)
    fake_rasa.delay = 0.0
    time.sleep(1.5)
    assert fake_rasa.texts_from(bot.services.pseudonym(alex.id)).count("slow one") == 1


def test_the_rate_limit_slows_a_flood_of_messages(
    make_bot: Callable[..., BotRunner], driver: Driver, fake_rasa: FakeRasa
) -> None:
    bot = make_bot(rate_burst=3, rate_per_minute=6)
    driver.wait_bot_ready()
    mallory = driver.user(5_550_003)
    for n in range(6):
        mallory.send_text(f"spam {n}")
    got = mallory.replies(quiet=1.5)
    notices = [m for m in got if m.body.startswith("You're sending messages faster")]
    assert len(notices) == 1
    assert len(fake_rasa.texts_from(bot.services.pseudonym(mallory.id))) == 3


def test_flood_control_answers_are_honoured(alex: ChatUser, driver: Driver) -> None:
    agree(alex)
    driver.flood("sendMessage", times=1, retry_after=1)
    alex.send_text("hello again")
    alex.wait_for("You said: hello again")
    calls = [c for c in driver.calls("sendMessage")]
    refused = [c for c in calls if c.get("error_code") == 429]
    assert len(refused) == 1
    later = [c for c in calls if c["ok"] and c["time"] > refused[0]["time"]]
    assert later and later[0]["time"] - refused[0]["time"] >= 1.0


def test_unsupported_messages_get_a_clear_answer(alex: ChatUser) -> None:
    agree(alex)
    alex.send_voice(b"OggS" + b"\0" * 100)
    assert alex.replies()[-1].body == texts.get("unsupported_message", "en")


def test_an_error_is_logged_with_context_and_the_user_gets_an_apology(
    alex: ChatUser,
    bot: BotRunner,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    agree(alex)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database fell over")

    monkeypatch.setattr("bot.handlers.commands.stored_about_reporter", broken)
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        alex.send_text("/mydata")
        assert alex.replies()[-1].body == texts.get("something_went_wrong", "en")
    record = next(r for r in caplog.records if r.name == "bot.errors")
    message = record.getMessage()
    assert "(message) from reporter " + bot.services.pseudonym(alex.id)[:8] in message
    assert str(alex.id) not in message and TOKEN not in caplog.text
    assert record.exc_info is not None and "database fell over" in str(record.exc_info[1])
