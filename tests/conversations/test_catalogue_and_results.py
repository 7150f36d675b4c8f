"""Questions recognised in every language by their response key, and the per-language results,
offline (no stack): a made-up locale in a temporary directory stands in for locales/<lang>/."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conversations.facts import answer_for
from tests.conversations.grading import FieldResult
from tests.conversations.personas import Persona
from tests.conversations.questions import Catalogue, load_locale_responses, question_name
from tests.conversations.run import Outcome, summary, write_results
from tests.conversations.simulator import Playthrough, Simulator, Turn

ENGLISH = {
    "utter_ask_country": [{"text": "Which country do you live in? This decides the agency."}],
    "utter_ask_contact_channel": [
        {
            "text": "How did they contact you?",
            "buttons": [
                {"title": "Phone call", "payload": "phone call"},
                {"title": "SMS", "payload": "sms"},
            ],
        }
    ],
    "utter_ask_payment_method": [
        {
            "condition": [{"type": "slot", "name": "scam_type", "value": "fake_shop"}],
            "text": "How did you pay?",
        },
        {"text": "How did you pay, and to which account?"},
    ],  # fmt: skip
    "utter_report_filed": [{"text": "Your reference number is {reference}."}],
}
CHINESE = {
    "responses": {
        "utter_ask_country": [{"text": "你住在哪个国家？这决定报告交给哪个机构。"}],
        "utter_ask_contact_channel": [
            {
                "text": "他们是怎么联系你的？",
                "buttons": [
                    {"title": "电话", "payload": "电话"},
                    {"title": "短信", "payload": "sms"},
                ],
            }
        ],
        "utter_ask_payment_method": [
            {"text": "你是怎么付钱的？"},
            {"text": "你是怎么付钱的？付到哪个户口？"},
        ],
        "utter_report_filed": [{"text": "你的报告编号是 {reference}。"}],
    }
}
MALAY = {"utter_ask_country": [{"text": "Anda tinggal di negara mana?"}]}


def catalogue(tmp_path: Path) -> Catalogue:
    for language, responses in (("zh", CHINESE), ("ms", MALAY)):
        (tmp_path / language).mkdir()
        (tmp_path / language / "responses.yml").write_text(
            yaml.safe_dump(responses, allow_unicode=True)
        )
    return Catalogue.from_responses({"en": ENGLISH, **load_locale_responses(tmp_path)})


def test_a_question_is_named_by_its_key_in_every_language(tmp_path: Path) -> None:
    known = catalogue(tmp_path)
    assert known.languages == ["en", "ms", "zh"]
    for body in ("Which country do you live in? This decides the agency.",
                 "你住在哪个国家？这决定报告交给哪个机构。", "Anda tinggal di negara mana?"):  # fmt: skip
        assert question_name(known.name_of(body)) == "country"
    assert known.name_of("你的报告编号是 SR-AB12-CD34。") == "utter_report_filed"
    assert known.name_of("随便说点什么") is None


def test_a_message_of_several_replies_is_read_as_its_parts(tmp_path: Path) -> None:
    # The bot sends consecutive replies as one message, paragraphs apart (merged_replies).
    known = catalogue(tmp_path)
    body = (
        "I'm sorry this happened.\nPlease don't send any more money.\n\n"
        "Your reference number is SR-AB12-CD34.\n\n"
        "Which country do you live in? This decides the agency."
    )
    parts = known.parts(body)
    assert [(t.name if t else None) for t, _ in parts] == [
        None,
        "utter_report_filed",
        "utter_ask_country",
    ]
    assert parts[0][1] == "I'm sorry this happened.\nPlease don't send any more money."
    assert parts[2][1] == "Which country do you live in? This decides the agency."
    # A line inside a paragraph never starts a part.
    assert len(known.parts("Thanks.\nWhich country do you live in? This decides the agency.")) == 1


def test_a_translated_button_has_the_domain_s_payload(tmp_path: Path) -> None:
    known = catalogue(tmp_path)
    assert known.payload_of("utter_ask_contact_channel", "电话") == "phone call"
    assert known.payload_of("utter_ask_contact_channel", "SMS") == "sms"
    assert known.payload_of("utter_ask_contact_channel", "传真") == ""


def test_a_question_s_wording_is_read_in_english(tmp_path: Path) -> None:
    known = catalogue(tmp_path)
    assert known.english_text("你是怎么付钱的？付到哪个户口？") == (
        "How did you pay, and to which account?"
    )
    assert known.english_text("Anda tinggal di negara mana?").startswith("Which country")
    assert known.english_text("未知的问题？") == "未知的问题？"


def test_the_persona_answers_a_chinese_two_part_question_in_chinese(tmp_path: Path) -> None:
    known = catalogue(tmp_path)
    persona = Persona(
        "zh-x", "fake_shop", "我被骗了",
        {"payment_method": "银行转账", "payee_account": "DBS 123-456789-0"}, {}, language="zh",
    )  # fmt: skip
    asked = known.english_text("你是怎么付钱的？付到哪个户口？")
    reply = answer_for(persona, "payment_method", [], asked_text=asked)
    assert reply.text == "银行转账，DBS 123-456789-0"
    buttons = [("电话", known.payload_of("utter_ask_contact_channel", "电话"))]
    caller = Persona("zh-y", "fake_authority", "我被骗了",
                     {"contact_channel": {"press": "phone call", "say": "打电话"}}, {},
                     language="zh")  # fmt: skip
    assert answer_for(caller, "contact_channel", buttons).button == 0


def _outcome(persona_id: str, language: str, *, passed: bool, wrong: bool = False) -> Outcome:
    persona = Persona(persona_id, "phishing", "x", {}, {}, language=language,
                      heldout=persona_id.endswith("held"))  # fmt: skip
    play = Playthrough(persona_id, 1, questions=["country"], reference="SR-AB12-CD34")
    play.transcript = [Turn("x", ["y"], [])]
    fields = [FieldResult("country", "SG", "SG" if passed else "MY", passed)]
    if wrong:
        fields.append(FieldResult("reply_language", language, ["en: Thank you"], False))
    return Outcome(persona, play, fields)


def test_the_results_give_a_pass_rate_per_language(tmp_path: Path) -> None:
    outcomes = [
        _outcome("en-a", "en", passed=True),
        _outcome("zh-a", "zh", passed=True),
        _outcome("zh-b-held", "zh", passed=True, wrong=True),
        _outcome("ms-a", "ms", passed=False),
    ]
    totals = summary(outcomes)
    assert list(totals["by_language"]) == ["en", "zh", "ms"]
    zh = totals["by_language"]["zh"]
    assert (zh["personas"], zh["passed"], zh["wrong_language"]) == (2, 1, 1)
    assert (zh["heldout_personas"], zh["heldout_passed"]) == (1, 0)
    assert totals["wrong_language"] == 1
    md_path, json_path = write_results(outcomes, tmp_path)
    markdown = md_path.read_text()
    assert "| zh | 2 | 1/2 (50%) | 2 | 1 | 0/1 (0%) | 1.0 | 1 |" in markdown
    assert "| ms | 1 | 0/1 (0%) | 1 | 0 | - | 1 | 1 |" in markdown
    stored = json.loads(json_path.read_text())
    assert "another language than the persona's: 1" in markdown
    assert stored["summary"]["by_language"]["en"]["passed"] == 1
    by_id = {p["id"]: p for p in stored["personas"]}
    assert by_id["zh-b-held"]["wrong_language"] is True
    assert by_id["zh-b-held"]["language"] == "zh"


def test_the_sextortion_stop_now_advice_counts_as_urgent_advice(tmp_path: Path) -> None:
    # The suite graded a live sextortion threat "no urgent advice" although the bot's first
    # reply was the sextortion stop-now advice: only the general one was counted.
    simulator = Simulator(driver=None, catalogue=catalogue(tmp_path))  # type: ignore[arg-type]
    for first in ("utter_urgent_sextortion", "utter_urgent_stop"):
        play = Playthrough(persona_id="sx", user_id=1)
        simulator._note_urgent([(first, None), ("utter_ask_country", None)], play)  # type: ignore[list-item]
        assert play.urgent_advice_first is True
    play = Playthrough(persona_id="sx", user_id=1)
    simulator._note_urgent([("utter_ask_country", None)], play)  # type: ignore[list-item]
    assert play.urgent_advice_first is False
