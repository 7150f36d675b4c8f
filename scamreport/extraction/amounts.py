"""Money amounts: "S$1,200", "5k usd", "about 2,000 dollars", "1.2 million yen", "RM 300"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

import pycountry

from scamreport.countries import default_currency
from scamreport.extraction.model import Amount, Found

# Symbols and prefixes written before the number. None: decided by the reporter's country.
_PREFIXES: dict[str, str | None] = {
    "us$": "USD", "u.s.$": "USD", "s$": "SGD", "sg$": "SGD", "hk$": "HKD", "a$": "AUD",
    "au$": "AUD", "nz$": "NZD", "c$": "CAD", "ca$": "CAD", "nt$": "TWD", "r$": "BRL",
    "rm": "MYR", "rp": "IDR", "rs.": "INR", "rs": "INR", "₹": "INR", "£": "GBP", "€": "EUR",
    "¥": "JPY", "₩": "KRW", "₱": "PHP", "฿": "THB", "₫": "VND", "₦": "NGN", "$": None,
}  # fmt: skip
# ISO codes accepted in any case; not those that are also words ("ALL", "TRY", "TOP", "COP").
_CODES = frozenset(
    {
        "usd", "sgd", "myr", "eur", "gbp", "inr", "hkd", "aud", "cad", "nzd", "jpy", "cny", "idr",
        "thb", "php", "vnd", "krw", "twd", "aed", "sar", "chf", "zar", "ngn", "kes", "brl", "mxn",
        "ars", "sek", "nok", "dkk", "pln", "czk", "huf", "pkr", "bdt",
        "lkr", "npr"
    }
)  # fmt: skip
# Currency words written after the number. None: decided by the reporter's country.
_WORDS: dict[str, str | None] = {
    "singapore dollars": "SGD", "singapore dollar": "SGD", "sing dollars": "SGD",
    "us dollars": "USD", "us dollar": "USD", "american dollars": "USD",
    "hong kong dollars": "HKD", "hk dollars": "HKD", "australian dollars": "AUD",
    "aussie dollars": "AUD", "canadian dollars": "CAD", "new zealand dollars": "NZD",
    "nz dollars": "NZD", "taiwan dollars": "TWD", "dollars": None, "dollar": None, "bucks": None,
    "ringgit": "MYR", "rupees": "INR", "rupee": "INR", "rupiah": "IDR", "yuan": "CNY",
    "rmb": "CNY", "renminbi": "CNY", "yen": "JPY", "baht": "THB", "pesos": None, "peso": None,
    "dong": "VND", "won": "KRW", "euros": "EUR", "euro": "EUR", "pounds": "GBP", "pound": "GBP",
    "quid": "GBP", "naira": "NGN", "rand": "ZAR", "dirhams": "AED", "dirham": "AED",
    "riyals": "SAR", "riyal": "SAR", "lira": "TRY", "reais": "BRL", "francs": "CHF",
    "swiss francs": "CHF", "shillings": None,
    "€": "EUR", "£": "GBP", "$": None, "¥": "JPY", "₹": "INR",
}  # fmt: skip
# Words whose currency depends on the country ("rupees" in Pakistan are PKR).
_COUNTRY_WORDS = {
    "dollar": "Dollar", "buck": "Dollar", "$": "Dollar", "peso": "Peso", "rupee": "Rupee",
    "pound": "Pound", "shilling": "Shilling", "¥": "Yuan",
}  # fmt: skip

_MULTIPLIERS: dict[str, int] = {
    "k": 1_000, "thousand": 1_000, "grand": 1_000, "m": 1_000_000, "mil": 1_000_000,
    "mio": 1_000_000, "mn": 1_000_000, "million": 1_000_000, "b": 1_000_000_000,
    "bn": 1_000_000_000, "billion": 1_000_000_000, "lakh": 100_000, "lakhs": 100_000,
    "lac": 100_000, "lacs": 100_000, "crore": 10_000_000, "crores": 10_000_000,
}  # fmt: skip
# Currencies whose amounts are never fractional in everyday use: "Rp 500.000" is half a million.
_WHOLE_CURRENCIES = frozenset({"IDR", "VND", "KRW", "JPY", "COP", "CLP", "HUF"})


def _alternation(options: object) -> str:
    return "|".join(re.escape(option) for option in sorted(options, key=len, reverse=True))


# 1,200.50 | 1,00,000 (Indian grouping) | 1.200,50 | 1'200 | 1200.5 | 12,5
_GROUPED = (
    r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|"
    r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|\d{1,3}(?:'\d{3})+(?:\.\d+)?"
)
_NUMBER = r"(?P<number>" + _GROUPED + r"|\d+(?:[.,]\d+)?)(?![ \u00a0\u202f]\d{3}(?!\d))"
# "50 000 euros": groups split by spaces only count right before a currency word
_NUMBER_SPACED = (
    r"(?P<number>" + _GROUPED + r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|"
    r"\d+(?:[.,]\d+)?)"
)
_MULTIPLIER = (
    r"(?:(?P<mult_letter>[kKmMbB])(?![a-zA-Z])|\s?(?P<mult_word>thousand|grand|million|mil|mio|"
    r"mn|billion|bn|lakhs?|lacs?|crores?)\b)?"
)
_PREFIX = (
    r"(?P<prefix>(?<![A-Za-z])(?:"
    + _alternation(_PREFIXES)
    + r"|"
    + _alternation(_CODES)
    + r")(?![A-Za-z]))"
)  # noqa: E501
_SUFFIX = r"(?P<suffix>(?:" + _alternation(_WORDS) + r"|" + _alternation(_CODES) + r")(?![A-Za-z]))"
_END = r"(?![\w$€£¥₹]|[.,]\d)"
_PREFIXED_RE = re.compile(
    _PREFIX + r"\s?" + _NUMBER + _MULTIPLIER + r"(?:\s?" + _SUFFIX + r")?" + _END, re.IGNORECASE
)
_SUFFIXED_RE = re.compile(
    r"(?<![\w.,$€£¥₹])" + _NUMBER_SPACED + _MULTIPLIER + r"\s?" + _SUFFIX + _END, re.IGNORECASE
)
# A plain number after a verb of paying: "I transferred 5000 to them", "lost 2,000 already".
_MONEY_VERB_RE = re.compile(
    r"\b(?:paid|pay|transferr?ed|transfer|sent|send|lost|lose|gave|give|deposited|deposit|"
    r"withdrew|withdraw|withdrawn|remitted|remit|wired|invested|spent|owe|cheated\s+(?:me\s+)?of|"
    r"scammed\s+(?:me\s+)?(?:of|for|out\s+of))\s+"
    r"(?:(?:him|her|them|me|us|it|about|around|approximately|approx\.?|almost|nearly|over|"
    r"another|only|just|roughly|like|a\s+total\s+of|total(?:\s+of)?|more\s+than|up\s+to)\s+){0,3}"
    r"(?<![\d.,])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<mult>[kK](?![a-zA-Z])|\s?(?:thousand|million|lakhs?|crores?)\b)?"
    r"(?=\s*(?:$|[.,;:!?)]|\s(?:to|into|for|via|through|by|in|on|at|and|from|already|total|"
    r"altogether|so|last|yesterday|today|this|that|because|but|then|when|using|with|over|"
    r"before|after|each|every|via)\b))",
    re.IGNORECASE,
)
# A reply that is only a number, maybe hedged: "300", "about 5k", "no, it was 300".
_BARE_NUMBER_RE = re.compile(
    r"^\s*(?:no,?\s+|yes,?\s+)?(?:(?:about|around|approx\.?|approximately|roughly|almost|"
    r"nearly|over|more\s+than|less\s+than|maybe|like|only|just|a\s+total\s+of|"
    r"total(?:\s+of)?|i\s+lost|lost|it\s+was|it\s+is|it's|was)\s+)*"
    + _NUMBER_SPACED
    + _MULTIPLIER
    + r"\s*(?:only|total|in\s+total|altogether|or\s+so)?\s*[.!]*\s*$",
    re.IGNORECASE,
)


def _currency_for_country(kind: str, country: str | None) -> str | None:
    """The country's own currency when the word names it ("dollars" in Singapore -> SGD)."""
    local = default_currency(country)
    if not local:
        return None
    record = pycountry.currencies.get(alpha_3=local)
    wanted = _COUNTRY_WORDS.get(kind.rstrip("s") if kind not in ("$",) else kind)
    if record is None or wanted is None or wanted not in record.name:
        return None
    return local


def _currency(written: str, country: str | None) -> str | None:
    key = re.sub(r"\s+", " ", written.strip().lower())
    if key in _CODES:
        return key.upper()
    if key in _PREFIXES:
        currency = _PREFIXES[key]
    elif key in _WORDS:
        currency = _WORDS[key]
    else:
        return None
    if key == "¥" and default_currency(country) == "CNY":
        return "CNY"
    if key in ("rupees", "rupee", "pounds", "pound") and country:
        return _currency_for_country(key, country) or currency
    if currency is None:
        return _currency_for_country(key, country)
    return currency


def _number(text: str, currency: str | None) -> Decimal | None:
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", text):
        # "1.200.000" or "Rp 500.000": dots group thousands; a lone ".200" is a decimal point
        # unless the currency has no cents
        if text.count(".") > 1 or "," in text or currency in _WHOLE_CURRENCIES:
            text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d+,\d{1,2}", text):
        text = text.replace(",", ".")  # "12,50": decimal comma
    elif re.fullmatch(r"\d{1,3}(?:\s\d{3})+,\d{1,2}", text):
        text = re.sub(r"\s", "", text).replace(",", ".")  # "1 200,50": French style
    else:
        text = re.sub(r"[,'\s]", "", text)
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _multiplier(match: re.Match[str]) -> int:
    groups = match.groupdict()
    word = groups.get("mult_letter") or groups.get("mult_word") or groups.get("mult") or ""
    return _MULTIPLIERS.get(word.strip().lower(), 1)


def _to_amount(match: re.Match[str], currency: str | None) -> Amount | None:
    value = _number(match.group("number"), currency)
    if value is None:
        return None
    value = (value * _multiplier(match)).normalize()
    if value <= 0:
        return None
    return Amount(value, currency)


def _with_currency(text: str, country: str | None) -> Iterator[Found]:
    matches = list(_PREFIXED_RE.finditer(text)) + list(_SUFFIXED_RE.finditer(text))
    kept: list[re.Match[str]] = []
    for match in sorted(matches, key=lambda m: (m.start(), -m.end())):
        if all(match.start() >= other.end() or match.end() <= other.start() for other in kept):
            kept.append(match)
    for match in kept:
        groups = match.groupdict()
        currency = None
        if groups.get("suffix"):
            currency = _currency(groups["suffix"], country)
        if currency is None and groups.get("prefix"):
            currency = _currency(groups["prefix"], country)
        amount = _to_amount(match, currency)
        if amount is not None:
            yield Found("amount", amount, match.group(0), match.start(), match.end(),
                        "amount_with_currency")  # fmt: skip


def find_amounts(text: str, country: str | None = None) -> Iterator[Found]:
    taken: list[tuple[int, int]] = []
    for found in _with_currency(text, country):
        taken.append((found.start, found.end))
        yield found
    for match in _MONEY_VERB_RE.finditer(text):
        start, end = match.start("number"), match.end()
        if any(start < stop and begin < end for begin, stop in taken):
            continue
        amount = _to_amount(match, None)
        if amount is not None and not _looks_like_year(match.group("number"), match):
            yield Found("amount", amount, text[start:end], start, end, "amount_after_money_verb")


def _looks_like_year(number: str, match: re.Match[str]) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d{2}", number)) and not match.group("mult")


def parse_amount(text: str, country: str | None = None) -> Amount | None:
    """The first amount in text; a plain number ("300", "about 5k") gives an unknown currency."""
    if not text:
        return None
    for found in find_amounts(text, country):
        if isinstance(found.value, Amount):
            return found.value
    match = _BARE_NUMBER_RE.match(text)
    return _to_amount(match, None) if match else None
