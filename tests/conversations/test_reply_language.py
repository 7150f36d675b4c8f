"""The check that the bot answered in the persona's language, offline (no stack)."""

from __future__ import annotations

import re
from datetime import date

from tests.conversations.grading import REPLY_LANGUAGE, grade, grade_reply_language
from tests.conversations.questions import Catalogue, load_locale_responses
from tests.conversations.reply_language import (
    agency_names,
    echoes,
    reply_language,
    telling_text,
    wrong_language_replies,
)
from tests.conversations.simulator import Playthrough, Turn

TODAY = date(2026, 11, 30)


def test_a_reply_in_the_persona_s_language_passes() -> None:
    assert reply_language("请问你住在哪个国家？这决定你的报告会交给哪个警察机构。", "zh") == "zh"
    assert reply_language("Berapa banyak wang yang anda hilang?", "ms") == "ms"
    assert reply_language("How much money did you lose?", "en") == "en"


def test_a_reply_in_another_language_is_named() -> None:
    assert reply_language("Which country do you live in?", "zh") == "en"
    assert reply_language("Which country do you live in?", "ms") == "en"
    assert reply_language("请问你住在哪个国家？", "en") == "zh"
    assert reply_language("Boleh saya tahu berapa banyak wang yang anda hilang?", "en") == "ms"


def test_numbers_references_links_and_emoji_tell_nothing() -> None:
    for reply in ("SR-AB12-CD34", "✅ 5000", "https://www.scamshield.gov.sg", "👍",
                  "+65 6123 4567", "@scammer_99", "scam@gmail.com", "S$3,000 · 2026-11-28"):  # fmt: skip
        assert telling_text(reply) == "", reply
        assert reply_language(reply, "zh") == "zh"
        assert reply_language(reply, "ms") == "ms"


def test_english_names_and_quotes_inside_a_reply_are_allowed() -> None:
    assert reply_language("他们自称是 Singapore Police Force 的人，对吗？", "zh") == "zh"
    assert reply_language("Mereka kata dari Singapore Police Force, betul?", "ms") == "ms"
    assert reply_language('Penjual "Gamer Zone Official Store" tidak hantar barang?', "ms") == "ms"
    assert "Singapore Police Force" in agency_names()
    assert not any("公安" in name for name in agency_names())  # Han names stay: they tell


def test_what_the_persona_wrote_may_be_echoed_back() -> None:
    said = [
        "我在carousell买一个iPhone 15，paynow了850块给那个seller",
        "the seller block me already",
    ]
    own = echoes(said)
    assert "the seller block me already" in own
    summary = "这是你的报告：\n卖家：the seller block me already\n金额：850 SGD"
    assert telling_text(summary, own).startswith("这是你的报告")
    assert reply_language("Seller: the seller block me already", "zh", own) == "zh"
    assert reply_language("Seller: the seller block me already. Is this right?", "zh", own) == "en"


def _turns(*turns: tuple[str, list[str], list[str]]) -> list[tuple[str, list[str], list[str]]]:
    return list(turns)


def test_every_reply_and_the_button_titles_are_checked() -> None:
    turns = _turns(
        ("/start", ["你好！我帮你举报诈骗。"], ["✅ 我同意", "不同意"]),
        ("我被骗了", ["很抱歉。他们是怎么联系你的？"], ["Phone call", "SMS"]),
        ("[pressed Phone call]", ["✔ Phone call", "How much did you lose?"], []),
    )
    wrong = wrong_language_replies(turns, "zh", client_language_code="zh-hans", opening_turn=1)
    assert [(w.turn, w.detected) for w in wrong] == [(1, "en"), (2, "en"), (2, "en")]


def test_the_welcome_before_the_story_is_free_when_the_phone_is_set_to_another_language() -> None:
    turns = _turns(
        ("/start", ["Hello! I help you report a scam. Do you agree?"], ["✅ I agree"]),
        ("[pressed ✅ I agree]", ["Thank you. What happened?"], []),
        ("我被假的中国警察骗了", ["很抱歉。你住在哪个国家？"], []),
    )
    on_english_phone = wrong_language_replies(
        turns, "zh", client_language_code="en", opening_turn=2
    )
    assert on_english_phone == []
    on_chinese_phone = wrong_language_replies(
        turns, "zh", client_language_code="zh-hans", opening_turn=2
    )
    assert {w.turn for w in on_chinese_phone} == {0, 1}


def test_grading_fails_a_conversation_with_a_reply_in_another_language() -> None:
    play = Playthrough("zh-x", 1, opening_turn=0)
    play.transcript = [
        Turn("我被骗了", ["很抱歉。你住在哪个国家？"], []),
        Turn("新加坡", ["Thank you. How much did you lose?"], []),
    ]
    result = grade_reply_language(play, "zh", "zh-hans")
    assert result.field == REPLY_LANGUAGE
    assert not result.ok
    assert result.actual == ["en: Thank you. How much did you lose?"]
    results = grade({}, None, play, today=TODAY, language="zh", client_language_code="zh-hans")
    assert [r.field for r in results if not r.ok] == [REPLY_LANGUAGE]


def test_grading_passes_a_conversation_all_in_the_persona_s_language() -> None:
    play = Playthrough("ms-x", 1, opening_turn=0)
    play.transcript = [
        Turn("sy kena tipu", ["Maaf mendengarnya. Di negara mana anda tinggal?"], []),
        Turn("Malaysia", ["Terima kasih. Berapa banyak wang yang anda hilang?"], ["Tiada"]),
        Turn("RM 1.5k", ["SR-AB12-CD34"], []),
    ]
    assert grade_reply_language(play, "ms", "ms").ok
    english = Playthrough("en-x", 1, opening_turn=0)
    english.transcript = [Turn("i was scammed", ["I'm sorry. Which country do you live in?"], [])]
    assert grade_reply_language(english, "en", "en").ok


def _locale_texts() -> list[tuple[str, str, str]]:
    """(language, response key, text with placeholders filled) of locales/<lang>/responses.yml."""
    found = []
    for language, responses in load_locale_responses().items():
        for template in Catalogue.from_responses({language: responses}).templates:
            text = re.sub(r"\{[a-z_]+\}", "X", template.text)
            found.append((language, template.name, text))
            if template.buttons:
                titles = " / ".join(title for title, _ in template.buttons)
                found.append((language, f"{template.name} buttons", titles))
    return found


def test_the_bot_s_own_texts_in_each_language_pass_the_check() -> None:
    """No persona fails on a text the bot was meant to send (a Malay text with more English
    words than Malay ones in it would, and would read as English to a reporter too)."""
    assert {language for language, _, _ in _locale_texts()} >= {"zh", "ms"}
    wrong = [
        (language, name, text[:80])
        for language, name, text in _locale_texts()
        if reply_language(text, language) != language
    ]
    assert not wrong
