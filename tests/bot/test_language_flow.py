"""The bot speaks the reporter's language: chosen with /language, else the one they write in,
else their Telegram client's; remembered once they consent, and sent to Rasa with every
message."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import texts
from bot.language import written_language
from bot.rasa_client import message_body
from bot.rendering import asks_for_phone
from scamreport.channel import LANGUAGE_KEY
from scamreport.languages import LANGUAGES
from scamreport.locales import responses
from scamreport.settings import PROJECT_ROOT
from scamreport.storage.models import Reporter
from telegram_standin.driver import ChatUser, Driver
from tests.bot.conftest import BotRunner, wait_until
from tests.bot.fake_rasa import FakeRasa

MakeBot = Callable[..., BotRunner]


def languages_sent(fake_rasa: FakeRasa, pseudonym: str) -> list[tuple[str, object]]:
    """(message, its metadata's language) of everything the bot sent Rasa for one reporter."""
    return [
        (message, (metadata or {}).get(LANGUAGE_KEY))
        for who, message, metadata in fake_rasa.received
        if who == pseudonym
    ]


def stored_language(db: sessionmaker[Session]) -> str | None:
    with db() as session:
        return session.scalars(select(Reporter.language)).one()


def agree_in(user: ChatUser, language: str) -> None:
    """/start, then "I agree" pressed in ``language``."""
    user.send_text("/start")
    notice = user.wait_for(lambda m: bool(m.buttons))[-1]
    assert notice.body == texts.get("privacy_notice", language, days=365)
    user.press(notice, texts.get("consent_yes", language))
    user.wait_for("what happened")


@pytest.fixture
def mei(driver: Driver, bot: BotRunner) -> ChatUser:
    """A reporter whose Telegram is set to Simplified Chinese."""
    driver.wait_bot_ready()
    return driver.user(5_550_088, first_name="Mei", language_code="zh-hans")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ok", None),
        ("OK!", None),
        ("5000", None),
        ("RM5000", None),
        ("yes please", None),
        ("https://example.com/pay/now/please", None),
        ("/help", None),
        ("我被骗了", "zh"),
        ("是", "zh"),
        ("有人冒充警察 https://example.com", "zh"),
        # no space in Chinese: a decimal or a link inside the sentence was read as the whole
        # message being a link, and an English phone's reporter got English replies
        ("收到SingPost的SMS说要付1.99新币重新派送，我点了link", "zh"),
        ("我点了https://singpost-redelivery.top/sg/pay这个链接", "zh"),
        ("他的telegram是@scam_boss，我被骗了", "zh"),
        ("saya kena tipu dengan polis palsu", "ms"),
        ("they took my money yesterday", "en"),
        ("ok thanks bye", None),
        # a Malay payee: bank names are English, "atas nama" and the count are Malay
        ("transfer bank tiga kali, Public Bank 3198 2270 14 atas nama MEGA MEDIK", "ms"),
        ("Public Bank 3198 2270 14 atas nama MEGA MEDIK BEKALAN", "ms"),
    ],
)
def test_only_a_message_that_clearly_tells_its_language_decides(
    text: str, expected: str | None
) -> None:
    assert written_language(text) == expected


def test_a_chinese_client_gets_the_welcome_and_privacy_notice_in_chinese(
    mei: ChatUser, bot: BotRunner, fake_rasa: FakeRasa, db: sessionmaker[Session]
) -> None:
    mei.send_text("/start")
    got = mei.wait_for("？")
    bodies = [m.body for m in got]
    assert bodies[0] == texts.get("welcome", "zh")
    assert bodies[1] == texts.get("privacy_notice", "zh", days=365)
    with db() as session:
        assert session.scalars(select(Reporter)).all() == []  # nothing before consent
    mei.press(got[-1], texts.get("consent_yes", "zh"))
    mei.wait_for("what happened")
    pseudonym = bot.services.pseudonym(mei.id)
    assert languages_sent(fake_rasa, pseudonym) == [("/greet", "zh")]
    assert stored_language(db) == "zh"


def test_every_message_to_rasa_carries_the_language(
    alex: ChatUser, bot: BotRunner, fake_rasa: FakeRasa
) -> None:
    agree_in(alex, "en")
    alex.send_text("/report")
    offer = alex.wait_for("Which of these")[-1]
    alex.press(offer, "Something else")
    alex.wait_for("You said: /report_other_scam")
    sent = languages_sent(fake_rasa, bot.services.pseudonym(alex.id))
    assert [language for _, language in sent] == ["en", "en", "en"]


def test_a_chinese_reporters_help_errors_and_unavailable_messages_are_in_chinese(
    mei: ChatUser, fake_rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    agree_in(mei, "zh")
    mei.send_text("/help")
    assert mei.replies()[0].body == texts.get("help", "zh", days=365)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database fell over")

    monkeypatch.setattr("bot.handlers.commands.stored_about_reporter", broken)
    logging.getLogger("bot.errors").disabled = True
    try:
        mei.send_text("/mydata")
        assert mei.replies()[-1].body == texts.get("something_went_wrong", "zh")
    finally:
        logging.getLogger("bot.errors").disabled = False
    fake_rasa.stop()
    mei.send_text("他们拿走了我五千块")
    assert mei.replies()[-1].body == texts.get("unavailable", "zh")
    mei.send_text("还有我的银行卡")
    assert mei.replies()[-1].body == texts.get("still_unavailable", "zh")
    fake_rasa.start()
    got = mei.wait_for("You said: 还有我的银行卡")
    assert texts.get("resumed", "zh") in [m.body for m in got]


def test_a_kept_message_is_replayed_with_the_reporters_language(
    mei: ChatUser, bot: BotRunner, fake_rasa: FakeRasa
) -> None:
    agree_in(mei, "zh")
    fake_rasa.stop()
    mei.send_text("有人冒充警察打电话给我")
    assert mei.replies()[-1].body == texts.get("unavailable", "zh")
    fake_rasa.start()
    mei.wait_for("You said: 有人冒充警察打电话给我")
    sent = languages_sent(fake_rasa, bot.services.pseudonym(mei.id))
    assert sent[-1] == ("有人冒充警察打电话给我", "zh")


def test_ok_does_not_switch_a_chinese_reporter_to_english(
    alex: ChatUser, bot: BotRunner, fake_rasa: FakeRasa, db: sessionmaker[Session]
) -> None:
    # An English phone, a Chinese writer: the Chinese message switches, "ok" does not.
    agree_in(alex, "en")
    alex.send_text("有人冒充警察打电话给我")
    alex.wait_for("You said:")
    alex.send_text("ok")
    alex.wait_for("You said: ok")
    alex.send_text("5000")
    alex.wait_for("You said: 5000")
    alex.send_text("/help")
    assert alex.replies()[0].body == texts.get("help", "zh", days=365)
    sent = languages_sent(fake_rasa, bot.services.pseudonym(alex.id))
    assert [language for _, language in sent][1:] == ["zh", "zh", "zh", "zh"]
    assert stored_language(db) == "zh"


def test_language_is_chosen_kept_over_writing_and_survives_a_restart(
    make_bot: MakeBot, driver: Driver, fake_rasa: FakeRasa
) -> None:
    first = make_bot()
    driver.wait_bot_ready()
    alex = driver.user(5_550_090, first_name="Alex")
    agree_in(alex, "en")
    alex.send_text("I was at the bank")
    alex.wait_for("You said:")
    alex.send_text("/language")
    question = alex.replies()[-1]
    assert question.body == texts.get("language_prompt", "en")
    assert [title for title, _ in question.buttons] == ["English", "简体中文", "Bahasa Melayu"]
    alex.press(question, "Bahasa Melayu")
    assert alex.replies()[-1].body == texts.get("language_set", "ms")
    # A chosen language is kept even when the reporter then writes English.
    alex.send_text("they took my money yesterday")
    alex.wait_for("You said: they took my money yesterday")
    pseudonym = first.services.pseudonym(alex.id)
    assert languages_sent(fake_rasa, pseudonym)[-1] == ("they took my money yesterday", "ms")
    assert stored_language(first.services.sessions) == "ms"

    first.stop()
    second = make_bot()
    driver.wait_bot_ready()
    alex.send_text("/help")
    assert alex.replies()[0].body == texts.get("help", "ms", days=365)
    alex.send_text("and my card was taken too")
    alex.wait_for("You said: and my card was taken too")
    assert languages_sent(fake_rasa, pseudonym)[-1] == ("and my card was taken too", "ms")
    assert stored_language(second.services.sessions) == "ms"


def test_a_language_chosen_before_consent_is_stored_only_once_they_agree(
    mei: ChatUser, db: sessionmaker[Session]
) -> None:
    mei.send_text("/language")
    mei.press(mei.replies()[-1], "Bahasa Melayu")
    assert mei.replies()[-1].body == texts.get("language_set", "ms")
    mei.send_text("/start")
    notice = mei.wait_for("Adakah anda bersetuju")[-1]
    assert notice.body == texts.get("privacy_notice", "ms", days=365)
    with db() as session:
        assert session.scalars(select(Reporter)).all() == []
    mei.press(notice, texts.get("consent_yes", "ms"))
    mei.wait_for("what happened")
    assert stored_language(db) == "ms"


def test_declining_keeps_the_language_in_memory_only(
    mei: ChatUser, db: sessionmaker[Session]
) -> None:
    mei.send_text("/start")
    mei.press(mei.wait_for("您同意吗")[-1], texts.get("consent_no", "zh"))
    assert mei.wait_for("没关系")[-1].body == texts.get("consent_declined", "zh")
    mei.send_text("/language")
    mei.press(mei.replies()[-1], "English")
    assert mei.replies()[-1].body == texts.get("language_set", "en")
    mei.send_text("a man called me")
    assert mei.replies()[-1].body == texts.get("needs_consent", "en")
    with db() as session:
        assert session.scalars(select(Reporter)).all() == []


def test_the_command_menu_is_registered_in_every_language(alex: ChatUser, driver: Driver) -> None:
    wait_until(lambda: "default/ms" in driver.commands())
    menus = driver.commands()
    for language, key in (("en", "default/"), ("zh", "default/zh"), ("ms", "default/ms")):
        assert [(c["command"], c["description"]) for c in menus[key]] == texts.commands(language)
    assert "language" in [c["command"] for c in menus["default/"]]


def test_the_language_goes_in_the_metadata_of_the_body_sent_to_rasa() -> None:
    body = message_body("reporter", "我被骗了", {"relay_id": "r1"}, language="zh")
    assert body["metadata"] == {"relay_id": "r1", LANGUAGE_KEY: "zh"}
    assert message_body("reporter", "/affirm", language="ms")["metadata"][LANGUAGE_KEY] == "ms"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_share_contact_marker_is_in_the_assistants_question_in_every_language(
    language: str,
) -> None:
    # The bot offers Telegram's share-contact button under the reply that names it.
    if language == "en":
        domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
        variations = domain["responses"]["utter_ask_contact_phone"]
    else:
        variations = responses(language).get("utter_ask_contact_phone")
        assert variations, f"utter_ask_contact_phone is not translated into {language}"
    marker = texts.get("share_phone_marker", language)
    assert all(marker in variation["text"] for variation in variations)
    assert all(asks_for_phone(variation["text"]) for variation in variations)


def test_switching_language_mid_report_keeps_the_report_going(
    alex: ChatUser, bot: BotRunner, fake_rasa: FakeRasa
) -> None:
    agree_in(alex, "en")
    alex.send_text("/report")
    offer = alex.wait_for("Which of these")[-1]
    alex.press(offer, "Someone pretended")
    alex.wait_for("Which country")
    alex.send_text("/language")
    alex.press(alex.replies()[-1], "简体中文")
    alex.wait_for(texts.get("language_set", "zh"))
    alex.send_text("马来西亚")
    alex.wait_for("You said: 马来西亚")
    sent = languages_sent(fake_rasa, bot.services.pseudonym(alex.id))
    # Nothing was cancelled or restarted: the same conversation carries on, now in Chinese.
    assert [message for message, _ in sent] == [
        "/greet",
        "/report_scam",
        "/report_fake_authority",
        "马来西亚",
    ]
    assert sent[-1][1] == "zh"
