"""Reading a reporter's answer to one interview question into a slot value.

Pure functions: they take the answer text (and what is known so far) and return either the
normalised value or the response that re-asks kindly. The form validators and the correction
action both use them, so an answer means the same wherever it is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import phonenumbers

from scamreport.channel import MAX_STORY_CHARS
from scamreport.consent import ForwardConsent
from scamreport.countries import country_name, resolve_country
from scamreport.extraction import (
    Amount,
    classify_scam_type,
    read_message,
)
from scamreport.extraction.amounts import local_currency, names_a_currency
from scamreport.extraction.dates import DateAnswer, incident_date_problem, read_date
from scamreport.extraction.payment_methods import payment_method_in, payment_method_of_entities
from scamreport.extraction.payments import money_mentions, says_not_paid, sounds_demanded
from scamreport.extraction.totals import total_answered
from scamreport.languages import HAN_RANGES, LANGUAGES
from scamreport.locales import catalog
from scamreport.presentation import describe_date
from scamreport.safeguarding import ADULT_AGE, stated_age
from scamreport.taxonomy import SCAM_TYPES

SKIPPED = "skipped"
HAN = re.compile("[" + HAN_RANGES + "]")
MAX_ANSWER_CHARS = 2000

# Slots a reporter may not skip: routing and consent depend on them.
REQUIRED_SLOTS = frozenset({"country", "consent_forward", "contact_permission", "story"})
# After this many answers that could not be read, an optional question is left blank.
MAX_FAILED_ATTEMPTS = 2


@dataclass(frozen=True)
class Answer:
    """The outcome of reading one answer."""

    value: Any = None
    response: str | None = None
    response_args: dict[str, str] = field(default_factory=dict)
    # Other slots the same answer settles (e.g. "yes, I lost 2000 dollars" also gives the amount).
    also: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.value is not None


def reject(response: str, **args: str) -> Answer:
    return Answer(value=None, response=response, response_args=args)


_YES = re.compile(
    r"^\s*(?:(/affirm|y|ya|yah|yeah|yep|yes|yess|ok|okay|sure|correct|confirm|of course|i did|"
    r"i have|lost|yer|yup|betul|benar|boleh|setuju|ada(?!\s+(?:orang|seorang))|sudah|dah|baik|okey)\b"
    # Chinese writes no spaces: "是的", "对，转了三千" (a "no" below is read first: "不是").
    r"|是(?!不是|否)|对(?!方)|有(?!点|些|人)|好(?!像)|可以|嗯|没错|确认|同意|损失了|被骗了)",
    re.I,
)
_NO = re.compile(
    r"^\s*(?:(/deny|n|no|nope|nah|not really|none|nothing|never|i didn'?t|i did not|tidak|tak|"
    r"bukan|belum|blm|tiada|takde|tak\s+ada|tidak\s+ada|x|tak\s+pernah|tidak\s+pernah|"
    r"jangan)\b|不是|不对|没有?(?!印象|满)|无|否|不用|不要|不需要|不可以|不行|不同意|未(?!成年|满)|"
    r"还没(?!满))",
    re.I,
)


_NOT_SURE = re.compile(
    r"\b(?:idk|i\s+don'?t\s+know|dont\s+know|dunno|not\s+sure|no\s+idea|maybe|unsure|"
    r"can'?t\s+tell|don'?t\s+remember|(?:tak|tidak|x)\s+(?:tahu|tau|pasti|ingat|sure)|lupa|"
    r"mungkin|entah|kurang\s+pasti)\b"
    r"|不知道|不确定|不清楚|不太清楚|不记得|记不得|记不清|忘了|没印象|说不准|可能|也许|大概吧",
    re.IGNORECASE,
)


def read_yes_no(text: str, intent: str | None) -> bool | None:
    """True/False from an intent or the words, None when unclear."""
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    if _NO.search(text):
        # "no idea", "tak tahu" (don't know): unsure, not a no
        return None if _NOT_SURE.search(text) else False
    if _YES.search(text):
        return True
    return None


def clean_text(text: str, *, limit: int = MAX_ANSWER_CHARS) -> str | None:
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > limit:
        return None
    return cleaned


def read_free_text(text: str, **_: Any) -> Answer:
    cleaned = clean_text(text)
    if cleaned is None:
        return reject("utter_invalid_text", max=str(MAX_ANSWER_CHARS))
    return Answer(cleaned)


# "I told you already", "same as above": the story is the one the reporter opened with.
_ALREADY_TOLD = re.compile(
    r"\b(?:told\s+you|already\s+(?:said|told|wrote|explained)|said\s+(?:it\s+)?already|"
    r"same\s+as\s+(?:above|before)|see\s+above|as\s+i\s+said|like\s+i\s+said|"
    r"(?:dah|sudah|telah)\s+(?:cakap|beritahu|bagitahu|terangkan|tulis)|macam\s+tadi|"
    r"seperti\s+(?:di\s+atas|tadi)|sama\s+(?:macam|seperti)\s+tadi)\b"
    r"|已经(?:说|讲|告诉|写)|刚才(?:说|讲)|上面(?:说|写)|说过了|讲过了|同上",
    re.IGNORECASE,
)


def refers_to_opening_story(text: str) -> bool:
    """ "I told you already": the story is the one the reporter opened with."""
    return bool(_ALREADY_TOLD.search(text))


def read_story(text: str, **_: Any) -> Answer:
    cleaned = clean_text(text, limit=MAX_STORY_CHARS)
    if cleaned is None:
        return reject("utter_invalid_text", max=str(MAX_STORY_CHARS))
    return Answer(cleaned)


def _country_names() -> dict[str, str]:
    """Every country name of locales/<lang>/actions.yml, lower-cased -> its code."""
    return {
        name.lower(): key.removeprefix("country.")
        for language in LANGUAGES
        for key, name in catalog("actions", language).items()
        if key.startswith("country.")
    }


def country_named_first(text: str) -> str | None:
    """The country whose Chinese name begins ``text`` ("新加坡的家里" -> SG), the longest."""
    names = _country_names()
    found = [name for name in names if HAN.search(name) and text.startswith(name)]
    return names[max(found, key=len)] if found else None


def country_in_any_language(text: str) -> str | None:
    """A country named in English (scamreport.countries) or as the reporter's language names
    it in locales/<lang>/actions.yml ("新加坡", "Singapura", "我在马来西亚")."""
    code = resolve_country(text)
    if code:
        return code
    words = text.strip().lower()
    names = _country_names()
    if words in names:
        return names[words]
    # Chinese writes the name inside the sentence ("我住在新加坡"): the longest one found.
    found = [name for name in names if HAN.search(name) and name in words]
    return names[max(found, key=len)] if found else None


def read_country(text: str, **_: Any) -> Answer:
    code = country_in_any_language(text)
    if code is None:
        return reject("utter_invalid_country", value=text.strip()[:60])
    return Answer(code)


_NOTHING_LOST = re.compile(
    r"^\s*(?:(?:/deny|no+|nope|nah|none|nothing|zero|nil|0|not\s+(?:yet|really|any(?:thing)?)|"
    r"i\s+(?:didn'?t|did\s+not|haven'?t|have\s+not)|didn'?t|haven'?t|never|no\s+money|"
    r"nothing\s+(?:yet|lost|taken|paid)|tiada|takde|tak|tidak|belum|blm|sifar|kosong|x)\b"
    r"|没有?|无|零|一分钱都没|还没|未)",
    re.IGNORECASE,
)


_NEGATION = re.compile(
    r"\b(?:never|not|no|none|nothing|didn'?t|did\s+not|don'?t|haven'?t|hasn'?t|wasn'?t|tak|"
    r"tidak|belum|bukan|tiada|takde|x)\b|没|不|未|无",
    re.IGNORECASE,
)


def read_amount(text: str, *, country: str | None = None, **_: Any) -> Answer:
    """How much was lost; "none" means nothing was, "idk" leaves it to the yes/no question."""
    amount = amount_in_answer(text, country)
    if amount is None or amount.value <= 0:
        if _NOTHING_LOST.search(text):
            return Answer(SKIPPED, also={"money_lost": False})
        if _NOT_SURE.search(text):
            return Answer(SKIPPED)
        if _NEGATION.search(text):  # "they never paid my salary": no money of their own lost
            return Answer(SKIPPED, also={"money_lost": False})
        return reject("utter_invalid_amount_lost", value=text.strip()[:60])
    if says_not_paid(text):
        return Answer(SKIPPED, also={"money_lost": False, "amount_demanded": str(amount)})
    # "没有，反而他拿了五百块" (no; he was the one paid 500): the amount is no loss
    if _NOTHING_LOST.search(text):
        mentions = money_mentions(text, country)
        if (mentions.promised or mentions.claimed) and not mentions.lost:
            return Answer(SKIPPED, also={"money_lost": False})
    return Answer(str(amount), also={"money_lost": True})


def amount_in_answer(text: str, country: str | None) -> Amount | None:
    """An amount answered, the total of several payments too ("2 payments, 1500 and 800"); a
    bare number ("300") is in the reporter's own currency."""
    amount = total_answered(text, country)
    if amount is not None and amount.currency is None and not names_a_currency(text):
        return Amount(amount.value, local_currency(country))
    return amount


def read_incident_date(
    text: str,
    *,
    country: str | None = None,
    today: date | None = None,
    language: str = "en",
    **_: Any,
) -> Answer:
    """A day, a week, a month or a range ("last week", "june", "between June and August"),
    kept with its precision as ISO 8601 ("2026-W46", "2026-06", "2026-06/2026-08")."""
    today = today or date.today()
    # A value the story already gave ("上个月" -> "2026-10") is validated again as the slot's
    # value: it must read as itself, not as "I can't see a date in 2026-10".
    answer = DateAnswer.from_iso(text) or read_date(text, country, today=today)
    if answer is None:
        return reject("utter_invalid_incident_date", value=text.strip()[:60])
    problem = incident_date_problem(answer, today)
    if problem == "future":
        return reject("utter_future_incident_date", value=describe_date(answer, language))
    if problem == "too_old":
        return reject("utter_too_old_incident_date", value=describe_date(answer, language))
    return Answer(answer.iso)


def read_money_lost(
    text: str, *, intent: str | None = None, country: str | None = None, **_: Any
) -> Answer:
    amount = amount_in_answer(text, country)
    if sounds_demanded(text):
        # "he wants 15000", "not yet, they want 2000": demanded, not lost
        also = {"amount_demanded": str(amount)} if amount and amount.value > 0 else {}
        return Answer(False, also=also)
    if amount is not None and amount.value > 0 and not _NO.search(text):
        return Answer(True, also={"amount_lost": str(amount)})
    answer = read_yes_no(text, intent)
    if answer is None:
        if _NOT_SURE.search(text):
            return Answer(SKIPPED)  # "idk", "not sure yet": the money questions are left out
        return reject("utter_invalid_yes_no")
    return Answer(answer)


CHANNEL_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # a call or chat on video, not a video watched or recorded ("帮youtube的video点赞")
    (
        "video_call",
        re.compile(
            r"video\s*-?\s*(?:call|chat)|videocall|\bvc\b|视频(?:通话|聊天|电话|call)|视讯|"
            r"(?:whats\s?app|wechat|微信|telegram|messenger|line|facetime|skype|zoom)\s*(?:的)?\s*"
            r"(?:video|视频)|\b(?:panggilan|call)\s+video|"
            r"^\W*(?:a\s+|by\s+|on\s+|through\s+|via\s+|guna\s+)?(?:video|视频)\W*$",
            re.I,
        ),
    ),
    # "read out an sms code": the code came by SMS, the scammer may have called.
    (
        "sms",
        re.compile(
            r"\b(sms|texts?|text message|texted|txt|txted|smish\w*|imessage)\b"
            r"(?!\s+(?:code|otp|pin|verification|message\s+code))"
            r"|短信|简讯|手机信息|\bmesej\b(?!\s+(?:whats\s?app|telegram|wechat|fb|facebook|ig|"
            r"instagram|tiktok|di\s+(?:whats\s?app|telegram|fb|facebook|ig|instagram)))",
            re.I,
        ),
    ),
    # "Royal Mail", "Canada Post": couriers, not e-mail.
    (
        "email",
        re.compile(
            r"\b(e-?mail(?:ed)?|gmail|hotmail|outlook|e-?mel)\b|(?<!royal )\bmail(?:ed)?\b|"
            r"电邮|电子邮件|邮件",
            re.I,
        ),
    ),
    (
        "messaging_app",
        re.compile(
            r"whats ?app|telegram|wechat|\bline\b|viber|signal|messenger|(?:chat|messaging)\s+app\b|"
            r"^\W*(?:an?\s+|through\s+an?\s+|via\s+an?\s+)?app\W*$|微信|电报|"
            r"aplikasi\s+(?:mesej|sembang|pesanan)",
            re.I,
        ),
    ),
    (
        "social_media",
        re.compile(
            r"facebook|instagram|tiktok|twitter|linkedin|\bx\b|carousell|social|sosial|脸书|"
            r"面子书|抖音|小红书|微博|社交",
            re.I,
        ),
    ),
    (
        "website",
        re.compile(
            # "internet banking", "internet rumah" (home broadband), "网上银行": no website
            r"website|web site|online shop|site\b|laman\s+(?:web|sesawang)|"
            r"internet(?!\s*(?:banking|bank|rumah|connection|line|provider|plan|speed))|"
            r"kedai\s+(?:dalam\s+talian|online)|网站|网页|网店|网上(?!银行|转账|支付|银)",
            re.I,
        ),
    ),
    (
        "in_person",
        re.compile(
            r"in person|came to my (house|home|door)|face to face|visited|bersemuka|"
            r"datang\s+(?:ke\s+)?rumah|当面|见面|上门|来我家",
            re.I,
        ),
    ),
    (
        "phone_call",
        re.compile(
            # "rang" and "ring" as words: "orang" (Malay for "person") is no phone call
            r"call|phone|\brang\b|\bring\b|mobile|landline|panggilan|telefon|电话|来电|致电|打给我|打来",
            re.I,
        ),
    ),
]


# A video is a video call ("on skype, on video the whole time", "录了视频"), unless it is one
# watched or liked ("帮youtube的video点赞"); CHANNEL_PATTERNS then finds the call beside it.
_ANY_VIDEO = re.compile(r"video|视频|视讯", re.IGNORECASE)
_WATCHED_VIDEO = re.compile(
    r"youtube|tiktok|抖音|点赞|\blik(?:e|ed|ing)\b|\bwatch\w*|\btonton\w*|看(?:了)?(?:视频|video)",
    re.IGNORECASE,
)


def channel_in(text: str) -> str | None:
    """How the scammers reached the reporter, by the first channel ``text`` names."""
    if _ANY_VIDEO.search(text) and not _WATCHED_VIDEO.search(text):
        return "video_call"
    for code, pattern in CHANNEL_PATTERNS:
        if pattern.search(text):
            return code
    return None


def read_contact_channel(text: str, **_: Any) -> Answer:
    channel = channel_in(text)
    return Answer(channel) if channel else read_free_text(text)


_PAID_TO = re.compile(
    r"(?:\b(?:to|into|in\s+to|ke|kepada|ke\s+dalam)\s+|转到|转给|转入|汇到|汇给|汇入|打到|付给|存入|存到)"
    r"(.{3,120})$",
    re.IGNORECASE | re.DOTALL,
)
_PAYEE_KINDS = ("iban", "crypto_wallet", "phone", "email", "handle")
# A bank account number with the bank's name before it: "Bank Islam 1201 2020 1234 56",
# "maybank 5140-1234-5678", "DBS 123-45678-9" (8 digits or more, spaces and dashes allowed).
ACCOUNT_NUMBER = re.compile(
    r"(?:\b[A-Za-z][\w&]*\s+){0,2}(?<![\d+])\d(?:[ -]?\d){7,19}(?!\d|[,.]\d)", re.IGNORECASE
)


def payee_in(text: str, country: str | None = None) -> str | None:
    """Where money went, when an answer about paying also says it ("bank transfer to DBS
    123-45678-9", "USDT to TQ7x..."): an account, wallet, number or address, not "to him"."""
    found = read_message(text, country).indicators()
    values = [value for kind, value in found.items() if kind in _PAYEE_KINDS]
    if values:
        return ", ".join(dict.fromkeys(values))
    paid_to = _PAID_TO.search(text)
    if paid_to and re.search(r"\d{4,}|\d[\d -]{6,}\d", paid_to.group(1)):
        return clean_text(paid_to.group(1).strip())
    account = ACCOUNT_NUMBER.search(text)
    return clean_text(account.group().strip()) if account else None


def read_payment_method(
    text: str,
    *,
    country: str | None = None,
    entities: Mapping[str, Sequence[str]] | None = None,
    **_: Any,
) -> Answer:
    """How the reporter paid: the ``payment_method`` entity Rasa extracted from the answer, else
    the answer's words. The question also asks where to, so an account, wallet or number in the
    answer settles the next question too."""
    payee = payee_in(text, country)
    also = {"payee_account": payee} if payee else {}
    code = payment_method_of_entities((entities or {}).get("payment_method", ()))
    code = code or payment_method_in(text)
    if code:
        return Answer(code, also=also)
    answer = read_free_text(text)
    return Answer(answer.value, also=also) if answer.ok else answer


_FAKE_ITEMS = re.compile(
    r"fake|wrong|counterfeit|different|not what|poor|broken|used|palsu|tiruan|salah|rosak|"
    r"假|仿冒|山寨|不一样|不对|错|坏|烂|旧"
)
_PART_OF_ORDER = re.compile(
    r"part|some|half|only \d|sebahagian|separuh|sikit|hanya|部分|一半|一些|只收到|只到了|少了"
)
_NOTHING_CAME = re.compile(
    r"nothing|never|not (arrive|come|receive)|no\b|didn'?t|did not|none|"
    r"\b(?:tak|tidak|belum|x)\s+(?:sampai|terima|dapat|datang)|\btiada\b|\btakde\b|"
    r"没|未|什么都|都没|还没"
)
_ORDER_CAME = re.compile(r"\b(yes|arrived|received|got it|sampai|terima|dapat)\b|收到|到了|已到")


def read_item_received(text: str, *, intent: str | None = None, **_: Any) -> Answer:
    lowered = text.lower()
    if _FAKE_ITEMS.search(lowered):
        return Answer("fake_or_wrong")
    if _PART_OF_ORDER.search(lowered):
        return Answer("partial")
    if _NOTHING_CAME.search(lowered) or intent == "deny":
        return Answer("nothing")
    if intent == "affirm" or _ORDER_CAME.search(lowered):
        return Answer("received")
    return reject("utter_invalid_choice")


_SOMETHING_ELSE = re.compile(
    r"something else|other|not sure|none of|lain|tak pasti|其他|其它|别的|不确定|都不是", re.I
)


def read_scam_type(text: str, **_: Any) -> Answer:
    code = text.strip().lower().replace(" ", "_")
    if code in SCAM_TYPES:
        return Answer(code)
    if _SOMETHING_ELSE.fullmatch(text.strip()):
        return Answer("other")
    classified = classify_scam_type(text)
    if classified:
        return Answer(classified)
    if _SOMETHING_ELSE.search(text):
        return Answer("other")
    return reject("utter_invalid_choice")


_NO_CONTACT = re.compile(
    r"\b(?:no\s+contact|(?:don'?t|do\s+not|dont|never)\s+(?:contact|call|message|text)\s+me|"
    r"no\s+updates?|without\s+contact|(?:jangan|tak\s+perlu|tidak\s+perlu|usah)\s+"
    r"(?:hubungi|call|telefon|mesej|contact)(?:\s+saya)?)\b"
    r"|(?:不要|别|不用|不必|无需)(?:再)?(?:联系|联络|打电话|打|找|通知)",
    re.IGNORECASE,
)
_CONTACT_HERE = re.compile(
    r"\b(?:update\s+me|keep\s+me\s+(?:posted|updated|informed)|let\s+me\s+know|tell\s+me|"
    r"message\s+me|in\s+this\s+chat|here|di\s+sini|dalam\s+sembang|beritahu\s+saya|"
    r"maklumkan)\b|这里|这边|这个聊天|在这|告诉我|通知我|发信息给我",
    re.IGNORECASE,
)
_CONTACT_PHONE = re.compile(
    r"\b(?:call\s+me|by\s+phone|phone\s+me|ring\s+me|phone|call|telefon|panggil)\b|"
    r"打电话|电话|致电",
    re.I,
)
# "no", "don't", and their Chinese and Malay kin, anywhere in an answer about consent.
_REFUSAL = re.compile(
    r"\b(?:no|not|don'?t|do not|never|tidak|tak(?!\s+apa)|jangan|usah|bukan|x)\b|"
    r"不要|不用|不必|不想|不同意|不可以|不行|不好|不发|不需要|别|否|勿",
    re.I,
)
_ABROAD = re.compile(
    r"abroad|overseas|international|other countr|also share|everywhere|luar\s+negara|"
    r"antarabangsa|negara\s+lain|国外|海外|外国|其他国家|别的国家|国际"
)
_SEND = re.compile(r"send|share|police|hantar|kongsi|polis|发|提交|交给|报警|警方|警察")


def contact_in(text: str) -> str | None:
    """How the reporter may be contacted, when their words say it ("update me here")."""
    if _NO_CONTACT.search(text):
        return "none"
    if _CONTACT_PHONE.search(text):
        return "phone"
    if _CONTACT_HERE.search(text):
        return "telegram"
    return None


def read_consent_forward(text: str, *, intent: str | None = None, **_: Any) -> Answer:
    """Whether to send the report (and abroad); "...and update me here" also answers contact."""
    contact = contact_in(text)
    rest = _NO_CONTACT.sub(" ", text).lower()
    also = {"contact_permission": contact} if contact else {}
    if _REFUSAL.search(rest) or (intent == "deny" and not contact):
        return Answer(ForwardConsent.NONE.value, also=also)
    if _ABROAD.search(rest):
        return Answer(ForwardConsent.NATIONAL_AND_ABROAD.value, also=also)
    if intent == "affirm" or read_yes_no(text, None) or _SEND.search(rest):
        return Answer(ForwardConsent.NATIONAL.value, also=also)
    return reject("utter_invalid_choice")


def read_contact_permission(text: str, *, intent: str | None = None, **_: Any) -> Answer:
    contact = contact_in(text)
    if contact:
        return Answer(contact)
    yes_no = read_yes_no(text, intent)
    if yes_no is False or _REFUSAL.search(text.lower()):
        return Answer("none")
    if yes_no or re.search(r"chat|telegram|sembang|聊天", text, re.I):
        return Answer("telegram")
    return reject("utter_invalid_choice")


def read_contact_phone(text: str, *, country: str | None = None, **_: Any) -> Answer:
    region = country if country else None
    for match in phonenumbers.PhoneNumberMatcher(text, region or "ZZ"):
        if phonenumbers.is_valid_number(match.number):
            return Answer(
                phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            )
    return reject("utter_invalid_phone", value=text.strip()[:40])


def read_indicator_or_text(kinds: tuple[str, ...]) -> Callable[..., Answer]:
    """An answer that is best kept as the normalised indicator(s) it contains, else as text."""

    def read(text: str, *, country: str | None = None, **_: Any) -> Answer:
        found = read_message(text, country).indicators()
        values = [value for kind, value in found.items() if kind in kinds]
        if values:
            return Answer(", ".join(dict.fromkeys(values)))
        return read_free_text(text)

    return read


# The answer to "any other number or account?" when there is none.
NO_MORE_CONTACTS = "none"
# What the scammers were reached by: the contact question and "any other?" read these.
CONTACT_KINDS = ("phone", "email", "handle", "url")
_THATS_ALL = re.compile(
    r"\b(?:that'?s\s+(?:all|it)|only\s+(?:that|this|one)|just\s+(?:that|this|one)|same|"
    r"itu\s+je|itu\s+sahaja|tu\s+je|sama|satu\s+je)\b|就(?:这|那)(?:个|些)|只有(?:这|那|一)|一样|同一个",
    re.IGNORECASE,
)


def contacts_in(text: str, country: str | None = None) -> list[str]:
    """The phone numbers, e-mails, handles and links in ``text``, each once, normalised."""
    found = read_message(text, country).indicators()
    return list(dict.fromkeys(value for kind, value in found.items() if kind in CONTACT_KINDS))


def with_more_contacts(known: str, more: str, country: str | None = None) -> str:
    """``known`` contacts ("+6581234567, @kevin") with those named in ``more`` added once."""
    listed = [contact for contact in known.split(", ") if contact]
    return ", ".join(dict.fromkeys([*listed, *contacts_in(more, country)]))


def read_more_contacts(
    text: str, *, country: str | None = None, intent: str | None = None, **_: Any
) -> Answer:
    """Other numbers, accounts, e-mails or links the scammers used, or "none" ("no",
    "that's all", "tak tahu", "没有"); words that name none of them are kept as they are."""
    values = contacts_in(text, country)
    if values:
        return Answer(", ".join(values))
    if (
        read_yes_no(text, intent) is False
        or _NOT_SURE.search(text)
        or _THATS_ALL.search(text)
        or intent == "deny"
    ):
        return Answer(NO_MORE_CONTACTS)
    return read_free_text(text)


def read_shop_link(text: str, *, country: str | None = None, **_: Any) -> Answer:
    """The shop's link or page; the seller's number or e-mail in the same answer is their
    contact (one question for both: a fake-shop reporter is asked few)."""
    found = read_message(text, country).indicators()
    contacts = list(dict.fromkeys(found.phone + found.email))
    also = {"scammer_contact": ", ".join(contacts)} if contacts else {}
    links = list(dict.fromkeys(found.url + found.handle))
    if links:
        return Answer(", ".join(links), also=also)
    answer = read_free_text(text)
    return Answer(answer.value, also=also) if answer.ok else answer


def read_demand(text: str, *, country: str | None = None, **_: Any) -> Answer:
    """What they demand; the amount and the deadline it names are kept apart too."""
    answer = read_free_text(text)
    if not answer.ok:
        return answer
    also: dict[str, Any] = {}
    amount = amount_in_answer(text, country)
    if amount is not None and amount.value > 0:
        also["amount_demanded"] = str(amount)
    deadline = deadline_in(text)
    if deadline:
        also["deadline"] = deadline
    return Answer(answer.value, also=also)


_DEADLINE = re.compile(
    r"\b(?:(?:by|before|within|until|in\s+the\s+next)\s+[^,.;!?]{2,30}|tonight|today|"
    r"tomorrow|\d+\s*(?:hours?|hrs?|minutes?|mins?)\b|(?:sebelum|dalam\s+masa)\s+[^,.;!?]{2,30}|"
    r"malam\s+ini|hari\s+ini|esok)"
    r"|[^，,。.；;!！?？]{1,10}?(?:之前|以前|为止)|[0-9一二两三四五六七八九十]+个?(?:小时|分钟|天)内|"
    r"今晚|今天|明天|马上|立刻",
    re.IGNORECASE,
)


def deadline_in(text: str) -> str | None:
    """ "$500 by tonight" -> "by tonight"."""
    match = _DEADLINE.search(text)
    return " ".join(match.group(0).split()) if match else None


# "未成年", "没满18岁", "bawah umur": under 18 said without "yes"; "成年了", "dewasa": over it.
_UNDER_AGE = re.compile(
    r"未成年|(?:未|没|不|还没)满?\s*(?:18|十八)|\b(?:bawah\s+(?:umur|18)|belum\s+(?:18|dewasa|"
    r"cukup\s+umur)|under\s*age|underage)\b",
    re.I,
)
_OF_AGE = re.compile(
    r"(?<!未)成年了|已(?:经)?成年|(?<![未没不])满\s*(?:18|十八)|\b(?:dewasa|atas\s+18|lebih\s+"
    r"(?:dari|daripada)\s+18)\b",
    re.I,
)


def read_minor(text: str, *, intent: str | None = None, **_: Any) -> Answer:
    """Under 18: from "yes", "no", "im 24", or a bare age such as "15"."""
    if _UNDER_AGE.search(text):
        return Answer(True)
    if _OF_AGE.search(text):
        return Answer(False)
    age = stated_age(text)
    bare = re.fullmatch(
        r"\s*(\d{1,2})\s*(?:yo|y/o|years?( old)?|岁|tahun)?\s*[.!。]?\s*", text, re.I
    )
    if age is None and bare:
        age = int(bare.group(1))
    if age is not None:
        return Answer(age < ADULT_AGE)
    answer = read_yes_no(text, intent)
    if answer is None:
        if _NOT_SURE.search(text):
            return Answer(SKIPPED)
        return reject("utter_invalid_yes_no")
    return Answer(answer)


def read_accounts_used(text: str, *, country: str | None = None, **_: Any) -> Answer:
    """The accounts money passed through, and how much moved if the answer says it."""
    answer = read_free_text(text)
    if not answer.ok:
        return answer
    amount = amount_in_answer(text, country)
    if amount is not None and amount.value > 0 and amount.currency:
        return Answer(answer.value, also={"amount_moved": str(amount)})
    return answer


_CARD_DETAILS = re.compile(
    r"\b(?:card|cvv|cvc|expiry|visa|mastercard|amex|kad|nombor\s+kad|tarikh\s+luput)\b|"
    r"卡号|信用卡|银行卡|有效期|安全码",
    re.I,
)
_BANK_LOGIN = re.compile(r"\b(?:bank(?:ing)?\s+(?:login|password|user\s*(?:id|name)|details)|"
                         r"online\s+banking|internet\s+banking|ibanking|perbankan\s+internet|"
                         r"kata\s+laluan\s+bank|maybank2u|m2u|cimb\s+clicks)\b|"
                         r"网银|网上银行|银行(?:账号|帐号)?密码|登录银行|银行登录", re.I)  # fmt: skip


def read_entered_details(text: str, **_: Any) -> Answer:
    """What the reporter typed on the fake page; card details or a bank login also say how
    money would have been taken, so that is not asked again."""
    answer = read_free_text(text)
    if not answer.ok:
        return answer
    if _CARD_DETAILS.search(text):
        return Answer(answer.value, also={"payment_method": "card"})
    if _BANK_LOGIN.search(text):
        return Answer(answer.value, also={"payment_method": "bank_transfer"})
    return answer


def read_platform(text: str, **_: Any) -> Answer:
    """The investment app or site; a link in the answer is also its site."""
    answer = read_free_text(text)
    if not answer.ok:
        return answer
    links = read_message(text, None).indicators().url
    return Answer(answer.value, also={"link": links[0]}) if links else answer


SLOT_READERS: dict[str, Callable[..., Answer]] = {
    "country": read_country,
    "claimed_agency": read_indicator_or_text(("claimed_agency",)),
    "claimed_identity": read_free_text,
    "contact_channel": read_contact_channel,
    "scammer_contact": read_indicator_or_text(CONTACT_KINDS),
    "more_contacts": read_more_contacts,
    "demand": read_demand,
    "money_lost": read_money_lost,
    "amount_lost": read_amount,
    "payment_method": read_payment_method,
    "payee_account": read_indicator_or_text(("iban", "crypto_wallet", "phone", "email")),
    "incident_date": read_incident_date,
    "shop_name": read_free_text,
    "shop_link": read_shop_link,
    "items_ordered": read_free_text,
    "item_received": read_item_received,
    "scam_type": read_scam_type,
    "link": read_indicator_or_text(("url",)),
    "platform": read_platform,
    "entered_details": read_entered_details,
    "mentor": read_free_text,
    "minor": read_minor,
    "accounts_used": read_accounts_used,
    "reply_to": read_indicator_or_text(("email",)),
    "story": read_story,
    "consent_forward": read_consent_forward,
    "contact_permission": read_contact_permission,
    "contact_phone": read_contact_phone,
}


def read_answer(
    slot: str,
    text: str,
    *,
    intent: str | None = None,
    country: str | None = None,
    today: date | None = None,
    language: str = "en",
    entities: Mapping[str, Sequence[str]] | None = None,
) -> Answer:
    """Reads ``text`` as the answer to the question for ``slot``; ``language`` is the one the
    reporter reads a re-asking response's values in, ``entities`` what Rasa's NLU extracted from
    the same message (entity -> values)."""
    if text == SKIPPED and slot not in REQUIRED_SLOTS:
        return Answer(SKIPPED)
    reader = SLOT_READERS.get(slot, read_free_text)
    return reader(
        text, intent=intent, country=country, today=today, language=language, entities=entities
    )


# Slots whose readers refuse what they cannot read, so that an answer they take is a real one.
_RECOGNISING_READERS = ("country", "amount_lost", "incident_date", "minor")
_INDICATOR_KINDS = {
    "scammer_contact": CONTACT_KINDS,
    "payee_account": ("iban", "crypto_wallet", "phone", "email"),
    "shop_link": ("url", "handle", "email"),
    "link": ("url",),
    "reply_to": ("email",),
}


def gives_the_indicator_asked(slot: str | None, text: str, country: str | None = None) -> bool:
    """Whether ``text`` holds the kind of number, address or link the question for ``slot``
    asks for ("有个link叫她填地址 ninja-express-sg.com/track" to "what link did they send?")."""
    if slot not in _INDICATOR_KINDS:
        return False
    if slot == "payee_account" and ACCOUNT_NUMBER.search(text):
        return True
    found = read_message(text, country).indicators()
    return any(kind in _INDICATOR_KINDS[slot] for kind, _ in found.items())


def answer_beside_not_knowing(
    slot: str,
    text: str,
    *,
    country: str | None = None,
    today: date | None = None,
    language: str = "en",
    entities: Mapping[str, Sequence[str]] | None = None,
) -> Answer | None:
    """What an "I don't know" or "skip" still answers: "PayNow, tak ingat" says how they paid
    though not where to, "银行转账，不清楚" too. Only a value a reader recognises counts (a
    payment method, a date, an amount, a country, an indicator), never free text."""
    if slot == "payment_method":
        code = payment_method_of_entities((entities or {}).get("payment_method", ()))
        code = code or payment_method_in(text)
        if not code:
            return None
        payee = payee_in(text, country)
        return Answer(code, also={"payee_account": payee} if payee else {})
    if slot in _INDICATOR_KINDS:
        found = read_message(text, country).indicators()
        values = [value for kind, value in found.items() if kind in _INDICATOR_KINDS[slot]]
        return Answer(", ".join(dict.fromkeys(values))) if values else None
    if slot in _RECOGNISING_READERS:
        answer = read_answer(slot, text, country=country, today=today, language=language)
        return answer if answer.ok and answer.value != SKIPPED else None
    return None


def describe_country(code: str) -> str:
    return country_name(code) or code
