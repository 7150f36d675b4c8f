"""The actions in the reporter's language (issue 12): what they compose is in Chinese or Malay,
and answers written in Chinese or Malay are read as English ones are."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import read_answer
from actions.corrections import announce_corrections, corrections_in, sounds_like_correction
from actions.prefill import is_a_story, slots_from_text
from actions.summary import SUMMARY_SLOTS, build_summary, describe_known, describe_value
from actions.wording import say
from scamreport import presentation
from scamreport.channel import LANGUAGE_KEY
from scamreport.interviews import DETAIL_LABELS
from scamreport.languages import LANGUAGES
from scamreport.presentation import describe_date

MakeTracker = Callable[..., Tracker]
TODAY = date(2026, 11, 30)


def in_language(tracker: Tracker, language: str) -> Tracker:
    """The tracker's latest message as the bot sends it: with the reporter's language."""
    tracker.latest_message["metadata"] = {LANGUAGE_KEY: language}
    return tracker


# --- what the actions compose --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "zh", "ms"),
    [
        ("2026-11-03", "2026年11月3日", "3 November 2026"),
        ("2026-03-03", "2026年3月3日", "3 Mac 2026"),
        ("2026-08", "2026年8月", "Ogos 2026"),
        ("2026-06/2026-08", "2026年6月至8月", "Jun hingga Ogos 2026"),
        ("2026-03-03/2026-03-10", "2026年3月3日至10日", "3 hingga 10 Mac 2026"),
        (
            "2025-12-20/2026-01-02",
            "2025年12月20日至2026年1月2日",
            "20 Disember 2025 hingga 2 Januari 2026",
        ),
        ("2025", "2025年", "2025"),
    ],
)
def test_dates_read_naturally_in_chinese_and_malay(value: str, zh: str, ms: str) -> None:
    assert describe_date(value, "zh") == zh
    assert describe_date(value, "ms") == ms
    assert describe_date(value, "en") == presentation.describe_date(value)


@pytest.mark.parametrize(
    "value",
    ["2026-10-20", "2026-W46", "2026-06", "2025", "2026-06/2026-08", "2026-02-28/2026-03-03",
     "2025-11/2026-02", "2025/2026", "not a date"],
)  # fmt: skip
def test_english_dates_are_those_of_the_console(value: str) -> None:
    assert describe_date(value, "en") == presentation.describe_date(value)


SLOTS: dict[str, Any] = {
    "country": "SG",
    "scam_type": "fake_authority",
    "contact_channel": "phone_call",
    "demand": 'move money to a "safe account"',
    "money_lost": True,
    "amount_lost": "3000 SGD",
    "payment_method": "bank_transfer",
    "incident_date": "2026-11-03",
    "consent_forward": "national",
    "contact_permission": "none",
    "how_long": "skipped",
}


def test_the_summary_in_english_is_as_before() -> None:
    summary = build_summary(SLOTS)
    assert "• Your country: Singapore" in summary
    assert "• Amount: 3,000 SGD" in summary
    assert "• When: 3 November 2026" in summary
    assert "• How long it went on: (skipped)" in summary
    assert "• May we contact you: no" in summary


def test_the_summary_in_chinese() -> None:
    summary = build_summary(SLOTS, "zh")
    assert "• 您所在的国家：新加坡" in summary
    assert "• 诈骗类型：假冒警察或官员" in summary
    assert "• 对方怎样联系您：电话" in summary
    assert "• 对方要求您做什么：把钱转到“安全账户”" in summary
    assert "• 是否损失钱财：是" in summary
    assert "• 金额：3,000 SGD" in summary
    assert "• 付款方式：银行转账" in summary
    assert "• 时间：2026年11月3日" in summary
    assert "• 可以联系您吗：否" in summary
    assert "（已跳过）" in summary
    assert "Singapore" not in summary and "yes" not in summary


def test_the_summary_in_malay() -> None:
    summary = build_summary(SLOTS, "ms")
    assert "• Negara anda: Singapura" in summary
    assert "• Kehilangan wang: ya" in summary
    assert "• Cara anda membayar: pindahan bank" in summary
    assert "• Bila: 3 November 2026" in summary
    assert "• Jumlah: 3,000 SGD" in summary
    assert describe_value("amount_lost", "300", "ms") == "300 (mata wang tidak dinyatakan)"
    assert describe_value("amount_lost", "300", "zh") == "300（未说明币种）"
    assert describe_value("amount_lost", "300", "en") == presentation.describe_amount("300")


def test_every_summary_slot_has_a_label_in_every_language() -> None:
    for language in LANGUAGES:
        for slot in SUMMARY_SLOTS:
            assert say(f"label.{slot}", language)
    for slot, label in DETAIL_LABELS.items():  # the console's words for a type's details
        assert say(f"label.{slot}", "en") == label


def test_what_was_noted_from_the_story_in_chinese() -> None:
    known = describe_known({"amount_lost": "30000 SGD", "contact_channel": "phone_call"}, "zh")
    assert known == "金额：30,000 SGD；对方怎样联系您：电话"


def test_a_correction_is_confirmed_in_the_reporters_words() -> None:
    dispatcher = CollectingDispatcher()
    announce_corrections(dispatcher, {"amount_lost": "3000 SGD", "money_lost": True}, "zh")
    (message,) = dispatcher.messages
    assert message["response"] == "utter_corrected"
    assert (message["field"], message["value"]) == ("金额", "3,000 SGD")


async def test_the_summary_action_speaks_the_reporters_language(
    make_tracker: MakeTracker, domain: dict[str, Any], actions_database: str
) -> None:
    from actions.submission import ActionShowSummary

    dispatcher = CollectingDispatcher()
    tracker = in_language(make_tracker("/affirm", "affirm", slots=SLOTS), "ms")
    await ActionShowSummary().run(dispatcher, tracker, domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_summary"
    assert "• Negara anda: Singapura" in message["summary"]


def test_the_urgent_advice_without_a_country_names_numbers_in_chinese() -> None:
    from actions.safety import give_urgent_advice

    dispatcher = CollectingDispatcher()
    give_urgent_advice(dispatcher, None, language="zh")
    numbers = dispatcher.messages[-1]["emergency_number"]
    assert "999（英国、新加坡、马来西亚、香港）" in numbers


def test_the_report_keeps_the_reporters_language(make_tracker: MakeTracker) -> None:
    from actions.submission import build_report

    tracker = in_language(
        make_tracker("对", "affirm", slots={**SLOTS, "interview": "general"}), "zh"
    )
    assert build_report(tracker).language == "zh"


async def test_the_kind_of_scam_is_asked_through_the_nlg(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    from actions.interview import ActionAskScamType
    from scamreport.classification.guess import ScamTypeGuess, classifier_override

    def romance_first(story: str) -> ScamTypeGuess:
        ranked = (("romance", 0.7), ("other", 0.2), ("money_mule", 0.1))
        return ScamTypeGuess(code="romance", confidence=0.7, ranked=ranked)

    dispatcher = CollectingDispatcher()
    tracker = in_language(make_tracker("", slots={"opening_story": "她说爱我"}), "zh")
    with classifier_override(romance_first):
        await ActionAskScamType().run(dispatcher, tracker, domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_ask_scam_type"
    assert message["text"] is None and not message["buttons"]  # the NLG renders them
    assert message["button_order"] == ["romance", "money mule"]


# --- what the reporter writes --------------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "text", "value", "also"),
    [
        ("money_lost", "不是", False, {}),
        ("money_lost", "没有", False, {}),
        ("money_lost", "是的", True, {}),
        ("money_lost", "对，转了三千", True, {"amount_lost": "3000 SGD"}),
        ("money_lost", "还没付", False, {}),
        ("money_lost", "belum bayar", False, {}),
        ("money_lost", "tidak", False, {}),
        ("money_lost", "ya, RM5000", True, {"amount_lost": "5000 MYR"}),
        ("money_lost", "tak tahu", "skipped", {}),
        ("money_lost", "不知道", "skipped", {}),
        ("money_lost", "有点不确定", "skipped", {}),
        ("amount_lost", "三万块", "30000 SGD", {"money_lost": True}),
        ("amount_lost", "没有损失", "skipped", {"money_lost": False}),
        ("amount_lost", "tiada", "skipped", {"money_lost": False}),
        ("amount_lost", "不记得了", "skipped", {}),
        ("contact_channel", "电话", "phone_call", {}),
        ("contact_channel", "短信", "sms", {}),
        ("contact_channel", "WhatsApp", "messaging_app", {}),
        ("contact_channel", "微信", "messaging_app", {}),
        ("contact_channel", "panggilan telefon", "phone_call", {}),
        ("contact_channel", "mesej", "sms", {}),
        ("contact_channel", "mesej whatsapp", "messaging_app", {}),
        ("contact_channel", "视频电话", "video_call", {}),
        ("contact_channel", "facebook messenger 视频", "video_call", {}),
        ("contact_channel", "vc", "video_call", {}),
        ("contact_channel", "panggilan video", "video_call", {}),
        ("payment_method", "银行转账", "bank_transfer", {}),
        ("payment_method", "PayNow", "instant_payment", {}),
        ("payment_method", "FPX", "instant_payment", {}),
        ("payment_method", "DuitNow", "instant_payment", {}),
        ("payment_method", "pindahan bank", "bank_transfer", {}),
        ("payment_method", "transfer bank, Bank Islam 1201 2020 1234 56, nama orang lain",
         "bank_transfer", {"payee_account": "Bank Islam 1201 2020 1234 56"}),
        ("payment_method", "tunai", "cash", {}),
        ("payment_method", "现金", "cash", {}),
        ("payment_method", "比特币", "crypto", {}),
        ("item_received", "什么都没收到", "nothing", {}),
        ("item_received", "收到假货", "fake_or_wrong", {}),
        ("item_received", "只收到一部分", "partial", {}),
        ("item_received", "收到了", "received", {}),
        ("item_received", "tak sampai lagi", "nothing", {}),
        ("item_received", "barang palsu", "fake_or_wrong", {}),
        ("consent_forward", "是，发给警方", "national", {}),
        ("consent_forward", "不要", "none", {}),
        ("consent_forward", "可以，也发给国外的机构", "national_and_abroad", {}),
        ("consent_forward", "好的，发给警方，不过不要联系我", "national", {"contact_permission": "none"}),
        ("consent_forward", "ya, hantar", "national", {}),
        ("consent_forward", "tidak", "none", {}),
        ("consent_forward", "ya, dan luar negara juga", "national_and_abroad", {}),
        ("contact_permission", "可以，在这里", "telegram", {}),
        ("contact_permission", "不要联系我", "none", {}),
        ("contact_permission", "打电话给我", "phone", {}),
        ("contact_permission", "boleh, di sini", "telegram", {}),
        ("contact_permission", "jangan hubungi saya", "none", {}),
        ("country", "新加坡", "SG", {}),
        ("country", "我在马来西亚", "MY", {}),
        ("country", "Singapura", "SG", {}),
        ("minor", "不是", False, {}),
        ("minor", "未成年", True, {}),
        ("minor", "没满18岁", True, {}),
        ("minor", "我15岁", True, {}),
        ("minor", "已经成年了", False, {}),
        ("minor", "saya bawah umur", True, {}),
        ("minor", "tidak, saya dewasa", False, {}),
        ("minor", "ya", True, {}),
        ("scam_type", "其他", "other", {}),
        ("incident_date", "昨天", "2026-11-29", {}),
        ("incident_date", "minggu lepas", "2026-W48", {}),
    ],
)  # fmt: skip
def test_chinese_and_malay_answers(slot: str, text: str, value: Any, also: dict[str, Any]) -> None:
    answer = read_answer(slot, text, country="SG", today=TODAY)
    assert (answer.value, answer.also) == (value, also)


@pytest.mark.parametrize(
    ("text", "old", "new"),
    [
        ("不对，是三千不是三万", "30000 SGD", "3000 SGD"),
        ("silap, 300 bukan 3000", "3000 MYR", "300 MYR"),
        ("其实是五百块", "5000 SGD", "500 SGD"),
        # "just now I added it up wrong" is no date, "two of it he has not sent" no unpaid money
        ("刚刚算错了，是六万三不是八万三，我老公说有两万是他还没转的", "83000 MYR", "63000 MYR"),
        ("sorry silap taip, RM13,100 bukan 11,300", "11300 MYR", "13100 MYR"),
        # the whole, then the part that was forgotten
        ("金额不对，我再算了一次，是十二万八千，有一笔八千忘记算了", "120000 MYR", "128000 MYR"),
        ("eh tunggu, mak baru ckp ada satu lg 1,200 dia x bgtau sy. jadi semua 9 ribu",
         "7800 MYR", "9000 MYR"),
        ("eh silap, sy tgk resit td ada dua kali transfer, 10k dgn 8,500. jadi 18,500 semua sekali",
         "18000 MYR", "18500 MYR"),
        ("不对，是两万五，我转了两次，两万加五千", "20000 MYR", "25000 MYR"),
        ("eh silap, insurans tu 890 bukan 980. jadi total 2,540", "2630 MYR", "2540 MYR"),
        # a payment forgotten, added to the total given before
        ("还有一笔八百我忘记了", "3000 SGD", "3800 SGD"),
        ("不对，是三千八不是三千，还有一笔八百我忘记了", "3000 SGD", "3800 SGD"),
        ("lupa nak cakap, ada satu lagi RM500", "2000 MYR", "2500 MYR"),
        ("oh i forgot, there was another payment of 300", "1200 SGD", "1500 SGD"),
        # and the new total when it is given
        ("等一下，我漏了一笔，总共是四千二", "3600 SGD", "4200 SGD"),
        # several payments listed: their sum
        ("不是，转了两次，五千和三千", "5000 SGD", "8000 SGD"),
        ("silap, dua kali transfer, 500 dan 700", "500 MYR", "1200 MYR"),
        # the whole, then a payment that is part of it
        ("不对，刚问了妈妈，是三万五，她第二天又转了五千", "30000 SGD", "35000 SGD"),
        # the date of the forgotten payment is not when it happened
        ("eh sorry forgot, last week i paid the 3k for the 'tax' also. so total 38k",
         "35000 MYR", "38000 MYR"),
        # the digits of a phone number in the same message are no amount
        ("不对，是五千，收款的号码是 9027 6615", "3000 SGD", "5000 SGD"),
    ],
)  # fmt: skip
def test_corrections_in_chinese_and_malay(
    make_tracker: MakeTracker, text: str, old: str, new: str
) -> None:
    country = old.split()[1][:2]
    slots = {"interview": "fake_authority", "country": country, "amount_lost": old}
    tracker = make_tracker(text, intent="correct", slots=slots)
    assert sounds_like_correction(text)
    changes = corrections_in(text, tracker)
    assert changes["amount_lost"] == new and "incident_date" not in changes
    assert changes["money_lost"] is True


def test_a_story_in_chinese_is_a_story_and_its_details_are_kept() -> None:
    story = "我妈妈昨天接到一个自称警察的电话，叫她把钱转到安全账户，她用银行转账转了三万块"
    assert is_a_story(story)
    assert not is_a_story("我想举报诈骗")
    slots = slots_from_text(story, country="SG", interview="fake_authority")
    assert slots["amount_lost"] == "30000 SGD" and slots["money_lost"] is True
    assert slots["contact_channel"] == "phone_call"
    assert slots["payment_method"] == "bank_transfer"
    assert "safe account" in slots["demand"]


def test_a_story_in_malay_is_read() -> None:
    story = (
        "Semalam mak saya dapat panggilan daripada polis palsu, dia dah bayar RM5000 "
        "guna DuitNow ke akaun selamat. Saya tinggal di Malaysia."
    )
    slots = slots_from_text(story, country=None, interview="fake_authority")
    assert slots["country"] == "MY"
    assert slots["amount_lost"] == "5000 MYR"
    assert slots["payment_method"] == "instant_payment"
    assert slots["contact_channel"] == "phone_call"


def test_not_paid_yet_in_a_malay_story_is_no_money_lost() -> None:
    story = "Dia suruh saya bayar RM3000 untuk denda tapi saya belum bayar apa-apa lagi"
    slots = slots_from_text(story, country="MY", interview="fake_authority")
    assert slots["money_lost"] is False
    assert "amount_lost" not in slots


def test_consents_keep_the_words_the_reporter_read(make_tracker: MakeTracker) -> None:
    from actions.submission import build_consents, build_report

    tracker = in_language(
        make_tracker("对", "affirm", slots={**SLOTS, "interview": "general"}), "zh"
    )
    consents = {c.kind: c for c in build_consents(build_report(tracker))}
    assert consents["forward_national"].granted
    assert consents["forward_national"].wording == say("consent.forward_national", "zh")
    assert "警方" in consents["forward_national"].wording


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我会不会被抓？", True),
        ("我会坐牢吗", True),
        ("saya akan ditangkap ke?", True),
        ("adakah saya akan masuk penjara", True),
        ("我转了三千块给他", False),
        ("saya dah bayar RM300", False),
    ],
)
def test_am_i_in_trouble_in_chinese_and_malay(text: str, expected: bool) -> None:
    from actions.safety import asks_if_in_trouble

    assert asks_if_in_trouble(text) is expected


def test_sextortion_and_money_mule_words_in_chinese_and_malay() -> None:
    from actions.safety import _MULE, is_sextortion

    assert is_sextortion("他威胁要把我的裸照发给我家人")
    assert is_sextortion("dia ugut sebar video bogel saya")
    assert not is_sextortion("他说他是警察，要我转钱")
    # a threat to send pictures to the people the reporter knows, without naming them as nudes
    assert is_sextortion("有人拿到我的照片，说不给他500新币今晚就发给我全班同学")
    assert is_sextortion("dia nak sebar gambar saya kepada kawan-kawan")
    assert is_sextortion("hantar gambar saya kat keluarga kalau tak bayar")
    assert not is_sextortion("警察说要把案件资料发给法院")
    assert _MULE.search("我把我的银行账户借给他们用了")
    assert _MULE.search("mereka sewa akaun saya")


@pytest.mark.parametrize(
    ("text", "stops"),
    [("算了，不报了", True), ("saya nak batalkan", True), ("新加坡", False), ("Malaysia", False)],
)
def test_stop_words_in_chinese_and_malay(text: str, stops: bool) -> None:
    from actions.interview import _STOP_WORDS

    assert bool(_STOP_WORDS.search(text)) is stops


def test_a_question_to_the_bot_is_not_taken_for_the_answer(make_tracker: MakeTracker) -> None:
    from actions.interview import answer_to_requested

    slots = {"requested_slot": "item_received", "interview": "fake_shop"}
    assert answer_to_requested(make_tracker("你是机器人吗？", slots=slots), "你是机器人吗？") == []
    assert (
        answer_to_requested(make_tracker("kenapa awak tanya?", slots=slots), "kenapa awak tanya?")
        == []
    )
    answered = answer_to_requested(make_tracker("什么都没收到", slots=slots), "什么都没收到")
    assert answered[0]["value"] == "nothing"


@pytest.mark.parametrize(
    "text", ["我已经说过了", "上面说了", "saya dah cakap tadi", "sama macam tadi"]
)
def test_i_told_you_already_in_chinese_and_malay(text: str) -> None:
    from actions.answers import refers_to_opening_story

    assert refers_to_opening_story(text)


def test_a_screenshot_indicator_is_removed_in_chinese_and_malay() -> None:
    from actions.screenshots import removal_targets
    from scamreport.storage.records import NewIndicator

    listed = [
        NewIndicator(kind="url", value="https://bit.ly/x1", source="screenshot"),
        NewIndicator(kind="phone", value="+6581234567", source="screenshot"),
    ]
    assert [i.kind for i in removal_targets("把链接删掉", listed, "SG")] == ["url"]
    assert [i.kind for i in removal_targets("nombor telefon tu saya punya", listed, "MY")] == [
        "phone"
    ]
    assert len(removal_targets("全部删除", listed, "SG")) == 2
    assert removal_targets("链接是对的", listed, "SG") == []


@pytest.mark.parametrize(
    ("story", "expected"),
    [
        (
            "我在Shopee买了一台PS5，付了800新元，到现在都没收到",
            {"items_ordered": "一台PS5", "item_received": "nothing"},
        ),
        (
            "Saya beli kasut Nike dari Instagram, bayar RM300 tapi barang tak sampai",
            {"items_ordered": "kasut Nike", "item_received": "nothing"},
        ),
        ("收到的是假货", {"item_received": "fake_or_wrong"}),
        ("dapat barang palsu", {"item_received": "fake_or_wrong"}),
    ],
)
def test_fake_shop_stories_in_chinese_and_malay(story: str, expected: dict[str, str]) -> None:
    from actions.prefill import shop_slots_from_text

    assert shop_slots_from_text(story) == expected


def test_a_deadline_in_chinese_or_malay_is_not_when_it_happened() -> None:
    from actions.answers import deadline_in
    from actions.prefill import incident_date_in

    assert incident_date_in("昨天有人打电话给我", "SG") is not None
    assert incident_date_in("他要我明天之前付五千块", "SG") is None
    assert incident_date_in("dia suruh bayar sebelum esok", "MY") is None
    assert deadline_in("bayar RM500 sebelum malam ini") == "sebelum malam ini"
    assert deadline_in("24小时内要付") == "24小时内"


# (story, the words of the story that say when it happened, or None: the form asks)
@pytest.mark.parametrize(
    ("story", "when"),
    [
        ("他偷偷汇了好几次钱，我们昨天才知道", None),
        ("他上个月开始汇钱，我们昨天才发现", "上个月"),
        ("my dad sent money many times, we only found out yesterday", None),
        ("I realised yesterday that I was scammed last month", "last month"),
        ("duit dlm akaun hilang, sy baru perasan semalam", None),
        ("semalam baru tahu kena tipu", None),
        ("I paid yesterday and realised it was a scam", "yesterday"),
        ("it must be paid today or you get arrested", None),
        ("semalam sy kena tipu", "semalam"),
        # found out later in the same sentence, with no other date between
        ("Sy pun bayar. Minggu ni pembekal call tanya bila nak bayar, rupanya email palsu", None),
        ("昨天有一个安娣给我信封的时候哭了，我才觉得不对。", None),
        ("我儿子自己偷偷付了两百美金，今天才跟我讲", None),
        ("上个月我转了5000，昨天才发现", "上个月"),
        ("钱被转走了，昨天他才察觉", None),
        ("semalam kami dapat tahu, rupanya akaun tu palsu", None),
        ("semalam baru dapat tahu duit dah hilang", None),
        # "just found out" later in the sentence is now, not the date before it
        ("昨天刚发现被骗了", None),
        ("上周转了钱，刚发现被骗", "上周"),
        ("I paid last week and just realised it was fake", "last week"),
        # the cost of reading it so: a call on the day they found out is asked about again
        ("semalam dia call, rupanya scammer", None),
        # a threat's date is no more the incident's than a deadline's
        ("they said he owed tax and would be arrested today if he didnt pay", None),
        ("他说欠税，今天就会被抓", None),
        ("dia kata ayah akan ditangkap hari ini kalau tak bayar", None),
        # the day they met, or a date of their own life, gives way to a later date
        ("我五十几岁，去年离婚。在facebook认识一个男人，上个月他说要借钱", "上个月"),
        ("我前天在小红书认识一个女生 今晚她叫我跟她video call", "今晚"),
        ("I met him on tinder last year and last month he asked for money", "last month"),
        ("sy kenal dia kat fb bulan lepas, semalam dia minta duit", "semalam"),
        # and stays when no later date follows
        ("我前天在小红书认识一个女生，她录了视频", "前天"),
    ],
)
def test_the_day_they_found_out_is_not_when_it_happened(story: str, when: str | None) -> None:
    from actions.prefill import incident_date_in
    from scamreport.extraction.dates import read_date

    expected = read_date(when, "SG") if when else None
    assert incident_date_in(story, "SG") == (expected.iso if expected else None)


@pytest.mark.parametrize(
    "story",
    [
        "有人whatsapp问我要不要做part time，帮youtube的video点赞，一个赞给5块",
        "they paid me to like tiktok videos, then asked for a deposit",
        "dia suruh like video tiktok, dpt S$5 satu task",
    ],
)
def test_a_video_watched_or_liked_is_no_video_call(story: str) -> None:
    slots = slots_from_text(story, country="SG", interview="general", scam_type="other")
    assert slots.get("contact_channel") != "video_call"


def test_orang_is_no_phone_call() -> None:
    story = "ada orang tipu saya, saya bayar deposit bilik sewa kat dia"
    slots = slots_from_text(story, country="MY", interview="general", scam_type="other")
    assert "contact_channel" not in slots


@pytest.mark.parametrize(
    "story",
    [
        "fake cbi officers called and kept me on skype video for two days, digital arrest",
        "他们打电话来，后来一直开着视频看着我",
        "polis palsu call lepas tu suruh on video whatsapp",
    ],
)
def test_a_call_that_went_on_video_is_a_video_call(story: str) -> None:
    slots = slots_from_text(story, country="SG", interview="general", scam_type="fake_authority")
    assert slots.get("contact_channel") == "video_call"


def test_a_romance_story_in_chinese() -> None:
    story = "我们在微信上认识，聊了三个月，他说要钱办签证"
    slots = slots_from_text(story, country="SG", interview="general", scam_type="romance")
    assert (slots["where_met"], slots["how_long"]) == ("WeChat", "三个月")
    assert slots["contact_channel"] == "messaging_app"


@pytest.mark.parametrize(
    ("story", "country"),
    [
        ("我妈妈住在马来西亚，她被骗了", "MY"),
        ("我住在新加坡", "SG"),
        ("mak saya tinggal di Malaysia", "MY"),
        ("saya tinggal di Singapura", "SG"),
        ("salam, sy dr Brunei. sy nak report utk mak sy", "BN"),
        ("hi im from singapore, someone called me pretending to be dbs", "SG"),
    ],
)
def test_where_the_reporter_or_their_relative_lives(story: str, country: str) -> None:
    assert slots_from_text(story, country=None, interview=None)["country"] == country


def test_a_country_named_after_what_follows_in_is_not_where_the_reporter_lives() -> None:
    # "我在探探认识一个台湾女生" is "on Tantan I met a Taiwanese woman": not in Taiwan.
    story = "我在探探认识一个台湾女生，每天跟我聊天"
    assert "country" not in slots_from_text(story, country=None, interview=None)


@pytest.mark.parametrize(
    "story",
    ["he said im from customs and i must pay", "dia kata dia dari polis", "sy dari bank tu"],
)
def test_where_someone_else_says_they_are_from_is_no_country(story: str) -> None:
    assert "country" not in slots_from_text(story, country=None, interview=None)


async def test_a_future_date_is_refused_with_the_date_in_the_reporters_words(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    from actions.forms import ValidateFakeShopForm

    dispatcher = CollectingDispatcher()
    slots = {"requested_slot": "incident_date", "incident_date": "2099年3月3日", "country": "SG"}
    tracker = make_tracker("2099年3月3日", slots=slots, active_loop="fake_shop_form")
    tracker.events.append({"event": "slot", "name": "incident_date", "value": "2099年3月3日"})
    await ValidateFakeShopForm().run(dispatcher, in_language(tracker, "zh"), domain)
    (message,) = [m for m in dispatcher.messages if m["response"] == "utter_future_incident_date"]
    assert message["value"] == "2099年3月3日"


@pytest.mark.parametrize(
    ("story", "shop"),
    [
        ("我在一个叫「小美好物」的卖家买了一双鞋", "小美好物"),
        ("卖家叫xiaomei_shop", "xiaomei_shop"),
        ("Saya beli dari kedai bernama ShopMurah", "ShopMurah"),
    ],
)
def test_the_sellers_name_in_chinese_and_malay(story: str, shop: str) -> None:
    from actions.prefill import shop_slots_from_text

    found = shop_slots_from_text(story)
    assert found["shop_name"] == shop
    assert "dari" not in found.get("items_ordered", "")


def test_where_the_money_went_and_what_was_typed_in_chinese_and_malay() -> None:
    from actions.answers import payee_in

    assert payee_in("转到 DBS 123-45678-9", "SG") == "DBS 123-45678-9"
    assert payee_in("bank in ke akaun Maybank 1122 3344 5566", "MY") == (
        "akaun Maybank 1122 3344 5566"
    )
    assert read_answer("entered_details", "我输入了卡号和有效期").also == {"payment_method": "card"}
    assert read_answer("entered_details", "saya masukkan kata laluan bank").also == {
        "payment_method": "bank_transfer"
    }


@pytest.mark.parametrize("text", ["我想举报一个诈骗，请帮帮我", "saya nak buat laporan penipuan"])
def test_a_request_to_report_is_not_the_story(text: str) -> None:
    assert not is_a_story(text)


@pytest.mark.parametrize(
    "text",
    ["银行转帐 三次，不知道，是一个马来西亚的户口，名字不是他", "jadi semua 2 kali transfer"],
)
def test_a_count_after_is_or_so_is_no_amount(make_tracker: MakeTracker, text: str) -> None:
    # "是一个马来西亚的户口" (it is a Malaysian account) changed the amount to 1 SGD
    slots = {"interview": "general", "country": "SG", "amount_lost": "17500 SGD"}
    tracker = make_tracker(text, intent="correct", slots=slots)
    assert "amount_lost" not in corrections_in(text, tracker)


@pytest.mark.parametrize(
    ("text", "before", "after"),
    [
        ("不对，是短信", {"contact_channel": "phone_call"}, {"contact_channel": "sms"}),
        (
            "silap, saya bayar guna DuitNow",
            {"payment_method": "bank_transfer", "money_lost": True},
            {"payment_method": "instant_payment"},
        ),
        (
            "其实是用PayNow付的",
            {"payment_method": "bank_transfer", "money_lost": True},
            {"payment_method": "instant_payment"},
        ),
        (
            "sebenarnya dia hubungi melalui WhatsApp",
            {"contact_channel": "phone_call"},
            {"contact_channel": "messaging_app"},
        ),
        # a number corrected: its digits leave the amount alone
        (
            "其实号码是 9027 6615",
            {"scammer_contact": "+6581234567", "amount_lost": "300 SGD", "money_lost": True},
            {"scammer_contact": "+6590276615"},
        ),
    ],
)
def test_other_corrections_in_chinese_and_malay(
    make_tracker: MakeTracker, text: str, before: dict[str, Any], after: dict[str, Any]
) -> None:
    slots = {"interview": "fake_authority", "country": "SG", **before}
    assert corrections_in(text, make_tracker(text, intent="correct", slots=slots)) == after


def test_a_date_corrected_in_chinese_drops_the_old_one(make_tracker: MakeTracker) -> None:
    text = "不对，是前天不是昨天"
    slots = {"interview": "fake_authority", "country": "SG", "incident_date": "2000-01-01"}
    changed = corrections_in(text, make_tracker(text, intent="correct", slots=slots))
    yesterday = read_answer("incident_date", "昨天", country="SG").value
    assert set(changed) == {"incident_date"} and changed["incident_date"] != yesterday


def test_every_phrase_the_story_reading_writes_has_its_words_in_every_language() -> None:
    from actions.prefill import _DEMANDS
    from actions.summary import _ENGLISH_PHRASES

    assert {label for label, _ in _DEMANDS} | {"a wrong-number message"} == set(_ENGLISH_PHRASES)
    for language in LANGUAGES:
        for english, key in _ENGLISH_PHRASES.items():
            assert describe_value("demand", english, language) == say(key, language)
    assert describe_value("demand", english, "en") == english


async def test_the_closing_questions_answered_in_chinese(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    from actions.forms import ValidateClosingForm

    text = "是，发给警方，也可以在这里联系我"
    slots = {"requested_slot": "consent_forward", "consent_forward": text, "country": "SG"}
    tracker = in_language(make_tracker(text, slots=slots, active_loop="closing_form"), "zh")
    tracker.events.append({"event": "slot", "name": "consent_forward", "value": text})
    events = await ValidateClosingForm().run(CollectingDispatcher(), tracker, domain)
    slots_set = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots_set["consent_forward"] == "national"
    assert slots_set["contact_permission"] == "telegram"


def test_a_video_call_alone_is_no_sextortion() -> None:
    from actions.safety import is_sextortion

    # A victim on a video call with a fake MAS officer got "stop replying to them" advice
    # instead of "hang up, do not go to the bank".
    assert not is_sextortion("我现在还在跟他们WhatsApp video call！！他们说是金管局MAS的官员")
    assert not is_sextortion("the police did a video call in uniform and showed a warrant")
    assert is_sextortion("someone recorded our video call and says he will send it to my friends")
    assert is_sextortion("she took off her clothes on the video call, now he wants money")
    # recorded, in Malay and Chinese
    assert is_sextortion("video call dgn awek tu dirakam")
    assert is_sextortion("ada org rakam vc sy")
    assert is_sextortion("他们录了我视频通话")
    assert is_sextortion("视频聊天的时候被录屏了")
    # a fake officer records a statement, not the reporter
    assert not is_sextortion("polis rakam keterangan sy")
    assert not is_sextortion("警察要录口供")
    assert not is_sextortion("dia suruh rakam video IC sy")
