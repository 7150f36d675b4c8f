"""The total a reporter names for money lost in several payments, in their own words.

"so total 38k", "4,200 altogether", "一共八千左右": the whole, said so. "2 payments, 1500 and
800", "500 + 700 + 1,000", "4800 then 2000 the next morning", "两笔，一笔三千一笔两千", "dua kali,
rm500 dan rm700": a list to add up. The answer to "how much did you lose?" and a correction of
it both read totals here.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import pairwise

from scamreport.extraction.amounts import find_amounts, read_amount
from scamreport.extraction.model import Amount
from scamreport.extraction.numerals import ZH_NUMBER

# A number as reporters write money: "S$3,500", "RM9k", "5 ribu", "三万五", "两千块".
NUMBER = re.compile(
    r"(?:[^\s\w+,，]{1,2}|\b[A-Za-z]{1,3}\$|\b(?:rm|rp|rs|usd|sgd|myr|aud|hkd|php)\s?)?\d[\d,]*(?:\.\d+)?(?:[kKmM]|\s?(?:ribu|rb|juta))?\b"
    r"|" + ZH_NUMBER + r"(?:块|元|蚊)?"
)
# The number given as the whole: "是十二万八千，有一笔八千忘记算了", "jadi semua 9 ribu", "so the
# total is 1,150".
_THE_WHOLE = re.compile(
    r"(?:\b(?:it\s+(?:was|is)|total(?:\s+(?:was|is))?|altogether|in\s+all|jadi|semua|jumlah|"
    r"semuanya|sebenarnya|sepatutnya|should\s+be)\b|是|总共|一共|总数|加起来)\s*(?:是|is|was)?\s*"
    r"(?P<number>" + NUMBER.pattern + r")(?!\s?[个個次位名条條张張天日月年岁歲号號点點份件间間])",
    re.IGNORECASE,
)
# The whole after its number: "so 4,200 altogether", "12k in total", "RM9k semua sekali".
_THE_WHOLE_AFTER = re.compile(
    r"(?P<number>" + NUMBER.pattern + r")\s*(?:altogether|all\s+together|in\s+total|in\s+all|"
    r"all\s+up|total|semua(?:nya)?(?:\s+sekali)?|keseluruhan)\b",
    re.IGNORECASE,
)
# "2 payments", "转了两次", "dua kali": the list that follows is of several payments.
_SEVERAL_PAYMENTS = re.compile(
    r"\b(?:[2-9]|two|three|four|five)\s+(?:payments|transfers|transactions|times|deposits)\b"
    r"|(?:两|二|三|四|五|几)(?:笔|次)|\b(?:[2-9]|dua|tiga|empat|lima)\s+(?:kali|transaksi)\b",
    re.IGNORECASE,
)
# Between two payments of a list: words that add. A comma alone adds only after "2 payments":
# "RM 10k，一万零两百" names one sum twice.
_ADDING = (
    r"\+|and|dan|和|跟|与|plus|then|lepas\s+tu|pastu|然后|再|another|另一(?:笔|次)|"
    # "first 2k, second 3.5k, last one 1k", "第一次五千，第二次三千", "pertama 500, kedua 700"
    r"second|third|fourth|last(?:\s+one)?|next|kedua|ketiga|terakhir|第[二三四五](?:次|笔)|"
    r"最后(?:一次|一笔)"
)
_JOINER_ADDING = re.compile(
    r"^[\s,，、]*(?:" + _ADDING + r")(?:\s+(?:" + _ADDING + r"))?(?:\s+(?:the|a|an|that))?\s*$",
    re.I,
)
_JOINER_COMMA = re.compile(r"^\s*[,，、]\s*$")


def whole_number(text: str) -> str | None:
    """The number a message gives as the whole ("so total 38k", "4,200 altogether", "一共八千")."""
    whole = _THE_WHOLE.search(text) or _THE_WHOLE_AFTER.search(text)
    return whole["number"].strip() if whole else None


def sums_named(text: str, country: str | None) -> list[Amount]:
    """The numbers of ``text`` read as amounts, leaving out counts under 10 ("2 payments")."""
    amounts = [read_amount(number.strip(), country) for number in NUMBER.findall(text)]
    return [amount for amount in amounts if amount is not None and amount.value >= 10]


def listed_payments_total(
    text: str, country: str | None, *, several_said: bool = False
) -> Amount | None:
    """The sum of the payments a message lists ("2 payments, 1500 and 800": 2,300; "500 + 700";
    "4800 then 2000 the next morning"); None unless every amount of the list is joined by a word
    that adds, or by a comma after the message says there were several (or ``several_said``)."""
    several = several_said or bool(_SEVERAL_PAYMENTS.search(text))
    read = [(match, read_amount(match[0].strip(), country)) for match in NUMBER.finditer(text)]
    listed = [(match, amount) for match, amount in read if amount and amount.value >= 10]
    if len(listed) < 2:
        return None
    for (left, _), (right, _) in pairwise(listed):
        between = text[left.end() : right.start()]
        if not (_JOINER_ADDING.match(between) or several and _JOINER_COMMA.match(between)):
            return None
    currencies = {amount.currency for _, amount in listed if amount.currency}
    if len(currencies) > 1:
        return None
    total = sum((amount.value for _, amount in listed), Decimal(0))
    return Amount(total, currencies.pop() if currencies else None)


def total_answered(text: str, country: str | None) -> Amount | None:
    """The amount an answer to "how much did you lose?" gives: the whole it names, the sum of
    the payments it lists, the amount it names, or its one number that is no count. A total
    read without its currency takes the one the answer names ("一共是三千新元")."""
    whole = whole_number(text)
    amount = read_amount(whole, country) if whole else None
    if amount is None or amount.value < 10:
        amount = listed_payments_total(text, country) or read_amount(text, country)
    if amount is None:
        sums = sums_named(text, country)
        amount = sums[0] if len(sums) == 1 else None
    if amount is None or amount.currency is not None:
        return amount
    named = {
        found.value.currency
        for found in find_amounts(text, country)
        if isinstance(found.value, Amount) and found.value.currency
    }
    return Amount(amount.value, named.pop()) if len(named) == 1 else amount
