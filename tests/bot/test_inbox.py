"""The inbox: an update the bot had in hand when it was killed is answered after the restart,
once; nothing secret is stored in it; /delete erases it. Real Application, stand-in, fake Rasa."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from telegram import Update

from bot import texts
from bot.app import bot_id_of
from bot.inbox import masked_update
from scamreport.channel import UPDATE_ID_KEY
from scamreport.storage.inbox import record_update
from scamreport.storage.models import InboxUpdate
from telegram_standin.driver import ChatUser, Driver
from tests.bot.conftest import BotRunner, agree, wait_until
from tests.bot.fake_rasa import FakeRasa

MakeBot = Callable[..., BotRunner]


def kill(runner: BotRunner) -> None:
    """Stops the bot as SIGKILL would: no handler finishes, nothing more is confirmed or marked."""

    async def nothing() -> None:
        return None

    runner._stop = nothing  # type: ignore[method-assign]
    runner.stop()


def rows(db: sessionmaker[Session]) -> list[InboxUpdate]:
    with db() as session:
        return list(session.scalars(select(InboxUpdate).order_by(InboxUpdate.id)))


def unhandled(db: sessionmaker[Session]) -> list[InboxUpdate]:
    return [row for row in rows(db) if row.handled_at is None]


def text_update(update_id: int, user: ChatUser, text: str) -> dict[str, Any]:
    """An update as Telegram sends it for a text message."""
    person = {"id": user.id, "is_bot": False, "first_name": "Alex", "username": "alex_t"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user.id, "type": "private", "first_name": "Alex"},
            "from": person,
            "text": text,
        },
    }


def test_a_message_in_hand_when_the_bot_is_killed_is_answered_once_after_the_restart(
    make_bot: MakeBot, driver: Driver, fake_rasa: FakeRasa
) -> None:
    first = make_bot()
    driver.wait_bot_ready()
    alex = driver.user(5_550_001, first_name="Alex", username="alex_t")
    agree(alex)
    pseudonym = first.services.pseudonym(alex.id)
    typing_before = alex.chat_actions().count("typing")
    fake_rasa.delay = 2.0  # Rasa is working on it when the bot dies
    alex.send_text("a man called me")
    wait_until(lambda: alex.chat_actions().count("typing") > typing_before)
    # Stored before Telegram was told it arrived, and not handled.
    assert any(
        "a man called me" in json.dumps(r.payload) for r in unhandled(first.services.sessions)
    )
    kill(first)
    wait_until(lambda: "a man called me" in fake_rasa.texts_from(pseudonym), timeout=5)
    fake_rasa.delay = 0.0

    second = make_bot()
    shown = alex.wait_for("You said: a man called me")
    # Rasa had it: its answer is shown, the message is not sent to Rasa again.
    assert fake_rasa.texts_from(pseudonym).count("a man called me") == 1
    wait_until(lambda: unhandled(second.services.sessions) == [])
    assert all(row.payload is None for row in rows(second.services.sessions))
    assert [m.body for m in shown].count("You said: a man called me") == 1
    assert alex.replies(timeout=1.5) == []


def test_a_button_pressed_before_the_bot_was_killed_gets_rasas_answer_once(
    make_bot: MakeBot, driver: Driver, fake_rasa: FakeRasa
) -> None:
    first = make_bot()
    driver.wait_bot_ready()
    alex = driver.user(5_550_003, first_name="Alex", username="alex_t")
    agree(alex)
    pseudonym = first.services.pseudonym(alex.id)
    alex.send_text("/report")
    offer = alex.wait_for("Which of these")[-1]
    typing_before = alex.chat_actions().count("typing")
    fake_rasa.delay = 2.0
    alex.press(offer, "Something else")
    wait_until(lambda: alex.chat_actions().count("typing") > typing_before)
    kill(first)
    wait_until(lambda: "/report_other_scam" in fake_rasa.texts_from(pseudonym), timeout=5)
    fake_rasa.delay = 0.0

    second = make_bot()
    # The offer died with the first bot, the press was answered already: Rasa's answer is
    # shown, not "no longer available", and the payload is not sent again.
    alex.wait_for("You said: /report_other_scam")
    wait_until(lambda: unhandled(second.services.sessions) == [])
    assert alex.replies(timeout=1.5) == []
    assert texts.get("button_expired", "en") not in [m.body for m in alex.seen]
    assert fake_rasa.texts_from(pseudonym).count("/report_other_scam") == 1


def test_updates_a_killed_bot_never_handled_are_answered_in_order_and_only_once(
    make_bot: MakeBot, driver: Driver, fake_rasa: FakeRasa
) -> None:
    first = make_bot()
    driver.wait_bot_ready()
    alex = driver.user(5_550_002, first_name="Alex", username="alex_t")
    agree(alex)
    pseudonym = first.services.pseudonym(alex.id)
    kill(first)
    # What a bot killed right after storing two updates leaves behind (Telegram has
    # forgotten them: the next getUpdates confirmed them).
    sent = ["it was a fake shop", "they took 400 ringgit"]
    with first.services.sessions() as session:
        for number, text in enumerate(sent, start=900_001):
            record_update(
                session,
                bot_id=bot_id_of(first.services.config.token),
                update_id=number,
                pseudonym=pseudonym,
                payload=text_update(number, alex, text),
            )
        session.commit()

    second = make_bot()
    alex.wait_for(f"You said: {sent[1]}")
    said = [m.body for m in alex.seen if m.body.startswith("You said")]
    assert said == [f"You said: {text}" for text in sent]
    assert fake_rasa.texts_from(pseudonym)[-2:] == sent
    received = [(m, meta or {}) for who, m, meta in fake_rasa.received if who == pseudonym]
    assert [meta.get(UPDATE_ID_KEY) for _, meta in received[-2:]] == [900_001, 900_002]
    wait_until(lambda: unhandled(second.services.sessions) == [])

    # Restarted again, and Telegram sends one of them once more: nothing is answered twice.
    second.stop()
    third = make_bot()
    update = Update.de_json(text_update(900_002, alex, sent[1]), third.application.bot)
    assert third.application is not None
    third.call(third.application.update_queue.put(update))
    assert alex.replies(timeout=2) == []
    assert fake_rasa.texts_from(pseudonym)[-2:] == sent
    assert len(fake_rasa.texts_from(pseudonym)) == 3  # /greet and the two messages


def test_the_inbox_keeps_no_code_and_delete_erases_it(
    alex: ChatUser, bot: BotRunner, fake_rasa: FakeRasa
) -> None:
    agree(alex)
    db = bot.services.sessions
    fake_rasa.delay = 1.5  # each message waits in the inbox, unhandled, for a while
    alex.send_text("the police asked for my OTP and i gave it, it was 482913")

    def in_hand() -> list[str]:
        return [json.dumps(r.payload) for r in unhandled(db) if "OTP" in json.dumps(r.payload)]

    wait_until(lambda: len(in_hand()) == 1)
    stored = in_hand()[0]
    assert "482913" not in stored and "[REDACTED OTP]" in stored
    assert alex.wait_for(texts.get("secret_not_kept", "en"))
    alex.replies()
    fake_rasa.delay = 0.0
    wait_until(lambda: unhandled(db) == [])
    # Handled: the content is gone, the id stays (Telegram may send it again).
    assert all(row.payload is None for row in rows(db))

    alex.send_text("/delete")
    question = alex.wait_for(texts.get("delete_confirm", "en"))[-1]
    alex.press(question, texts.get("delete_yes", "en"))
    alex.wait_for("Done.")
    pseudonym = bot.services.pseudonym(alex.id)
    wait_until(lambda: [r for r in rows(db) if r.pseudonym == pseudonym] == [])


def test_a_code_sent_on_its_own_after_naming_it_is_masked_in_the_inbox() -> None:
    def message(text: str) -> dict[str, Any]:
        return {"update_id": 1, "message": {"text": text, "entities": [], "chat": {"id": 1}}}

    named, about = masked_update(message("then he asked for my atm pin too"), None)
    assert about == "pin" and named["message"]["text"] == "then he asked for my atm pin too"
    code, _ = masked_update(message("7 3 9 1"), about)
    assert code["message"]["text"] == "[REDACTED PIN]"
    # Texts quoted elsewhere in the update (a reply, a button's message) are masked too.
    quoted = {"update_id": 2, "message": {"text": "ok", "reply_to_message": {"text": "OTP 482913"}}}
    masked, _ = masked_update(quoted, None)
    assert "482913" not in json.dumps(masked)


def test_a_button_of_an_offer_a_restart_forgot_says_so_in_the_chat(
    alex: ChatUser, bot: BotRunner, fake_rasa: FakeRasa
) -> None:
    agree(alex)
    alex.send_text("/report")
    question = alex.wait_for("Which of these")[-1]
    bot.services.states.clear()  # as after a restart of the bot
    alex.press(question, "Something else")
    # Besides the toast, a message: no keyboard is left to answer with.
    assert alex.wait_for(texts.get("button_expired", "en"))[-1].body == texts.get(
        "button_expired", "en"
    )
    assert "/report_other_scam" not in fake_rasa.texts_from(bot.services.pseudonym(alex.id))


def test_a_lone_surrogate_before_a_masked_code_does_not_stop_the_inbox() -> None:
    """Found by the fuzz: the masked text's entity limit was counted with a strict UTF-16
    encoder, so a lone surrogate (which Telegram clients can send) raised inside polling and
    the bot stopped taking updates for everyone."""
    text = "he said he was from the\ud800 bank security team, gave OTP 123456"
    entities = [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "bold", "offset": 60, "length": 6},
    ]
    update = {"update_id": 3, "message": {"text": text, "entities": entities, "chat": {"id": 1}}}
    masked, _ = masked_update(update, None)
    assert "123456" not in masked["message"]["text"]
    assert masked["message"]["entities"] == entities[:1]
