"""The safety and privacy promises, played through Telegram with the real bot, Rasa and actions.

Each test talks as a frightened stranger would, then looks in every place the data can live:
every table of the database, Rasa's tracker store, the evidence folder and every log, as raw
bytes on disk (so a deleted row's text left in a free page or the write-ahead log counts too).
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from bot import texts
from scamreport.cli.stack import Stack
from scamreport.interviews import all_type_questions
from scamreport.storage.repository import get_report_by_reference
from telegram_standin.driver import ChatUser, Driver, SentMessage, png_bytes
from tests.bot.conftest import agree
from tests.bot.telegram_chat import Answer, Press, ShareContact, TelegramChat
from tests.bot.telegram_chat import texts as joined
from tests.e2e.conversation import REFERENCE

pytestmark = pytest.mark.e2e

_user_ids = itertools.count(6_900_001)


def stranger(driver: Driver, name: str) -> tuple[ChatUser, TelegramChat]:
    user = driver.user(next(_user_ids), first_name=name)
    agree(user)
    return user, TelegramChat(user)


def answers(**overrides: Answer) -> dict[str, Answer]:
    """How a hurried reporter answers whatever the interview asks (short, in their words)."""
    base: dict[str, Answer] = {
        "country": "singapore",
        "scam_type": Press("Something else"),
        "scam_type_choice": Press("Something else"),
        "claimed_agency": "police",
        "claimed_identity": "skip",
        "contact_channel": Press("Phone call"),
        "scammer_contact": "idk",
        "more_contacts": "no",  # asked only after a contact the story gave
        "demand": "send money",
        "money_lost": Press("No"),
        "amount_lost": "none",
        "payment_method": "bank transfer",
        "payee_account": "skip",
        "incident_date": "yesterday",
        "shop_name": "skip",
        "shop_link": "skip",
        "items_ordered": "masks",
        "item_received": Press("Nothing arrived"),
        "story": "that is all i know",
        "consent_forward": "yes, send it",
        "contact_permission": Press("No contact please"),
    }
    # The questions of each scam type's own interview: a hurried reporter skips them.
    base.update({question: "skip" for question in all_type_questions() if question not in base})
    base.update(overrides)
    return base


def file_report(
    chat: TelegramChat, opening: str, given: Mapping[str, Answer] | None = None
) -> tuple[str, list[SentMessage]]:
    """Tells the story, answers the questions, submits; returns the reference and all replies."""
    seen = chat.say(opening)
    replies, _ = chat.answer_questions(seen, given or answers())
    summary = replies[-1]
    assert "Here is your report" in joined(replies), chat.transcript()
    submitted = chat.press(summary, "Yes, submit it")
    match = REFERENCE.search(joined(submitted))
    assert match, chat.transcript()
    return match.group(0), [*seen, *replies, *submitted]


def answer_until_asked(
    chat: TelegramChat, replies: list[SentMessage], slot: str, given: Mapping[str, Answer]
) -> None:
    """Answers the interview's questions until it asks for ``slot`` (left for the test)."""
    for _ in range(12):
        found = chat.question_in(replies)
        assert found is not None, chat.transcript()
        if found[0] == slot:
            return
        replies = chat.answer(found[1], given[found[0]])
    raise AssertionError(f"{slot} was never asked\n{chat.transcript()}")


def bytes_on_disk(root: Path) -> Iterator[tuple[Path, bytes]]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path, path.read_bytes()


def rows_of_every_table(url: str) -> Iterator[tuple[str, str]]:
    """(table, row as text) of every table of a database, including Rasa's events."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            for table in inspect(connection).get_table_names():
                for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                    yield table, " ".join(str(value) for value in row)
    finally:
        engine.dispose()


def found_anywhere(stack: Stack, needles: list[str]) -> list[str]:
    """Where any of ``needles`` is stored: database rows, the tracker store, files, logs."""
    hits: list[str] = []
    for path, data in bytes_on_disk(stack.data_dir):
        for needle in needles:
            if needle.encode() in data:
                hits.append(f"{needle!r} in {path.relative_to(stack.data_dir)}")
    assert stack.database_url is not None
    for url in (stack.database_url, stack.env["TRACKER_STORE_URL"]):
        for table, row in rows_of_every_table(url):
            hits.extend(f"{n!r} in table {table}" for n in needles if n in row)
    return hits


def test_a_one_time_code_is_never_stored_anywhere(
    stack_driver: Driver, telegram_stack: Stack, stack_db: sessionmaker[Session]
) -> None:
    user, chat = stranger(stack_driver, "Lina")
    otp, pin = "482913", "7391"
    first = chat.say(f"the fake police asked for my OTP and i gave it, it was {otp}")
    assert first[0].body == texts.get("secret_not_kept", "en"), chat.transcript()
    assert "call your bank" in first[0].body
    # The code named in one message and given in the next, as people type it.
    chat.say("then he asked for my atm pin too")
    later = chat.say(" ".join(pin))
    assert later[0].body == texts.get("secret_not_kept", "en"), chat.transcript()
    replies, _ = chat.answer_questions(later, answers())
    submitted = chat.press(replies[-1], "Yes, submit it")
    reference = REFERENCE.search(joined(submitted))
    assert reference, chat.transcript()
    with stack_db() as session:
        report = get_report_by_reference(session, reference=reference.group(0))
        assert report is not None
        assert any("[REDACTED OTP]" in m.text for m in report.transcript)
    hits = found_anywhere(telegram_stack, [otp, " ".join(pin)])
    assert hits == [], hits


def test_the_reporters_own_number_is_never_a_scam_indicator(
    stack_driver: Driver, stack_db: sessionmaker[Session]
) -> None:
    user, chat = stranger(stack_driver, "Ravi")
    own = f"+6591{secrets.randbelow(10**6):06d}"
    scammer = "+65 8123 0099"
    reference, _ = file_report(
        chat,
        f"a man said he was from the police, he called me from {scammer} and i am scared",
        answers(
            contact_permission=Press("Yes, by phone"),
            contact_phone=ShareContact(own.lstrip("+")),
            story=f"please call me back on {own}, he called from {scammer}",
        ),
    )
    with stack_db() as session:
        report = get_report_by_reference(session, reference=reference)
        assert report is not None and report.contact_phone == own
        phones = {i.value for i in report.indicators if i.kind == "phone"}
        assert "+6581230099" in phones and own not in phones
    checker, check_chat = stranger(stack_driver, "Neighbour")
    checked = check_chat.say(f"/check {own}")
    assert "named in no reports" in joined(checked), check_chat.transcript()


def test_delete_erases_everything_the_reporter_typed_everywhere(
    stack_driver: Driver, telegram_stack: Stack, stack_db: sessionmaker[Session]
) -> None:
    user, chat = stranger(stack_driver, "Grace")
    tag = secrets.token_hex(3)
    typed = [
        f"a woman called zelda{tag} said she was from interpol and took my savings",
        f"my neighbour quillon{tag} also got a call",
        f"the shop vexmart{tag} never sent the masks",
    ]
    file_report(chat, typed[0], answers(story=typed[1]))
    file_report(chat, typed[2], answers(story=f"paid to account of wombat{tag}"))
    typed.append(f"wombat{tag}")
    user.send_photo(png_bytes(3000, seed=int(tag, 16) % 1000), caption=f"receipt kestrel{tag}")
    assert "Saved your photo" in joined(user.replies(timeout=30))
    typed.append(f"kestrel{tag}")
    mydata = chat.say("/mydata")
    assert "2 reports you filed" in joined(mydata), chat.transcript()

    needles = [word for line in typed for word in line.split() if tag in word]
    assert found_anywhere(telegram_stack, needles), "the test must first find what it erases"
    question = chat.say("/delete")[-1]
    assert question.body == texts.get("delete_confirm", "en")
    done = chat.press(question, texts.get("delete_yes", "en"))
    assert "erased everything I stored about you: 2 reports" in joined(done), chat.transcript()
    assert "already reached the police" not in joined(done)  # the worker is not running here

    hits = found_anywhere(telegram_stack, needles)
    assert hits == [], "\n".join(hits)
    assert telegram_stack.env["TRACKER_STORE_URL"]
    assert chat.say("/mydata")[-1].body == texts.get("mydata_nothing", "en")


def test_a_teenager_threatened_with_a_video_gets_help_first_and_no_money_is_lost(
    stack_driver: Driver, stack_db: sessionmaker[Session]
) -> None:
    user, chat = stranger(stack_driver, "Jun")
    opening = (
        "someone recorded our video call and says he will send it to all my friends unless i "
        "pay 15000 pesos by tonight. im 17 and scared"
    )
    seen = chat.say(opening)
    said = joined(seen)
    assert "under 18" in said and "don't send me any pictures" in said, chat.transcript()
    assert "Please don't pay and stop replying" in said, chat.transcript()
    assert said.index("under 18") < said.index("don't pay")
    replies, asked = chat.answer_questions(
        seen, answers(country="philippines", scam_type=Press("Threats to share intimate images"))
    )
    submitted = chat.press(replies[-1], "Yes, submit it")
    reference = REFERENCE.search(joined(submitted))
    assert reference, chat.transcript()
    assert "Don't pay, and don't reply" in joined(submitted)
    assert "Call your bank" not in joined(submitted)
    with stack_db() as session:
        report = get_report_by_reference(session, reference=reference.group(0))
        assert report is not None
        assert report.money_lost is not True and report.amount_lost is None
        assert report.urgent is True
        assert {"minor", "ongoing"} <= set(report.details.get("flags", []))
        assert report.details.get("amount_demanded", "").startswith("15000")


def test_despair_gets_a_crisis_line_first_and_flags_the_report(
    stack_driver: Driver, stack_db: sessionmaker[Session]
) -> None:
    user, chat = stranger(stack_driver, "Tom")
    seen = chat.say(
        "i live in singapore. i lost all my savings to an investment app and i want to die"
    )
    assert "1767" in seen[0].body, chat.transcript()
    replies, _ = chat.answer_questions(seen, answers(money_lost=Press("Yes"), amount_lost="40000"))
    submitted = chat.press(replies[-1], "Yes, submit it")
    reference = REFERENCE.search(joined(submitted))
    assert reference, chat.transcript()
    with stack_db() as session:
        report = get_report_by_reference(session, reference=reference.group(0))
        assert report is not None and "self_harm" in report.details.get("flags", [])


def test_a_courier_coming_mid_interview_gets_stop_now_advice(stack_driver: Driver) -> None:
    user, chat = stranger(stack_driver, "Ah Ma")
    replies = chat.say("my grandma got a call from someone saying he is a police officer")
    answer_until_asked(chat, replies, "demand", answers())
    said = joined(chat.say("they said a courier who will come to my flat to collect the cash"))
    assert "STOP" in said and "999" in said, chat.transcript()


def test_naming_the_agency_is_an_answer_not_a_question(stack_driver: Driver) -> None:
    user, chat = stranger(stack_driver, "Sam")
    replies = chat.say(
        "i live in the uk and got a call from a man who said he was a police officer"
    )
    answer_until_asked(chat, replies, "claimed_agency", answers(country="uk"))
    replies = chat.say("Metropolitan Police")
    said = joined(replies)
    assert "not a police officer" not in said, chat.transcript()
    after = chat.question_in(replies)
    assert after is not None and after[0] != "claimed_agency", chat.transcript()


def test_restart_and_cancel_ask_before_dropping_a_half_done_report(stack_driver: Driver) -> None:
    user, chat = stranger(stack_driver, "Nora")
    replies = chat.say("i paid a shop on instagram for masks and they never came")
    first = chat.question_in(replies)
    assert first is not None, chat.transcript()
    asked = chat.say("/restart")
    assert "Do you want to stop this report?" in joined(asked), chat.transcript()
    resumed = chat.press(asked[-1], "No, carry on")
    again = chat.question_in(resumed)
    assert again is not None and again[0] == first[0], chat.transcript()

    asked = chat.say("cancel")
    assert "Do you want to stop this report?" in joined(asked), chat.transcript()
    stopped = chat.press(asked[-1], "Yes, stop the report")
    assert "I've stopped the report" in joined(stopped), chat.transcript()
    # Nothing left to drop: /start greets at once.
    assert "Welcome" in joined(chat.say("/start"))
