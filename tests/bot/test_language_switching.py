"""Which language the bot follows as a reporter writes: a first clear message switches from the
phone's language; after that a reporter who mixes languages keeps one (two messages in a row in
another language, with none of the current one, switch); a /language choice never moves."""

from __future__ import annotations

import pytest

from bot.language import choose, follow_writing
from bot.rasa_client import Conversation
from bot.state import ChatState


def reporter(phone_language: str) -> ChatState:
    state = ChatState(user_id=1, conversation=Conversation(pseudonym="p1"))
    state.language = phone_language  # type: ignore[assignment]
    return state


def test_a_chinese_speaker_on_an_english_phone_is_answered_in_chinese_at_once() -> None:
    state = reporter("en")
    assert follow_writing(state, "我妈妈接到一个自称警察的电话，被骗了五万块")
    assert state.language == "zh"


def test_a_manglish_writer_on_a_malay_phone_keeps_malay() -> None:
    state = reporter("ms")
    messages = [
        "sy kena tipu dengan polis palsu semalam",
        "they took all my money from the account",
        "duit saya dah hilang, RM 5000",
        "i already transfer to their account, what should i do",
        "dia suruh sy pindah duit ke akaun dia",
    ]
    changes = [follow_writing(state, message) for message in messages]
    assert changes == [False] * len(messages)
    assert state.language == "ms"


def test_a_manglish_first_message_does_not_leave_the_phones_malay() -> None:
    state = reporter("ms")
    story = (
        "Bro I kena tipu la with one seller kat Mudah, I dah bank in RM 1,200 for PS5 then "
        "terus dia block I. Sampai sekarang barang tak sampai lah"
    )
    assert not follow_writing(state, story)
    assert not follow_writing(state, "bank in to his Maybank acc, last saturday")
    assert state.language == "ms"


@pytest.mark.parametrize(
    "opening",
    [
        "Bro I kena tipu la with one seller kat Mudah, I dah bank in",
        # read as Malay, the phone's language, yet mixed all the same
        "Bro I kena tipu la with one seller kat Mudah, I dah bank in RM 1,200 for PS5 then "
        "terus dia block I. Sampai sekarang barang tak sampai lah",
    ],
)
def test_a_manglish_writer_is_not_switched_by_english_answers_later(opening: str) -> None:
    # The Malay Manglish persona: two English answers in a row moved the consent question and
    # the summary into English.
    state = reporter("ms")
    assert not follow_writing(state, opening)
    for answer in ("bank in to his Maybank acc", "last Saturday, eh no, Sunday",
                   "he never replied after that, totally blocked me"):  # fmt: skip
        assert not follow_writing(state, answer)
    assert state.language == "ms"


def test_plain_english_on_a_malay_phone_switches_at_once() -> None:
    state = reporter("ms")
    assert follow_writing(state, "i got scammed by a seller online, they took my money")
    assert state.language == "en"


def test_two_messages_in_a_row_in_another_language_switch() -> None:
    state = reporter("ms")
    follow_writing(state, "saya kena tipu semalam dengan polis palsu")
    assert not follow_writing(state, "sorry my malay is not good, can we use english")
    assert follow_writing(state, "they called me yesterday and said they are the police")
    assert state.language == "en"


def test_a_message_that_mixes_in_the_current_language_resets_the_count() -> None:
    state = reporter("zh")
    follow_writing(state, "有人冒充警察打电话给我")
    assert not follow_writing(state, "he said my account is involved in money laundering")
    assert not follow_writing(state, "然后他说 my account will be frozen")
    assert not follow_writing(state, "he asked me to transfer all my money to a safe account")
    assert state.language == "zh"


def test_short_answers_never_switch() -> None:
    state = reporter("zh")
    follow_writing(state, "我被骗了")
    for answer in ("ok", "yes", "5000", "https://dbs-secure.top/login", "/help"):
        assert not follow_writing(state, answer)
    assert state.language == "zh"


def test_a_chosen_language_is_kept_whatever_they_write() -> None:
    state = reporter("en")
    choose(state, "ms")
    assert not follow_writing(state, "我被骗了五万块")
    assert not follow_writing(state, "他们还在打电话给我")
    assert state.language == "ms"
