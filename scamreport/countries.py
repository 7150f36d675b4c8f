"""Countries: ISO 3166 alpha-2 codes from what reporters type, names and currencies.

Each country's own emergency number lives in the agency registry; here is only the fallback text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry

# What people call countries that pycountry's names, official and common names do not cover.
_ALIASES: dict[str, str] = {
    "uk": "GB",
    "u.k.": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "united kingdom": "GB",
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "u.s.a": "US",
    "us": "US",
    "america": "US",
    "the states": "US",
    "united states": "US",
    "united states of america": "US",
    "holland": "NL",
    "netherlands": "NL",
    "the netherlands": "NL",
    "s'pore": "SG",
    "spore": "SG",
    "singapura": "SG",
    "hong kong": "HK",
    "hongkong": "HK",
    "hk": "HK",
    "korea": "KR",
    "south korea": "KR",
    "s korea": "KR",
    "s. korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "uae": "AE",
    "u.a.e.": "AE",
    "emirates": "AE",
    "the emirates": "AE",
    "viet nam": "VN",
    "vietnam": "VN",
    "russia": "RU",
    "taiwan": "TW",
    "macau": "MO",
    "macao": "MO",
    "laos": "LA",
    "burma": "MM",
    "czech republic": "CZ",
    "turkey": "TR",
    "ivory coast": "CI",
    "the philippines": "PH",
    "phillipines": "PH",
    "philipines": "PH",
    "mainland china": "CN",
    "prc": "CN",
    "ksa": "SA",
    "saudi": "SA",
    "nz": "NZ",
    "aus": "AU",
    "oz": "AU",
    "m'sia": "MY",
    "msia": "MY",
    "indo": "ID",
}

# Abbreviations accepted inside a longer sentence ("I'm in SG now"), written in capitals only:
# other two-letter codes are too often English words ("IN", "IT", "ME", "NO").
_SENTENCE_CODES: frozenset[str] = frozenset(
    {"SG", "MY", "HK", "UK", "US", "USA", "UAE", "NZ", "AU", "PH", "TH", "VN", "KR", "TW", "CN"}
)

_LEAD_PHRASES = re.compile(
    r"^(?:(?:i\s*(?:'?m|am)|we\s*(?:'?re|are)|i\s+live|we\s+live|living|based|live|staying|currently|"
    r"now|right\s+now|from|in|at|the|my\s+country\s+is|country\s*(?:is|:)?|it'?s|it\s+is)\s+)+",
    re.IGNORECASE,
)

_CURRENCIES: dict[str, str] = {
    # EU members
    "AT": "EUR", "BE": "EUR", "BG": "BGN", "HR": "EUR", "CY": "EUR", "CZ": "CZK", "DK": "DKK",
    "EE": "EUR", "FI": "EUR", "FR": "EUR", "DE": "EUR", "GR": "EUR", "HU": "HUF", "IE": "EUR",
    "IT": "EUR", "LV": "EUR", "LT": "EUR", "LU": "EUR", "MT": "EUR", "NL": "EUR", "PL": "PLN",
    "PT": "EUR", "RO": "RON", "SK": "EUR", "SI": "EUR", "ES": "EUR", "SE": "SEK",
    # rest of Europe
    "GB": "GBP", "CH": "CHF", "NO": "NOK", "IS": "ISK", "TR": "TRY", "UA": "UAH", "RU": "RUB",
    # Asia-Pacific
    "SG": "SGD", "MY": "MYR", "ID": "IDR", "TH": "THB", "PH": "PHP", "VN": "VND", "IN": "INR",
    "CN": "CNY", "HK": "HKD", "MO": "MOP", "TW": "TWD", "JP": "JPY", "KR": "KRW", "KH": "KHR",
    "LA": "LAK", "MM": "MMK", "BN": "BND", "PK": "PKR", "BD": "BDT", "LK": "LKR", "NP": "NPR",
    "AU": "AUD", "NZ": "NZD",
    # Americas
    "US": "USD", "CA": "CAD", "BR": "BRL", "MX": "MXN", "AR": "ARS", "CO": "COP", "CL": "CLP",
    "PE": "PEN",
    # Africa and the Middle East
    "ZA": "ZAR", "NG": "NGN", "KE": "KES", "GH": "GHS", "EG": "EGP", "AE": "AED", "SA": "SAR",
    "QA": "QAR", "IL": "ILS",
}  # fmt: skip

# Friendlier than pycountry's formal names where it has no common_name.
_NAME_OVERRIDES: dict[str, str] = {
    "RU": "Russia",
    "SY": "Syria",
    "LA": "Laos",
    "TR": "Turkey",
    "CZ": "Czech Republic",
    "US": "United States",
    "GB": "United Kingdom",
}


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").strip().lower()
    text = re.sub(r"\s+", " ", text)
    return text.strip(' .,!?;:"()')


@lru_cache(maxsize=1)
def _exact_names() -> dict[str, str]:
    """Every lower-cased name, official name, common name and alias -> alpha-2."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names[_normalise(value)] = code
                # "Korea, Republic of" is also written "Republic of Korea"
                if ", " in value:
                    head, tail = value.split(", ", 1)
                    names[_normalise(f"{tail} {head}")] = code
    names.update(_ALIASES)
    return names


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance counting a swap of neighbours as one edit ("Nigeira"), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i]
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)
            current.append(value)
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def _fuzzy(candidate: str) -> str | None:
    """A country whose name is within a small edit distance of candidate, if exactly one is."""
    letters = re.sub(r"[^a-z]", "", candidate)
    if len(letters) < 6:
        return None
    limit = 1 if len(letters) < 8 else 2
    best: dict[str, int] = {}
    for name, code in _exact_names().items():
        if len(name) < 6:
            continue
        distance = edit_distance(candidate, name, limit)
        if distance <= limit and distance < best.get(code, limit + 1):
            best[code] = distance
    if not best:
        return None
    lowest = min(best.values())
    winners = [code for code, distance in best.items() if distance == lowest]
    return winners[0] if len(winners) == 1 else None


# Lower-case two-letter answers that are English words before they are country codes.
_WORD_CODES: frozenset[str] = frozenset(
    {"no", "in", "it", "is", "me", "am", "as", "at", "be", "to", "so", "an", "my", "pe", "ok"}
)


def _lookup_exact(candidate: str, original: str = "") -> str | None:
    """candidate is normalised; original keeps the reporter's capitalisation for codes."""
    if not candidate:
        return None
    found = _exact_names().get(candidate)
    if found:
        return found
    original = original.strip(' .,!?;:"()')
    if len(candidate) == 2 and candidate.isalpha():
        if candidate in _WORD_CODES and not original.isupper():
            return None
        country = pycountry.countries.get(alpha_2=candidate)
        return country.alpha_2 if country is not None else None
    # three-letter codes only in capitals: "CAN", "ARE", "PER" are words first
    if len(candidate) == 3 and original.isupper() and original.isalpha():
        country = pycountry.countries.get(alpha_3=candidate)
        return country.alpha_2 if country is not None else None
    return None


def resolve_country(text: str) -> str | None:
    """The ISO 3166 alpha-2 code of the country text names, or None when it names none."""
    if not text or not text.strip():
        return None
    whole = _normalise(text)
    original_stripped = _LEAD_PHRASES.sub("", unicodedata.normalize("NFKC", text).strip())
    stripped = _normalise(original_stripped)
    for candidate, original in ((whole, text), (stripped, original_stripped)):
        found = _lookup_exact(candidate, original)
        if found:
            return found
    found = _in_sentence(text)
    if found:
        return found
    return _fuzzy(stripped) if len(stripped.split()) <= 3 else None


def _in_sentence(text: str) -> str | None:
    """The first country name (or capitalised common abbreviation) inside a longer message."""
    words = re.findall(
        r"[A-Za-z][A-Za-z'.]*[A-Za-z.]|[A-Za-z]", unicodedata.normalize("NFKC", text)
    )
    for start in range(len(words)):
        for size in (4, 3, 2, 1):
            if start + size > len(words):
                continue
            phrase = " ".join(words[start : start + size])
            if size == 1 and phrase.strip(".") in _SENTENCE_CODES:
                return _lookup_exact(_normalise(phrase), phrase)
            normalised = _normalise(phrase)
            if len(normalised) > 3 and normalised in _exact_names():
                return _exact_names()[normalised]
    return None


def country_name(code: str) -> str:
    """A short English name for an alpha-2 code; the code itself when it is not a country."""
    upper = code.strip().upper()
    if upper in _NAME_OVERRIDES:
        return _NAME_OVERRIDES[upper]
    country = pycountry.countries.get(alpha_2=upper) if len(upper) == 2 else None
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def country_code(country: str | None) -> str | None:
    """The alpha-2 code for a code or a name ("sg", "UK", "Australia"), or None."""
    if not country or not country.strip():
        return None
    code = country.strip()
    if len(code) == 2 and code.isalpha():
        return "GB" if code.upper() == "UK" else code.upper()
    return resolve_country(code)


def default_currency(country: str | None) -> str | None:
    """The ISO 4217 currency in everyday use in the country (a code or a name), if we know it."""
    code = country_code(country)
    return _CURRENCIES.get(code) if code else None


# Names of a country's own institutions, banks, couriers and payment apps that scammers
# impersonate or victims pay through at home: a story naming one says where the reporter lives
# (never a foreign police force, an embassy or a currency of a promised sum: those are where
# the scammer claims to be). Names shared by several countries are left out.
_HOME_CUES: dict[str, tuple[str, ...]] = {
    "SG": ("singapore police force", "SPF", "MAS", "DBS", "POSB", "OCBC", "SingPost",
           "Singtel", "PayNow", "CPF", "IRAS", "Singpass", "ICA"),
    "MY": ("bukit aman", "PDRM", "Bank Negara", "BNM", "Maybank", "LHDN", "Pos Laju",
           "Poslaju", "Touch 'n Go", "Touch n Go", "TnG", "DuitNow", "MCMC"),
    "AU": ("ATO", "myGov", "Centrelink", "Telstra", "Australia Post", "AusPost", "Optus",
           "Services Australia", "Commbank", "Westpac"),
    "GB": ("HMRC", "Royal Mail", "Action Fraud", "DVLA", "NHS", "Evri", "Barclays",
           "Lloyds", "NatWest", "Halifax"),
    "US": ("IRS", "USPS", "Social Security", "Zelle", "Venmo", "Cash App", "CashApp"),
    "CA": ("Canada Post", "CRA", "RCMP", "Service Canada", "Interac"),
    "IN": ("CBI", "Aadhaar", "Aadhar", "UPI", "Paytm", "PhonePe", "SBI", "TRAI", "KBC",
           "digital arrest"),
    "PH": ("GCash", "BDO", "BPI", "NBI", "PNP", "LBC"),
    "NZ": ("NZ Post", "IRD", "Kiwibank"),
    "IE": ("An Post", "Garda", "Gardaí"),
    "NL": ("PostNL", "DigiD", "Rabobank", "ABN AMRO", "Tikkie"),
    "NG": ("EFCC", "GTBank", "Opay"),
    "HK": ("HKPF", "Octopus card", "FPS"),
}  # fmt: skip


# Acronyms that count only in capitals: in lower case they are words ("mas", "ica", "fps").
_CUES_IN_CAPITALS_ONLY = frozenset({"MAS", "ICA", "FPS", "BNM", "TnG", "LBC"})


@lru_cache(maxsize=1)
def _home_cue_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    patterns = []
    for code, names in _HOME_CUES.items():
        upper = [n for n in names if n in _CUES_IN_CAPITALS_ONLY]
        other = [n for n in names if n not in upper]
        parts = []
        if other:
            words = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in other)
            parts.append(rf"(?i:\b(?:{words})\b)")
        if upper:
            parts.append(rf"\b(?:{'|'.join(upper)})\b")
        patterns.append((code, re.compile("|".join(parts))))
    return tuple(patterns)


def country_from_home_cues(text: str) -> str | None:
    """The reporter's country when ``text`` names institutions of exactly one country
    ("a call from HMRC", "my DBS account"), else None."""
    found = {code for code, pattern in _home_cue_patterns() if pattern.search(text)}
    return found.pop() if len(found) == 1 else None


# Currencies of one country each: money a reporter paid in one of these says where they live.
_HOME_CURRENCIES: dict[str, str] = {
    "SGD": "SG", "MYR": "MY", "PHP": "PH", "AUD": "AU", "CAD": "CA", "NZD": "NZ", "GBP": "GB",
    "INR": "IN", "NGN": "NG", "KES": "KE", "ZAR": "ZA", "HKD": "HK", "JPY": "JP", "KRW": "KR",
    "THB": "TH", "IDR": "ID", "VND": "VN", "AED": "AE", "PKR": "PK", "GHS": "GH",
}  # fmt: skip


def country_of_paid_currency(currencies: list[str]) -> str | None:
    """The reporter's country when every currency they paid in belongs to one country."""
    found = {_HOME_CURRENCIES.get(c.upper()) for c in currencies if c}
    return found.pop() if len(found) == 1 and None not in found else None
