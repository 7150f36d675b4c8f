"""Numbers written the Chinese way ("两千五百", "五万", "1.5万", "3千5") and in Malay words
("lima ribu", "dua ratus", "seribu", "sejuta")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Chinese numeral characters (everyday and the financial forms written on cheques).
ZH_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億"
# "3000", "1,500", "1.5万", "3千5", "两千五百", "五万": digits and numeral characters together.
# Bounded and unambiguous (digits are read by one part only), so that a long run of digits or
# numerals costs linear time.
ZH_NUMBER = (
    r"(?:[0-9](?:[0-9]|,(?=[0-9]{3})){0,20}(?:\.[0-9]{1,4})?(?:[" + ZH_NUMERAL_CHARS + r"]"
    r"[0-9"
    + ZH_NUMERAL_CHARS
    + r"]{0,12})?|["
    + ZH_NUMERAL_CHARS
    + r"][0-9"
    + ZH_NUMERAL_CHARS
    + r"]{0,15})"
)
_HAS_ZH_NUMERAL = re.compile("[" + ZH_NUMERAL_CHARS + "]")


def has_zh_numeral(text: str) -> bool:
    return bool(_HAS_ZH_NUMERAL.search(text))


def read_zh_number(text: str) -> Decimal | None:
    """2500 for "两千五百" or "两千五", 15000 for "1.5万", 3500 for "3千5"; None if not a number."""
    text = text.replace(",", "").replace("萬", "万").replace("億", "亿")
    if not text:
        return None
    if not has_zh_numeral(text):
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    import cn2an  # imported on first use: it reads its configuration when imported

    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    # "1.2万" comes back as 12000.000000000002: amounts have at most cents.
    number = Decimal(str(round(value, 2))) if isinstance(value, float) else Decimal(value)
    return number.to_integral_value() if number == number.to_integral_value() else number


# Malay: units, "belas" (teens), "puluh" (tens) and scales; "se-" is "one" ("seribu" 1000).
MS_UNITS: dict[str, int] = {
    "kosong": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "lapan": 8, "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11,
}  # fmt: skip
MS_SCALES: dict[str, int] = {
    "puluh": 10, "ratus": 100, "ribu": 1_000, "juta": 1_000_000, "bilion": 1_000_000_000,
}  # fmt: skip
_MS_ONE_SCALES = {"se" + word: scale for word, scale in MS_SCALES.items() if word != "puluh"}
MS_NUMBER_WORDS = (*MS_UNITS, *MS_SCALES, *_MS_ONE_SCALES, "belas")
_MS_HALF = ("setengah", "stgh")  # "tiga ribu setengah" 3500, "setengah juta" 500000
_MS_WORD = (
    r"(?:\d{1,3}(?=\s+(?:ratus|ribu|juta|bilion)\b)|"  # digits with a scale: "8 ribu 5 ratus"
    + "|".join(sorted((*MS_NUMBER_WORDS, *_MS_HALF), key=len, reverse=True))
    + r")"
)
# bounded: "satu juta dua ratus lima puluh ribu" is 7 words
MS_NUMBER = _MS_WORD + r"(?:\s+" + _MS_WORD + r"){0,7}"


def read_ms_number(words: str) -> Decimal | None:
    """5000 for "lima ribu", 250 for "dua ratus lima puluh", 12 for "dua belas", 1000 for
    "seribu", 8500 for "8 ribu 5 ratus", 3500 for "tiga ribu setengah"; None when the words
    are not a number ("belas" alone, "kosong", "setengah" alone)."""
    total, hundreds, unit, seen = Decimal(0), 0, Decimal(0), False
    last_scale = 0
    for word in re.split(r"\s+", words.strip().lower()):
        if word.isdigit() and not unit and not hundreds:
            unit = Decimal(word)
            seen = seen or unit > 0
        elif word in _MS_HALF:
            if last_scale and not (hundreds or unit):
                total += Decimal(last_scale) / 2  # "ribu setengah": and a half thousand
                last_scale = 0
            elif not (total or hundreds or unit):
                unit = Decimal("0.5")  # "setengah juta": half a million
            else:
                return None
        elif word in MS_UNITS:
            unit += MS_UNITS[word]
            seen = seen or MS_UNITS[word] > 0
        elif word == "belas" and 0 < unit < 10:
            unit += 10
        elif word == "puluh" and 0 < unit < 10:
            unit *= 10
        elif word in ("ratus", "seratus"):
            if word == "ratus" and not unit:
                return None
            hundreds += int((unit or 1) * 100)
            unit, seen, last_scale = Decimal(0), True, 100
        elif word in _MS_ONE_SCALES or word in MS_SCALES and word != "puluh":
            scale = _MS_ONE_SCALES.get(word) or MS_SCALES[word]
            group = hundreds + unit
            if word in MS_SCALES and not group:
                return None  # "ribu" alone is not a number
            if word in _MS_ONE_SCALES and group:
                return None  # "dua seribu"
            total += (group or 1) * scale
            hundreds, unit, seen, last_scale = 0, Decimal(0), True, scale
        else:
            return None
    value = total + hundreds + unit
    if value != value.to_integral_value():
        return None  # "setengah" alone, or half of no scale
    return value.to_integral_value() if seen and value > 0 else None
