"""Money amounts: "S$1,200", "5k usd", "about 2,000 dollars", "1.2 million yen", "RM 300"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from scamreport.countries import country_code
from scamreport.extraction.cjk import HAN, WORD_NOT_HAN
from scamreport.extraction.model import Amount, Found
from scamreport.extraction.numerals import (
    MS_NUMBER,
    ZH_NUMBER,
    ZH_NUMERAL_CHARS,
    has_zh_numeral,
    read_ms_number,
    read_zh_number,
)

# Currencies by what is written before or after the number. A value that is a kind ("dollar",
# "peso"...) is decided by the reporter's country (_KINDS); a code is the same everywhere.
_PREFIXES: dict[str, str] = {
    "us$": "USD", "u.s.$": "USD", "usd$": "USD", "s$": "SGD", "sg$": "SGD", "sgd$": "SGD",
    "hk$": "HKD", "b$": "BND", "bn$": "BND", "a$": "AUD", "au$": "AUD", "aud$": "AUD", "nz$": "NZD", "c$": "CAD",
    "ca$": "CAD", "cad$": "CAD", "nt$": "TWD", "r$": "BRL", "mx$": "MXN", "mex$": "MXN",
    "rm": "MYR", "rp": "IDR", "rs.": "rupee", "rs": "rupee", "ksh": "KES", "kshs": "KES",
    "kr": "krona_krone", "p": "p_sign", "n": "n_sign",
    "₹": "INR", "£": "GBP", "€": "EUR", "¥": "yen_sign", "₩": "KRW", "₱": "PHP", "฿": "THB",
    "₫": "VND", "₦": "NGN", "₺": "TRY", "₽": "RUB", "₪": "ILS", "₴": "UAH", "₵": "GHS",
    "$": "dollar",
    # Chinese, written before the number ("人民币2000", "马币500", "新币 800", "￥300")
    "人民币": "CNY", "马币": "MYR", "新币": "SGD", "新元": "SGD", "港币": "HKD", "美金": "USD",
    "台币": "TWD", "令吉": "MYR", "rmb": "CNY", "￥": "yen_sign",
}  # fmt: skip
# ISO codes accepted in any case; not those that are also words ("ALL", "TRY", "TOP", "COP").
_CODES = frozenset(
    {
        "usd", "sgd", "myr", "eur", "gbp", "inr", "hkd", "aud", "cad", "nzd", "jpy", "cny", "idr",
        "thb", "php", "vnd", "krw", "twd", "aed", "sar", "chf", "zar", "ngn", "kes", "brl", "mxn",
        "ars", "sek", "nok", "dkk", "pln", "czk", "huf", "pkr", "bdt", "lkr", "npr", "clp", "pen",
        "dop", "uyu", "egp", "mad", "qar", "omr", "kwd", "bhd", "jod", "ghs", "ugx", "tzs", "rub",
        "uah", "ils", "ron", "bgn", "isk", "lak", "mmk", "khr", "mop", "bnd",
        # crypto, as reporters and exchanges write them (not ISO 4217, but what was paid)
        "usdt", "usdc", "btc", "eth",
    }
)  # fmt: skip
_WORDS: dict[str, str] = {
    "singapore dollars": "SGD", "singapore dollar": "SGD", "sing dollars": "SGD",
    "us dollars": "USD", "us dollar": "USD", "american dollars": "USD", "usd dollars": "USD",
    "hong kong dollars": "HKD", "hk dollars": "HKD", "australian dollars": "AUD",
    "aussie dollars": "AUD", "canadian dollars": "CAD", "new zealand dollars": "NZD",
    "nz dollars": "NZD", "taiwan dollars": "TWD", "mexican pesos": "MXN",
    "philippine pesos": "PHP", "indian rupees": "INR", "pakistani rupees": "PKR",
    "sri lankan rupees": "LKR", "egyptian pounds": "EGP", "british pounds": "GBP",
    "pounds sterling": "GBP", "pound sterling": "GBP", "uae dirhams": "AED",
    "moroccan dirhams": "MAD", "saudi riyals": "SAR", "swiss francs": "CHF",
    "dollars": "dollar", "dollar": "dollar", "dollers": "dollar", "doller": "dollar",
    "dolars": "dollar", "dolar": "dollar", "dollors": "dollar", "bucks": "dollar",
    "pesos": "peso", "peso": "peso", "pesoes": "peso", "pessos": "peso",
    "rupees": "rupee", "rupee": "rupee", "ruppees": "rupee", "rupess": "rupee", "rupes": "rupee",
    "rs": "rupee", "rs.": "rupee",
    "pounds": "pound", "pound": "pound", "quid": "GBP",
    "dirhams": "dirham", "dirham": "dirham", "dhs": "dirham", "dh": "dirham",
    "riyals": "riyal", "riyal": "riyal", "rials": "riyal", "rial": "riyal",
    "dinars": "dinar", "dinar": "dinar", "shillings": "shilling", "shilling": "shilling",
    "ksh": "KES", "kshs": "KES", "francs": "franc", "franc": "franc",
    "kronor": "krona", "krona": "krona", "kroner": "krone", "krone": "krone", "kr": "krona_krone",
    "ringgit": "MYR", "ringgits": "MYR", "ringit": "MYR", "rinngit": "MYR", "rm": "MYR",
    "rupiah": "IDR", "yuan": "CNY", "rmb": "CNY", "renminbi": "CNY", "kuai": "CNY",
    "yen": "JPY", "baht": "THB", "bahts": "THB", "bhat": "THB", "bht": "THB", "dong": "VND",
    "won": "KRW", "euros": "EUR", "euro": "EUR", "euroes": "EUR", "naira": "NGN",
    "cedis": "GHS", "cedi": "GHS", "rand": "ZAR", "lira": "TRY", "liras": "TRY",
    "reais": "BRL", "soles": "PEN", "zloty": "PLN", "zlotys": "PLN", "forint": "HUF",
    "koruna": "CZK", "rubles": "RUB", "roubles": "RUB", "ruble": "RUB", "hryvnia": "UAH",
    "taka": "BDT", "kip": "LAK", "kyat": "MMK", "riel": "KHR", "pataca": "MOP",
    "bitcoin": "BTC", "bitcoins": "BTC", "tether": "USDT", "ether": "ETH", "ethereum": "ETH",
    "shekels": "ILS", "shekel": "ILS", "nis": "ILS", "lei": "RON", "leva": "BGN",
    "€": "EUR", "£": "GBP", "$": "dollar", "¥": "yen_sign", "₹": "INR", "₱": "PHP",
    # Malay
    "dolar singapura": "SGD", "dolar amerika": "USD", "dolar as": "USD", "dolar hong kong": "HKD",
    "ringgit malaysia": "MYR",
    # Chinese (Simplified); "元", "块" are the reporter's own currency (the "local" kind)
    "新加坡元": "SGD", "新加坡币": "SGD", "新元": "SGD", "新币": "SGD", "坡币": "SGD",
    "马来西亚令吉": "MYR", "令吉": "MYR", "零吉": "MYR", "马币": "MYR", "人民币": "CNY",
    "美元": "USD", "美金": "USD", "港币": "HKD", "港元": "HKD", "澳元": "AUD", "澳币": "AUD",
    "新台币": "TWD", "台币": "TWD", "欧元": "EUR", "英镑": "GBP", "日元": "JPY", "日币": "JPY",
    "韩元": "KRW", "泰铢": "THB", "印尼盾": "IDR", "越南盾": "VND", "菲律宾比索": "PHP",
    "比索": "peso", "卢比": "rupee", "比特币": "BTC", "泰达币": "USDT",
    "块钱": "local", "块": "local", "元": "local", "圆": "local", "蚊": "local",
}  # fmt: skip
# "一万块人民币", "10000元马币": the name after "元" or "块" says which currency.
_WORDS.update(
    {
        unit + name: code
        for unit in ("元", "块", "块钱")
        for name, code in (("人民币", "CNY"), ("马币", "MYR"), ("令吉", "MYR"), ("新币", "SGD"),
                           ("新元", "SGD"), ("美金", "USD"), ("美元", "USD"), ("港币", "HKD"),
                           ("台币", "TWD"))
    }
)  # fmt: skip
# Currencies whose name (or sign) depends on the country: (elsewhere, {country: currency}).
_DOLLAR_COUNTRIES = {
    "US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD", "TW": "TWD",
    "BN": "BND", "JM": "JMD", "TT": "TTD", "BS": "BSD", "BB": "BBD", "BZ": "BZD", "GY": "GYD",
    "SR": "SRD", "FJ": "FJD", "LR": "LRD", "NA": "NAD", "SB": "SBD", "KY": "KYD", "AG": "XCD",
    "DM": "XCD", "GD": "XCD", "KN": "XCD", "LC": "XCD", "VC": "XCD", "EC": "USD", "SV": "USD",
    "PA": "USD", "TL": "USD", "PR": "USD", "GU": "USD", "VI": "USD", "AS": "USD", "MP": "USD",
    "FM": "USD", "MH": "USD", "PW": "USD", "ZW": "USD",
}  # fmt: skip
_PESO_COUNTRIES = {
    "PH": "PHP", "MX": "MXN", "AR": "ARS", "CL": "CLP", "CO": "COP", "CU": "CUP", "DO": "DOP",
    "UY": "UYU",
}  # fmt: skip
# "$" also writes the pesos of Latin America (not the Philippine peso, written ₱).
_DOLLAR_SIGN_COUNTRIES = {**_DOLLAR_COUNTRIES, **{c: v for c, v in _PESO_COUNTRIES.items()
                                                  if c != "PH"}}  # fmt: skip
_KINDS: dict[str, tuple[str | None, dict[str, str]]] = {
    "dollar": (None, _DOLLAR_COUNTRIES),
    "dollar_sign": (None, _DOLLAR_SIGN_COUNTRIES),
    "peso": (None, _PESO_COUNTRIES),
    "rupee": ("INR", {"PK": "PKR", "LK": "LKR", "NP": "NPR", "MU": "MUR", "SC": "SCR"}),
    "pound": ("GBP", {"EG": "EGP", "LB": "LBP", "SD": "SDG", "SS": "SSP", "SY": "SYP"}),
    "dirham": ("AED", {"MA": "MAD"}),
    "riyal": ("SAR", {"QA": "QAR", "OM": "OMR", "YE": "YER", "IR": "IRR"}),
    "dinar": (None, {"KW": "KWD", "BH": "BHD", "JO": "JOD", "IQ": "IQD", "TN": "TND",
                     "DZ": "DZD", "RS": "RSD", "LY": "LYD"}),
    "shilling": (None, {"KE": "KES", "UG": "UGX", "TZ": "TZS", "SO": "SOS"}),
    "franc": ("CHF", {}),
    "krona": (None, {"SE": "SEK", "IS": "ISK"}),
    "krone": (None, {"NO": "NOK", "DK": "DKK"}),
    "krona_krone": (None, {"SE": "SEK", "IS": "ISK", "NO": "NOK", "DK": "DKK"}),
    "yen_sign": ("JPY", {"CN": "CNY"}),
    "p_sign": (None, {"PH": "PHP"}),  # "P15,000" in the Philippines; elsewhere no amount
    "n_sign": (None, {"NG": "NGN"}),  # "N250,000" in Nigeria; elsewhere no amount
}  # fmt: skip

_MULTIPLIERS: dict[str, int] = {
    "hundred": 100, "k": 1_000, "thousand": 1_000, "ribu": 1_000, "rb": 1_000, "juta": 1_000_000,
    "jt": 1_000_000, "grand": 1_000, "m": 1_000_000, "mil": 1_000_000,
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
    r"(?:(?P<mult_letter>[kKmMbB])(?![a-zA-Z])|\s?(?P<mult_word>hundred|thousand|grand|million|mil|"
    r"mio|mn|billion|bn|lakhs?|lacs?|crores?|ribu|rb|juta|jt)\b)?"
)
_PREFIX = (
    r"(?P<prefix>(?<![A-Za-z])(?:"
    + _alternation(_PREFIXES)
    + r"|"
    + _alternation(_CODES)
    + r")(?![A-Za-z]))"
)  # noqa: E501
_SUFFIX = r"(?P<suffix>(?:" + _alternation(_WORDS) + r"|" + _alternation(_CODES) + r")(?![A-Za-z]))"
# Chinese goes on right after an amount ("3000元就跑了", "转了S$3000给他"); a Chinese numeral
# there is still part of the number ("S$3千").
_END = r"(?![$€£¥₹" + ZH_NUMERAL_CHARS + r"]|[.,]\d|" + WORD_NOT_HAN + r")"


def _first_chars(options: object) -> str:
    """A lookahead on the first characters of options: lets the regex engine skip ahead fast."""
    chars = {option[0].lower() for option in options}  # type: ignore[attr-defined]
    return "(?=[" + "".join(sorted(re.escape(char) for char in chars)) + "])"


_PREFIXED_RE = re.compile(
    _first_chars([*_PREFIXES, *_CODES])
    + _PREFIX
    + r"\s?"
    + _NUMBER
    + _MULTIPLIER
    + r"(?:\s?"
    + _SUFFIX
    + r")?"
    + _END,
    re.IGNORECASE,
)
# Chinese writes no space between a word and a number ("骗了3000 dollars"): a Han character
# before the number does not glue it to a word.
_SUFFIXED_RE = re.compile(
    r"(?=\d)(?<![.,$€£¥₹]|"
    + WORD_NOT_HAN
    + r")"
    + _NUMBER_SPACED
    + _MULTIPLIER
    + r"\s?"
    + _SUFFIX
    + _END,
    re.IGNORECASE,
)
# A plain number after a verb of paying: "I transferred 5000 to them", "lost 2,000 already".
_MONEY_VERB_RE = re.compile(
    r"(?=[ptslgdwrioc])\b(?:paid|pay|transferr?ed|transfer|sent|send|lost|lose|gave|give|deposited|deposit|"
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
# Malay hedges and totals before a number: "dalam 8500" (about 8500), "kira2 5k", "rugi 3k".
_MS_HEDGES = (
    r"lebih\s+kurang|lbh\s+kurang|lebih\s+krg|lbh\s+krg|kira-kira|kira2|dalam|dlm|hampir|dekat|"
    r"dkt|sebanyak|jumlah(?:nya)?|semua\s+sekali|semuanya|semua|sy\s+rugi|saya\s+rugi|rugi|"
    r"hilang|habis"
)
# A reply that is only a number, maybe hedged: "300", "about 5k", "no, it was 300".
_BARE_NUMBER_RE = re.compile(
    r"^\s*(?:no,?\s+|yes,?\s+|(?:not\s+sure|idk|tak\s+ingat|x\s+ingat|tak\s+pasti)\s*,?\s+)?"
    r"(?:(?:about|around|approx\.?|approximately|roughly|almost|"
    r"nearly|over|more\s+than|less\s+than|maybe|like|only|just|a\s+total\s+of|actually|sorry|"
    r"total(?:\s+of)?|i\s+lost|lost|it\s+was|it\s+is|it's|was|"
    + _MS_HEDGES
    + r")\s+)*"
    + _NUMBER_SPACED
    + _MULTIPLIER
    + r"\s*(?:\+{1,2}|plus|or\s+more|only|total|in\s+total|altogether|or\s+so|lebih|lbh|"
    r"lebih\s+kurang|lbh\s+kurang|je|jer|sahaja|saja|camtu|mcm\s+tu)?\s*[.!]*\s*$",
    re.IGNORECASE,
)


def currency_for(written: str, country: str | None = None) -> str | None:
    """The ISO 4217 code that a sign, word or code means for a reporter in country.

    "S$" is SGD anywhere; "$" and "dollars" are AUD in Australia, unknown (None) in Malaysia;
    "pesos" are PHP in the Philippines and MXN in Mexico; "rupees" INR unless the country has
    its own rupee. country is an alpha-2 code or a name.
    """
    key = re.sub(r"\s+", " ", written.strip().lower())
    if key in _CODES:
        return key.upper()
    meaning = _PREFIXES.get(key) or _WORDS.get(key)
    if meaning is None:
        return None
    if meaning == "local":
        return local_currency(country)
    if meaning == "dollar" and key == "$":
        meaning = "dollar_sign"
    if meaning not in _KINDS:
        return meaning
    elsewhere, by_country = _KINDS[meaning]
    code = country_code(country)
    return by_country.get(code, elsewhere) if code else elsewhere


# The everyday currency of a country, for an amount written with no sign or word ("300").
_LOCAL_CURRENCIES: dict[str, str] = {
    **_DOLLAR_COUNTRIES, **_PESO_COUNTRIES,
    "GB": "GBP", "IE": "EUR", "FR": "EUR", "DE": "EUR", "NL": "EUR", "BE": "EUR", "ES": "EUR",
    "IT": "EUR", "PT": "EUR", "AT": "EUR", "FI": "EUR", "GR": "EUR", "LU": "EUR", "SK": "EUR",
    "SI": "EUR", "EE": "EUR", "LV": "EUR", "LT": "EUR", "MT": "EUR", "CY": "EUR", "HR": "EUR",
    "CH": "CHF", "SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK", "PL": "PLN", "CZ": "CZK",
    "HU": "HUF", "RO": "RON", "BG": "BGN", "UA": "UAH", "RU": "RUB", "TR": "TRY", "IL": "ILS",
    "MY": "MYR", "ID": "IDR", "TH": "THB", "VN": "VND", "JP": "JPY", "CN": "CNY", "KR": "KRW",
    "IN": "INR", "PK": "PKR", "LK": "LKR", "NP": "NPR", "BD": "BDT", "MM": "MMK", "KH": "KHR",
    "LA": "LAK", "MO": "MOP", "AE": "AED", "SA": "SAR", "QA": "QAR", "OM": "OMR", "KW": "KWD",
    "BH": "BHD", "JO": "JOD", "EG": "EGP", "MA": "MAD", "NG": "NGN", "GH": "GHS", "KE": "KES",
    "UG": "UGX", "TZ": "TZS", "ZA": "ZAR", "BR": "BRL", "PE": "PEN",
}  # fmt: skip


def local_currency(country: str | None) -> str | None:
    """The currency a reporter in ``country`` means by a bare number ("I paid 300")."""
    code = country_code(country) if country else None
    return _LOCAL_CURRENCIES.get(code) if code else None


def names_a_currency(text: str) -> bool:
    """True when ``text`` writes a currency (sign, code or word), known to us or not."""
    return bool(_CURRENCY_MARK.search(text)) or any(
        found.rule in _RULES_WITH_CURRENCY for found in find_amounts(text, None)
    )


_CURRENCY_MARK = re.compile(r"[$€£¥￥₹₱₩฿₫₦₺₽₪₴₵]")
_RULES_WITH_CURRENCY = frozenset(
    {"amount_with_currency", "amount_zh_numerals", "amount_in_words_ms"}
)


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
        if match.start() and text[match.start() - 1] in ZH_NUMERAL_CHARS:
            continue  # the "5令吉" of "1千5令吉": the Chinese rules read the whole number
        if all(match.start() >= other.end() or match.end() <= other.start() for other in kept):
            kept.append(match)
    for match in kept:
        groups = match.groupdict()
        currency = None
        if groups.get("suffix") and not (
            groups.get("prefix") and _WORDS.get(groups["suffix"].lower()) == "local"
        ):  # "人民币2000元": the prefix names the currency, "元" only says it is money
            currency = currency_for(groups["suffix"], country)
        if currency is None and groups.get("prefix"):
            currency = currency_for(groups["prefix"], country)
            if currency is None and groups["prefix"].lower() in ("p", "n"):
                continue
        amount = _to_amount(match, currency)
        if amount is not None:
            yield Found("amount", amount, match.group(0), match.start(), match.end(),
                        "amount_with_currency")  # fmt: skip


def find_amounts(text: str, country: str | None = None) -> Iterator[Found]:
    """Amounts in free text: with a currency sign, code or word, or after a verb of paying."""
    taken: list[tuple[int, int]] = []
    for found in _with_currency(text, country):
        taken.append((found.start, found.end))
        yield found
    for found in _zh_ms_amounts(text, country):
        if any(found.start < stop and begin < found.end for begin, stop in taken):
            continue
        taken.append((found.start, found.end))
        yield found
    for match in _MONEY_VERB_RE.finditer(text):
        start, end = match.start("number"), match.end()
        if any(start < stop and begin < end for begin, stop in taken):
            continue
        amount = _to_amount(match, None)
        if amount is not None and not _looks_like_year(match.group("number"), match):
            yield Found("amount", amount, text[start:end], start, end, "amount_after_money_verb")
        taken.append((start, end))
    for match in _WORDED_RE.finditer(text):
        start, end = match.start(), match.end()
        value = _worded_number(match["words"])
        if value is None or not match.groupdict().get("suffix"):
            continue
        if any(start < stop and begin < end for begin, stop in taken):
            continue
        amount = Amount(value, currency_for(match["suffix"], country))
        yield Found("amount", amount, match[0], start, end, "amount_in_words")


def _looks_like_year(number: str, match: re.Match[str] | None) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d{2}", number)) and not (match and match.group("mult"))


_UNITS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "grand": 1_000, "million": 1_000_000,
           "lakh": 100_000, "crore": 10_000_000}  # fmt: skip
_NUMBER_WORD = r"(?:" + _alternation([*_UNITS, *_SCALES]) + r")"
# "five thousand", "two hundred and fifty", "ten grand" (only a phrase with a scale or a currency)
_WORDED_RE = re.compile(
    _first_chars([*_UNITS, *_SCALES])
    + r"\b(?P<words>"
    + _NUMBER_WORD
    + r"(?:[\s-]+(?:and\s+)?"
    + _NUMBER_WORD
    + r")*)"
    r"(?:\s?" + _SUFFIX + r"|(?=\s*$|\s*[.,!?]))",
    re.IGNORECASE,
)


def _worded_number(words: str) -> Decimal | None:
    """5000 for "five thousand", 250 for "two hundred and fifty"; None for "a" alone."""
    total, current, seen_number = 0, 0, False
    for word in re.split(r"[\s-]+", words.lower()):
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
            seen_number = seen_number or word not in ("a", "an")
        elif word in _SCALES:
            scale = _SCALES[word]
            current = max(current, 1) * scale
            if scale >= 1_000:
                total, current = total + current, 0
            seen_number = True
    value = total + current
    return Decimal(value) if seen_number and value > 0 else None


def _worded_amount(text: str, country: str | None, *, whole: bool) -> Amount | None:
    """An amount written in words: with a currency anywhere, alone only when it is the answer."""
    for match in _WORDED_RE.finditer(text):
        value = _worded_number(match["words"])
        if value is None:
            continue
        suffix = match.groupdict().get("suffix")
        if suffix:
            return Amount(value, currency_for(suffix, country))
        if whole and re.fullmatch(r"\s*(?:about|around|maybe|roughly|almost|nearly|over|"
                                  r"only|just|lost|i\s+lost|it\s+was)?\s*", text[: match.start()],
                                  re.IGNORECASE):  # fmt: skip
            return Amount(value, None)
    return None


def read_amount(text: str, country: str | None = None) -> Amount | None:
    """Reads an amount of money the way the reporter wrote it, with its currency.

    The one reader of amounts for answers, the summary and the report; the indicators use the
    same rules (find_amounts, currency_for). The currency comes from the sign ("S$1,200" SGD),
    the code ("5k usd"), the word ("15000 pesos", "ringgit", "baht") or, for "$", "dollars",
    "pesos", "rupees" and the like, from country (an alpha-2 code or a name): "$9,800" is
    9800 AUD for an Australian and unknown for a Malaysian. A plain number ("300", "about 5k",
    "five thousand") has an unknown currency (None). None when the text names no amount.
    """
    if not text or not text.strip():
        return None
    for found in find_amounts(text, country):
        if isinstance(found.value, Amount):
            return _restated(text, found, country)
    match = _BARE_NUMBER_RE.match(_NOT_THAT.sub("", text))
    if match:
        return _to_amount(match, None)
    return _worded_amount(text, country, whole=True) or _bare_zh_ms_amount(text)


def _restated(text: str, found: Found, country: str | None) -> Amount:
    """The first amount found, or the exact figure a reporter put right after it.

    "RM 10k，一万零两百" and "about 5k, i mean 4,850" name one sum twice, and the exact figure
    is the one meant: it follows the first with only a comma or an "I mean" between, and
    rounds to it. "$500, then another 520" are two sums, and the first stays.
    """
    first: Amount = found.value
    rest = text[found.end :]
    between = _SAME_SUM_BETWEEN.match(rest)
    if between is None or not between.group() or not rest[between.end() :].strip():
        return first
    exact = _whole_amount(rest[between.end() :], country)
    if exact is None or exact.currency not in (None, first.currency):
        return first
    if _rounds_to(exact.value, first.value):
        return Amount(exact.value, first.currency or exact.currency)
    return first


def _whole_amount(text: str, country: str | None) -> Amount | None:
    """The amount ``text`` is, when it is nothing but one ("4,850 exactly", "一万零两百")."""
    text = text[: _EXACTLY_AT_END.search(text).start()].strip()  # type: ignore[union-attr]
    for found in find_amounts(text, country):
        if found.start == 0 and found.end == len(text) and isinstance(found.value, Amount):
            return found.value
        return None
    match = _BARE_NUMBER_RE.match(text)
    return _to_amount(match, None) if match else _bare_zh_ms_amount(text)


_EXACTLY_AT_END = re.compile(
    r"\s*(?:exactly|precisely|to\s+be\s+exact|整|而已|je|sahaja|saja)?[\s.!。)）]*$", re.IGNORECASE
)


def _rounds_to(exact: Decimal, rounded: Decimal) -> bool:
    """True when ``exact`` is more precise than ``rounded`` and rounds to it (10200 -> 10000)."""
    exponent = rounded.normalize().as_tuple().exponent
    if exact == rounded or not isinstance(exponent, int):
        return False
    return exact.quantize(Decimal(1).scaleb(exponent)) == rounded.normalize() and (
        exact.normalize().as_tuple().exponent < exponent  # type: ignore[operator]
    )


# What may stand between a round figure and the exact one that restates it.
_SAME_SUM_BETWEEN = re.compile(
    r"[\s,，、;；:：.…(（/~-]*(?:(?:i\s+mean|actually|exactly|precisely|to\s+be\s+exact|or|"
    r"就是|准确(?:来说|地说)?|具体(?:是|来说)?|其实|确切(?:是|地说)?|tepatnya|sebenarnya|"
    r"maksud\s+(?:saya|sy)|iaitu)[\s,，:：]*)?(?:是)?[\s(（]*",
    re.IGNORECASE,
)


# "300 not 3000", "300, not 3,000": the amount meant comes first
_NOT_THAT = re.compile(r"\s*,?\s*(?:not|instead\s+of|rather\s+than)\s+[\d.,]+[kK]?\s*[.!]*\s*$",
                       re.IGNORECASE)  # fmt: skip


parse_amount = read_amount  # the earlier name, kept for callers


def amount_from_slot(value: object) -> Amount | None:
    """An Amount back from its slot or indicator text ("1200 SGD", "300"); None otherwise."""
    if isinstance(value, Amount):
        return value
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)(?:\s+([A-Z]{3,4}))?\s*", value)
    if not match:
        return None
    return Amount(Decimal(match[1]), match[2])


# --- Chinese and Malay (issue 12) ------------------------------------------------------------------

_SUFFIX_WORD = (
    r"(?P<suffix>(?:" + _alternation(_WORDS) + r"|" + _alternation(_CODES) + r")(?![A-Za-z]))"
)
# A number with Chinese numerals and a currency: "3千新元", "五万块", "两千五百元", "S$3千",
# "RM5千", "1.5万令吉"; "多" or "余" after the number ("3千多块") is "a little over".
_ZH_RE = re.compile(
    r"(?:"
    + _PREFIX
    + r"\s?)?(?<![0-9.,])(?P<number>"
    + ZH_NUMBER
    + r")(?:多|余)?\s?(?:"
    + _SUFFIX_WORD
    + r")?",
    re.IGNORECASE,
)
# What a number after a verb of paying must not be followed by: a time, a date, a count.
_NOT_MONEY_AFTER = (
    r"(?![0-9.,]|\s?(?:点|點|号|號|日|月|年|岁|歲|个|個|次|天|分|秒|小时|周|星期|份|张|張|件|条|條|"
    r"位|名|本|层|層|楼|樓|%|％))"
)
# A verb of losing or paying money, in Chinese, then the number: "被骗了两万", "转了1.5万".
_ZH_MONEY_VERB_RE = re.compile(
    r"(?:被骗走?了?|骗走?了|损失了?|亏了|输了|(?:转账|转帐|转|汇|付|交|充值|投资|花|打)了?|给了|还了|"
    r"拿走了?)(?:给)?(?:我|他|她|他们|对方|骗子)?(?:的)?"
    r"(?:大概|大约|差不多|一共|总共|共|将近|快|才)?\s?(?<![0-9.,])(?P<number>"
    + ZH_NUMBER
    + r")"
    + _NOT_MONEY_AFTER,
)
# Malay number words and a currency: "lima ribu ringgit", "dua ratus ringgit", "seribu dolar".
_MS_WORDED_RE = re.compile(
    r"(?<![A-Za-z])(?P<words>" + MS_NUMBER + r")\s+" + _SUFFIX_WORD, re.IGNORECASE
)
# A Malay verb of paying or losing, then a number: "dah bayar 500", "hilang seribu",
# "transfer 5 ribu ke akaun dia".
_MS_MONEY_VERB_RE = re.compile(
    r"(?<![A-Za-z])(?:bayar|dibayar|membayar|pindah(?:kan)?|dipindahkan|hantar|hilang|rugi|"
    r"kerugian|tipu|ditipu|masukkan|bank\s?-?in|transfer|habis|lesap|bagi|beri|kasi)\s+"
    r"(?:(?:dia|mereka|diorang|dorang|saya|aku|sy|total|je|sahaja|" + _MS_HEDGES + r")\s+){0,3}"
    r"(?:(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<mult>[kK](?![A-Za-z])|"
    r"\s?(?:ribu|rb|juta|jt)\b)?|(?P<words>" + MS_NUMBER + r"))"
    r"(?=\s*(?:$|[.,;:!?)]|\s(?:ke|kepada|kat|untuk|utk|dengan|dgn|melalui|guna|je|sahaja|saja|"
    r"lagi|dah|sudah|semalam|kelmarin|hari|minggu|bulan|pada|dan|tapi|total|semua|dulu)\b))",
    re.IGNORECASE,
)
# A reply that is only a Chinese or Malay number: "五万", "两千五左右", "lebih kurang seribu".
_BARE_ZH_RE = re.compile(
    r"^\s*(?:大概|大约|差不多|一共|总共|共|将近|约|才)?\s?(?P<number>"
    + ZH_NUMBER
    + r")\s?(?:多|左右|上下)?\s*[。.!！]*\s*$"
)
_BARE_MS_RE = re.compile(
    r"^\s*(?:(?:tak\s+ingat|x\s+ingat|tak\s+pasti)\s*,?\s+)?(?:(?:total|sekali\s+gus|"
    + _MS_HEDGES
    + r")\s+)?(?P<words>"
    + MS_NUMBER
    + r")\s*(?:lebih|lbh|je|jer|sahaja|saja)?\s*[.!]*\s*$",
    re.IGNORECASE,
)


# Cheap checks that spare most messages the longer patterns below.
_HAN_RE = re.compile("[" + HAN + "]")
_MS_NUMBER_STEMS = ("ribu", "ratus", "juta", "puluh", "belas", "bilion", "satu", "dua", "tiga",
                    "empat", "lima", "enam", "tujuh", "lapan", "sembilan", "sepuluh", "sebelas")  # fmt: skip
_MS_VERB_STEMS = ("bayar", "pindah", "hantar", "hilang", "rugi", "tipu", "masuk", "bank",
                  "transfer", "habis", "lesap", "bagi", "beri", "kasi")  # fmt: skip


def _zh_ms_amounts(text: str, country: str | None) -> Iterator[Found]:
    """Amounts written the Chinese or Malay way, that the rules above do not read."""
    if has_zh_numeral(text):
        yield from _zh_numeral_amounts(text, country)
    if _HAN_RE.search(text):
        yield from _zh_money_verb_amounts(text)
    lowered = text.lower()
    if any(stem in lowered for stem in _MS_NUMBER_STEMS):
        yield from _ms_worded_amounts(text, country)
    if any(stem in lowered for stem in _MS_VERB_STEMS):
        yield from _ms_money_verb_amounts(text)


def _zh_numeral_amounts(text: str, country: str | None) -> Iterator[Found]:
    for match in _ZH_RE.finditer(text):
        prefix, suffix = match["prefix"], match["suffix"]
        if not (prefix or suffix) or not has_zh_numeral(match["number"]):
            continue
        value = read_zh_number(match["number"])
        if value is None or value <= 0:
            continue
        currency = None
        if suffix and not (prefix and _WORDS.get(suffix.lower()) == "local"):
            currency = currency_for(suffix, country)
        if currency is None and prefix:
            currency = currency_for(prefix, country)
            if currency is None and prefix.lower() in ("p", "n"):
                continue
        if suffix and _WORDS.get(suffix.lower()) == "local" and value < 2 and not prefix:
            continue  # "一块" is also "together", "a piece"
        yield Found("amount", Amount(value, currency), match[0], match.start(), match.end(),
                    "amount_zh_numerals")  # fmt: skip


def _zh_money_verb_amounts(text: str) -> Iterator[Found]:
    for match in _ZH_MONEY_VERB_RE.finditer(text):
        value = read_zh_number(match["number"])
        if value is None or value < 10 or _looks_like_year(match["number"], None):
            continue
        start = match.start("number")
        yield Found("amount", Amount(value, None), match["number"], start, match.end(),
                    "amount_after_money_verb_zh")  # fmt: skip


def _ms_worded_amounts(text: str, country: str | None) -> Iterator[Found]:
    for match in _MS_WORDED_RE.finditer(text):
        value = read_ms_number(match["words"])
        if value is None:
            continue
        yield Found("amount", Amount(value, currency_for(match["suffix"], country)), match[0],
                    match.start(), match.end(), "amount_in_words_ms")  # fmt: skip


def _ms_money_verb_amounts(text: str) -> Iterator[Found]:
    for match in _MS_MONEY_VERB_RE.finditer(text):
        if match["words"]:
            value = read_ms_number(match["words"])
            amount = Amount(value, None) if value is not None else None
            start = match.start("words")
        else:
            if _looks_like_year(match["number"], match):
                continue
            amount = _to_amount(match, None)
            start = match.start("number")
        if amount is not None and amount.value >= 10:  # "dia bagi 3 hari": days, not money
            yield Found("amount", amount, text[start : match.end()], start, match.end(),
                        "amount_after_money_verb_ms")  # fmt: skip


def _bare_zh_ms_amount(text: str) -> Amount | None:
    """A reply that is only a number in Chinese or Malay ("五万", "seribu"), currency unknown."""
    match = _BARE_ZH_RE.match(text)
    value = read_zh_number(match["number"]) if match else None
    if value is None:
        match = _BARE_MS_RE.match(text)
        value = read_ms_number(match["words"]) if match else None
    return Amount(value, None) if value is not None and value > 0 else None
