"""Indicators read in the screenshots of the report in progress, and the reporter removing one.

The bot keeps the text OCR read in each image with the draft evidence
(scamreport.extraction.screenshots). The summary lists what that text names, marked "(from your
screenshot)"; the reporter removes one the way they correct an answer ("remove the link", "the
number +65 8123 4567 is not theirs"). Nothing records a removal but the reporter's message
itself: the summary and the submission read the report's messages again, so a removal holds
however often the summary is shown.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Sequence

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import services
from actions.answers import SKIPPED
from actions.indicators import build_indicators
from actions.messages import reporter_pseudonym
from actions.summary import describe_value, indicator_label
from actions.wording import say
from scamreport.storage.drafts import pending_evidence_of
from scamreport.storage.records import NewEvidence, NewIndicator

logger = logging.getLogger(__name__)

# Words that ask to take something out of the report (not to change an answer).
_REMOVAL_CUE = re.compile(
    r"\b(?:remove|delete|drop|ignore|get\s+rid\s+of|"
    r"(?:take|leave)\s+(?:[\w'-]+\s+){0,3}?out|"
    r"not\s+(?:the\s+scammers?'?s?|theirs|his|hers|related|part\s+of\s+(?:it|the\s+scam))|"
    r"(?:is|it'?s|that'?s|thats)\s+(?:mine|my\s+own)|buang|padam|keluarkan|hapus\w*|"
    r"bukan\s+(?:milik\s+)?(?:dia|mereka|penipu|scammer)|(?:itu|tu|ni)\s+(?:saya\s+punya|"
    r"milik\s+saya|nombor\s+saya|akaun\s+saya))\b"
    r"|删除|删掉|删了|去掉|移除|拿掉|不是(?:他|她|他们|骗子)的|是我(?:自己)?的",
    re.IGNORECASE,
)
_EVERYTHING = re.compile(
    r"\b(?:all|everything|every\s+one|semua|kesemua)\b|全部|所有|统统|都删", re.IGNORECASE
)
# How a reporter names a kind of indicator, when they do not repeat its value.
_KIND_WORDS: dict[str, re.Pattern[str]] = {
    kind: re.compile(rf"\b(?:{words})\b", re.IGNORECASE)
    for kind, words in {
        "url": r"links?|urls?|website|site|web\s*page",
        "phone": r"(?<!account )(?:phone\s+|mobile\s+|contact\s+)?numbers?|phones?",
        "amount": r"amounts?|sums?|fees?|prices?",
        "email": r"e-?mails?",
        "iban": r"ibans?|bank\s+accounts?|account\s+numbers?",
        "crypto_wallet": r"wallets?",
        "handle": r"handles?|usernames?",
        "date": r"dates?",
        "claimed_agency": r"organi[sz]ations?|agency|agencies",
    }.items()
}
# The same in Chinese (no word boundaries) and Malay.
_KIND_WORDS_ZH_MS: dict[str, re.Pattern[str]] = {
    kind: re.compile(words, re.IGNORECASE)
    for kind, words in {
        "url": r"链接|网址|网站|网页|\bpautan\b|\blaman\b",
        "phone": r"号码|电话|手机|\bnombor\s+telefon\b|\btelefon\b",
        "amount": r"金额|钱数|\bjumlah\b|\bamaun\b",
        "email": r"电邮|邮件|邮箱|\be-?mel\b",
        "iban": r"银行账户|账号|帐号|\bakaun\s+bank\b|\bnombor\s+akaun\b",
        "crypto_wallet": r"钱包|\bdompet\b",
        "handle": r"用户名|\bnama\s+pengguna\b",
        "date": r"日期|\btarikh\b",
        "claimed_agency": r"机构|组织|\borganisasi\b|\bagensi\b",
    }.items()
}


def screenshot_indicators(
    evidence: Sequence[NewEvidence], country: str | None
) -> list[NewIndicator]:
    """What the OCR text of ``evidence`` names, each with source "screenshot"."""
    texts = [e.ocr_text for e in evidence if e.ocr_text]
    return [dataclasses.replace(i, source="screenshot") for i in build_indicators(texts, country)]


def pending_screenshot_indicators(tracker: Tracker) -> list[NewIndicator]:
    """What the screenshots sent so far for the report in progress name (reads the database)."""
    with services.session_factory()() as session:
        drafts = pending_evidence_of(session, pseudonym=reporter_pseudonym(tracker))
        evidence = [draft.to_record() for draft in drafts if draft.ocr_text]
    return screenshot_indicators(evidence, _country(tracker)) if evidence else []


def removal_targets(
    text: str, listed: Sequence[NewIndicator], country: str | None
) -> list[NewIndicator]:
    """The indicators of ``listed`` the message ``text`` asks to remove: named by value
    ("remove +65 8123 4567"), by kind when only one of that kind is listed ("the link is not
    theirs"), or all of them ("remove everything from the screenshot")."""
    if not listed or not _REMOVAL_CUE.search(text):
        return []
    named = {(i.kind, i.value) for i in build_indicators([text], country)}
    by_value = [i for i in listed if (i.kind, i.value) in named]
    if by_value:
        return by_value
    if _EVERYTHING.search(text):
        return list(listed)
    targets: list[NewIndicator] = []
    for kind, words in _KIND_WORDS.items():
        of_kind = [i for i in listed if i.kind == kind]
        if len(of_kind) == 1 and (words.search(text) or _KIND_WORDS_ZH_MS[kind].search(text)):
            targets.extend(of_kind)
    return targets


def removed_indicators(
    listed: Sequence[NewIndicator], messages: Sequence[str], country: str | None
) -> set[tuple[str, str]]:
    """The (kind, value) of ``listed`` any of the reporter's ``messages`` asked to remove."""
    removed: set[tuple[str, str]] = set()
    for message in messages:
        removed.update((i.kind, i.value) for i in removal_targets(message, listed, country))
    return removed


def without_removed(
    listed: Sequence[NewIndicator], messages: Sequence[str], country: str | None
) -> list[NewIndicator]:
    """``listed`` less what any of the reporter's ``messages`` asked to remove."""
    removed = removed_indicators(listed, messages, country)
    return [i for i in listed if (i.kind, i.value) not in removed]


def removals_asked(tracker: Tracker, text: str) -> list[NewIndicator]:
    """The screenshot indicators the correction ``text`` removes: only at the summary, where
    they are listed (an answer to a question is never taken for a removal), and only with a
    removal word (the database is not read for an ordinary correction)."""
    if tracker.get_slot("requested_slot") is not None or not _REMOVAL_CUE.search(text):
        return []
    try:
        listed = pending_screenshot_indicators(tracker)
    except SQLAlchemyError as error:
        logger.warning(
            "screenshots of %s… not read: %s", reporter_pseudonym(tracker)[:8], type(error).__name__
        )
        return []
    return removal_targets(text, listed, _country(tracker))


def announce_removals(
    dispatcher: CollectingDispatcher, removed: Sequence[NewIndicator], language: str = "en"
) -> None:
    for indicator in removed:
        label = indicator_label(indicator.kind, language).lower()
        value = describe_value(indicator.kind, indicator.value, language)
        dispatcher.utter_message(
            response="utter_corrected",
            field=say("screenshot.removed_field", language, label=label, value=value),
            value=say("screenshot.removed_value", language),
        )


def _country(tracker: Tracker) -> str | None:
    country = tracker.get_slot("country")
    return None if country == SKIPPED else country
