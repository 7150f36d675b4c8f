"""How money was paid, read into one of scamreport.taxonomy.PAYMENT_METHODS.

From a reporter's words in English, Chinese and Malay (``payment_method_in``) and from the
``payment_method`` entity Rasa's NLU extracted (``payment_method_of_entities``): Rasa's
synonyms (data/synonyms.yml) turn what people type into names such as "PayNow" or "iTunes
cards", which ``ENTITY_PAYMENT_METHODS`` maps onto the codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# In order: the first that matches decides ("gift card" before "card", "PayNow" before "bank").
PAYMENT_METHOD_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "gift_cards",
        re.compile(
            r"gift ?card|google play|itunes|apple card|steam card|voucher|kad\s+hadiah|baucar|"
            r"礼品卡|礼物卡|充值卡|点卡",
            re.I,
        ),
    ),
    (
        "crypto",
        re.compile(
            r"crypto|bitcoin|btc|usdt|tether|eth(ereum)?\b|wallet|binance|kripto|加密货币|"
            r"虚拟货币|数字货币|比特币|泰达币|钱包",
            re.I,
        ),
    ),
    ("cash", re.compile(r"\bcash\b|courier|handed|in person|tunai|kurier|现金|现钞|快递员", re.I)),
    # "49000 rupees got debited" says nothing of a card.
    (
        "card",
        re.compile(
            r"\bcredit\b|\bdebit\b|\bcard\b|\bvisa\b|mastercard|amex|\bkad\b|信用卡|银行卡|"
            r"借记卡|刷卡",
            re.I,
        ),
    ),
    ("paypal", re.compile(r"paypal", re.I)),
    (
        "money_transfer_service",
        re.compile(
            r"western union|moneygram|remit|exchange house|hawala|\bwise\b|worldremit|xoom|"
            r"\bria\b|money transfer (?:service|shop|agent)|kiriman\s+wang|西联|速汇金|汇款公司|"
            r"汇款服务",
            re.I,
        ),
    ),
    (
        "instant_payment",
        re.compile(
            r"paynow|pay now|fast transfer|\bupi\b|gcash|zelle|venmo|duitnow|promptpay|interac|"
            r"e-?transfer|paylah|maya\b|cash ?app|payid|osko|phonepe|paytm|google pay|gpay|"
            r"\bfpx\b|touch\s?'?n\s?go|\btng\b|boost|grabpay|支付宝|alipay|微信支付|"
            r"wechat\s?pay|转数快|\bfps\b",
            re.I,
        ),
    ),
    (
        "bank_transfer",
        re.compile(
            r"bank|transfer|wire|iban|account|internet banking|\bchaps\b|\bbacs\b|faster payment|"
            r"\bswift\b|\bach\b|\bneft\b|\bimps\b|\brtgs\b|\bsepa\b|telegraphic|"
            r"pindahan|pemindahan|perbankan|akaun|banking|转账|转帐|汇款|网银|银行|电汇",
            re.I,
        ),
    ),
]

# The names Rasa's synonyms give (data/synonyms.yml), and entity values the patterns would
# misread ("Touch 'n Go eWallet" is no crypto wallet, "Cash App" no cash), lower-cased.
ENTITY_PAYMENT_METHODS: dict[str, str] = {
    "bank transfer": "bank_transfer",
    "paynow": "instant_payment",
    "fast transfer": "instant_payment",
    "fast转账": "instant_payment",
    "duitnow": "instant_payment",
    "touch 'n go ewallet": "instant_payment",
    "grabpay": "instant_payment",
    "shopeepay": "instant_payment",
    "gcash": "instant_payment",
    "maya": "instant_payment",
    "google pay": "instant_payment",
    "cash app": "instant_payment",
    "wechat pay": "instant_payment",
    "微信": "instant_payment",
    "alipay": "instant_payment",
    "gift cards": "gift_cards",
    "google play cards": "gift_cards",
    "itunes cards": "gift_cards",
    "steam cards": "gift_cards",
    "amazon gift cards": "gift_cards",
    "bitcoin": "crypto",
    "usdt": "crypto",
    "ethereum": "crypto",
    "crypto": "crypto",
    "credit card": "card",
    "debit card": "card",
    "paypal": "paypal",
    "western union": "money_transfer_service",
    "moneygram": "money_transfer_service",
}


def payment_method_in(text: str) -> str | None:
    """The payment method ``text`` names ("paid by PayNow" -> "instant_payment"), or None."""
    for code, pattern in PAYMENT_METHOD_PATTERNS:
        if pattern.search(text):
            return code
    return None


def transfer_named_in(text: str, method: str) -> str:
    """A bank transfer that the text elsewhere names as an instant payment ("要先paynow，我转了
    640给他", "transfer guna DuitNow"): that instant payment; any other method as it is."""
    if method != "bank_transfer":
        return method
    instant = dict(PAYMENT_METHOD_PATTERNS)["instant_payment"]
    return "instant_payment" if instant.search(text) else method


def payment_method_of_entity(value: str) -> str | None:
    """The code of one ``payment_method`` entity value, or None when it names none."""
    known = ENTITY_PAYMENT_METHODS.get(value.strip().lower())
    return known or payment_method_in(value)


def payment_method_of_entities(values: Iterable[str]) -> str | None:
    """The code the message's ``payment_method`` entities agree on; None when there are none,
    none names a method, or they name different ones ("PayNow, not bank transfer": the words
    decide)."""
    codes = {code for code in map(payment_method_of_entity, values) if code is not None}
    return codes.pop() if len(codes) == 1 else None
