"""Telephone numbers in E.164, the reporter's country being the default region."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from scamreport.extraction.model import Found

# A number announced as something else is not a phone: "OTP 482913", "ref no. 81234567" (but
# "caller id was 02 8015 3327" is one).
_NOT_A_PHONE_BEFORE = re.compile(
    r"(?:\b(?:otp|tac|pin|code|passcode|password|pwd|cvv|cvc|ref|reference|case|tracking|order|"
    r"invoice|account|acct|a/c|transaction|txn|receipt|policy|serial|iban|card|bill|customer|"
    r"member|(?<!caller\s)(?<!caller-)(?<!caller)id|nric|ic|passport|postal|zip|amount|total|balance|sum|akaun|akn|rujukan)\b"
    r"(?:\s*(?:no\.?|number|num|#|is|was|:|=|-|id|of|they\s+sent(?:\s+me)?|sent))*"
    r"|(?:户口|账号|账户|帐号|帐户|卡号|验证码|参考号|订单号)(?:号码|号)?\s*(?:是|为|:|：)?"
    r")\s*$",
    re.IGNORECASE,
)
_CURRENCY_CODE_BEFORE = re.compile(r"\b(?:usd|sgd|myr|eur|gbp|inr|hkd|aud|cad|nzd|idr)\s?$", re.I)
_CURRENCY_AFTER = re.compile(
    r"^\s?(?:dollars?|bucks|ringgit|rupees?|rupiah|yuan|rmb|yen|baht|pesos?|euros?|pounds?|"
    r"usd|sgd|myr|eur|gbp|inr|hkd|aud|k\b)",
    re.IGNORECASE,
)
# "011-6023 8854", "09 123 4567": a local number written with its trunk 0 and grouped.
_LOCAL_FORMAT = re.compile(r"0\d{1,2}[-\s]\d{3,4}[-\s]?\d{3,4}$")
_WHATSAPP_LINK_RE = re.compile(r"(?<![\w.])(?:https?://)?wa\.me/\+?(?P<digits>\d{7,15})(?!\d)")


def _announced_as_other(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 40) : start]
    if re.search(r"(?:\b(?:rm|rp|rs\.?)|[$€£¥₹₩₱฿])\s?$", before, re.IGNORECASE):
        return True
    if _CURRENCY_CODE_BEFORE.search(before) or _CURRENCY_AFTER.match(text[end : end + 10]):
        return True
    return bool(_NOT_A_PHONE_BEFORE.search(before)) and not before.rstrip().endswith("+")


def _has_trunk_zero(region: str) -> bool:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return metadata is not None and metadata.national_prefix == "0"


# Malay doubles a word with a 2 ("mula2", "tadi2", "kawan2"): that 2 is no digit of the number
# after it ("yg call mula2 03-9212 4470" read "2 03-9212 4470", not a valid number).
_REDUPLICATION_TWO = re.compile(r"(?<=[A-Za-z])2(?![\d\w])")


def find_phones(text: str, country: str | None = None) -> Iterator[Found]:
    region = country.upper() if country else None
    text = _REDUPLICATION_TWO.sub("x", text)  # same length: offsets still point into the text
    matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    taken: list[tuple[int, int]] = []
    for match in matcher:
        if _announced_as_other(text, match.start, match.end):
            continue
        taken.append((match.start, match.end))
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        yield Found("phone", e164, match.raw_string, match.start, match.end, "phonenumbers_valid")
    # Scammers use numbers from unassigned or spoofed ranges: written in full with "+country",
    # or the local way with the trunk prefix and a space or dash ("011-6023 8854"), a number of
    # a possible length is kept even when no operator holds it.
    possible = phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.POSSIBLE
    )
    for match in possible:
        written_as_phone = match.raw_string.startswith("+") or bool(
            region and _LOCAL_FORMAT.match(match.raw_string) and _has_trunk_zero(region)
        )
        if not written_as_phone or any(
            match.start < end and start < match.end for start, end in taken
        ):
            continue
        if _announced_as_other(text, match.start, match.end):
            continue
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        rule = "international_possible" if match.raw_string.startswith("+") else "local_possible"
        yield Found("phone", e164, match.raw_string, match.start, match.end, rule)
    for link in _WHATSAPP_LINK_RE.finditer(text):
        try:
            number = phonenumbers.parse("+" + link.group("digits"), None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            yield Found("phone", e164, link.group(0), link.start(), link.end(), "whatsapp_link")
