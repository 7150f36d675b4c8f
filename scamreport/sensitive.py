"""Secrets a reporter may paste (one-time codes, PINs, passwords, card numbers, CVVs) and masking.

The brief forbids storing these in clear. OTPs, PINs, passwords and CVVs are only recognised when
words announce them ("my OTP is 123456"); card numbers by their shape and the Luhn check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stdnum import luhn

from scamreport.languages import HAN_RANGES

SECRET_KINDS: tuple[str, ...] = ("otp", "pin", "password", "card_number", "cvv")

_LABELS = {
    "otp": "OTP",
    "pin": "PIN",
    "password": "PASSWORD",
    "card_number": "CARD NUMBER",
    "cvv": "CVV",
}


@dataclass(frozen=True)
class Secret:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class MaskResult:
    masked_text: str
    kinds: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.kinds)


# Up to four filler words between the announcing word and the value:
# "the code they sent me was 4821 93", "OTP number is: 123456".
_FILLER = r"(?:\s*(?:[:=#\-]|\b(?:is|was|were|are|be|no\.?|number|num|of|they|he|she|it|the|my|me|i|sent|send|gave|got|received|given|just|which|that|showed|shown|says|said|sms|for|from\s+[A-Za-z]+)\b)){0,5}\s*"  # noqa: E501
_DIGITS_OTP = r"(?P<value>\d(?:[ .\-]?\d){3,7})(?![\d\-]|\.\d)"
_DIGITS_PIN = r"(?P<value>\d(?:[ .\-]?\d){3,5})(?![\d\-]|\.\d)"
_DIGITS_CVV = r"(?P<value>\d{3,4})(?!\d)"

# "code" alone announces an OTP unless a word before it makes it some other code.
_NOT_OTP_CODE = (
    r"(?<!postal )(?<!post )(?<!zip )(?<!area )(?<!country )(?<!reference )(?<!ref )"
    r"(?<!swift )(?<!bank )(?<!branch )(?<!promo )(?<!discount )(?<!voucher )(?<!qr )"
    r"(?<!sort )(?<!tracking )(?<!dialling )(?<!dialing )(?<!invite )(?<!referral )"
)

_OTP_RE = re.compile(
    r"\b(?:otp|o\.t\.p\.?|one[\s-]?time[\s-]?(?:pass(?:word|code)?|pin|code)|tac|"
    r"verification\s+code|security\s+code|sms\s+code|auth(?:entication)?\s+code|"
    r"passcode|" + _NOT_OTP_CODE + r"code)s?\b" + _FILLER + _DIGITS_OTP,
    re.IGNORECASE,
)
_PIN_RE = re.compile(
    r"\b(?:pin|m-?pin|upi\s+pin|atm\s+pin|pin\s+code|pin\s+number)s?\b" + _FILLER + _DIGITS_PIN,
    re.IGNORECASE,
)
_CVV_RE = re.compile(
    r"\b(?:cvv2?|cvc2?|csc|card\s+verification\s+(?:value|code|number))\b" + _FILLER + _DIGITS_CVV,
    re.IGNORECASE,
)
_PASSWORD_RE = re.compile(
    r"\b(?:password|passwd|pwd|pass\s+word|login\s+pass)\b"
    r"(?P<link>\s*(?:[:=]|\b(?:is|was)\b))\s*"
    r"(?:(?P<quote>[\"'“‘])(?P<quoted>[^\"'”’\n]{1,64})[\"'”’]|(?P<value>[^\s\"'”’]+))",
    re.IGNORECASE,
)
# After "password is" these words continue the sentence rather than give the password.
_NOT_A_PASSWORD = frozenset(
    {
        "a", "an", "the", "my", "his", "her", "their", "our", "your", "same", "not", "also",
        "still", "now", "already", "too", "very", "so", "just", "wrong", "correct", "right",
        "changed", "reset", "stolen", "leaked", "hacked", "compromised", "expired", "incorrect",
        "invalid", "weak", "strong", "easy", "simple", "secret", "safe", "new", "old", "different",
        "required", "needed", "asked", "shared", "sent", "given", "taken", "known", "in", "on",
        "for", "to", "and", "or", "but", "it", "that", "this", "what", "which"
    }
)  # fmt: skip

_CARD_RE = re.compile(r"(?<![\w+\-/.,])(?P<value>[2-6]\d{3}(?:[ \-]?\d){9,15})(?![\w\-/]|[.,]\d)")
_CARD_GROUPING = re.compile(
    r"^(?:\d{13,19}|\d{4}(?:([ \-])\d{4}){2,3}(?:\1\d{1,4})?|\d{4}([ \-])\d{6}\2\d{4,5})$"
)
_REFERENCE_BEFORE = re.compile(
    r"\b(?:ref(?:erence)?|case|tracking|order|invoice|account|acct|a/c|transaction|txn|"
    r"receipt|policy|serial|iban|bill|customer|member|id)\b(?:\s*(?:no\.?|number|num|#|:|is|was|"
    r"id))*\s*$",
    re.IGNORECASE,
)
# the bank-account part of an IBAN written in groups ("DE89 3704 0044 ...")
_IBAN_HEAD_BEFORE = re.compile(r"\b[A-Za-z]{2}\d{2}[ \-]?(?:[A-Za-z0-9]{4}[ \-]?)*$")


# Chinese and Malay (issue 12). Chinese writes no space, so no \b: "我的验证码是123456".
_ZH_OTP_WORDS = (
    r"(?:短信)?(?:验证码|驗證碼|校验码|校驗碼|动态码|動態碼|动态密码|動態密碼|一次性密码|安全码|"
    r"安全碼|认证码|認證碼)"
)
_ZH_PIN_WORDS = r"(?:取款密码|取款密碼|支付密码|支付密碼|交易密码|交易密碼|银行卡密码|銀行卡密碼)"
_ZH_PASSWORD_WORDS = r"(?:登录密码|登錄密碼|密码|密碼|口令)"
_ZH_FILLER = r"(?:\s*(?:是|为|為|:|：|=|就是|发来的|發來的|号码|號碼))*\s*"
_MS_OTP_WORDS = (
    r"\bkod\s+(?:pengesahan|keselamatan|sms|otp|tac|rahsia|sekali\s+guna)\b|\bkod\b"
    + "(?!\\s+(?:pos|bank|swift|promo|baucar|negara|rujukan)\\b)"
)
_MS_PASSWORD_WORDS = r"\bkata\s+(?:laluan|kunci)\b"
_MS_FILLER = (
    r"(?:\s*(?:[:=#\-]|\b(?:ialah|adalah|ni|tu|dia|saya|aku|yang|yg|bagi|hantar|dapat|"
    r"terima|macam\s+ni)\b)){0,4}\s*"
)
_ZH_MS_CODE_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pin", re.compile(_ZH_PIN_WORDS + _ZH_FILLER + _DIGITS_PIN)),
    ("otp", re.compile(_ZH_OTP_WORDS + _ZH_FILLER + _DIGITS_OTP)),
    ("otp", re.compile(r"(?:" + _MS_OTP_WORDS + r")" + _MS_FILLER + _DIGITS_OTP, re.IGNORECASE)),
)
# A password after its name: "密码是abc123", "kata laluan saya: Ali1234!".
_ZH_MS_PASSWORD_RE = re.compile(
    r"(?:" + _ZH_PASSWORD_WORDS + _ZH_FILLER + r"|(?:" + _MS_PASSWORD_WORDS + r")" + _MS_FILLER
    + r")(?P<value>[!-~]{4,64})",
    re.IGNORECASE,
)  # fmt: skip

# Words that name a secret; the nearby-code rule and the "next message" rule start from them.
_SECRET_WORD_RE = re.compile(
    r"\b(?:otp|o\.t\.p\.?|one[\s-]?time[\s-]?(?:pass(?:word|code)?|pin|code)|tac|"
    r"verification\s+code|security\s+code|sms\s+code|auth(?:entication)?\s+code|passcode|"
    r"pin|m-?pin|cvv2?|cvc2?|password|passwd|pwd|"
    + _NOT_OTP_CODE
    + r"code)s?\b|"
    + _ZH_OTP_WORDS
    + "|"
    + _ZH_PIN_WORDS
    + "|"
    + _ZH_PASSWORD_WORDS
    + "|"
    + _MS_OTP_WORDS
    + "|"
    + _MS_PASSWORD_WORDS,
    re.IGNORECASE,
)
_NEARBY_CHARS = 60
_SENTENCE_END = re.compile(r"[.!?;\n]\s")
# 4 to 8 digits, possibly split by spaces, dots or dashes ("482 913", "48-29-13")
_CODE_DIGITS_RE = re.compile(r"(?<![\d+/:.,$€£¥])\d(?:[ .\-]?\d){3,7}(?![\d/:]|[.,]\d)")
_MONEY_BEFORE = re.compile(r"(?:[$€£¥₱₹]|\b(?:rm|rp|usd|sgd|myr|php|inr|eur|gbp|aud)\s?)$", re.I)
_MONEY_AFTER = re.compile(
    r"\s?(?:k\b|dollars?|bucks|usd|sgd|myr|php|inr|eur|gbp|aud|pesos?|ringgit|rupees?|"
    r"euros?|pounds?|baht|yuan|rmb|yen|won|am\b|pm\b|hrs?\b|hours?|minutes?|mins?\b)",
    re.I,
)
# A message sent right after a secret was mentioned is read as the code only when this short.
_EXPECTED_MAX_WORDS = 6
# "sent to 81234567", "called from 91234567": a phone number, not a code
_PHONE_WORD_BEFORE = re.compile(
    r"\b(?:to|from|call(?:ed)?|number|no\.?|tel|ph|contact|whatsapp|at)\s*:?\s*$", re.I
)
_LONE_TOKEN = re.compile(r"[^\s]{4,64}")
# Chinese writes a whole answer without spaces ("没有，反而他拿了五百块"): a sentence, never a
# lone password. (A code inside such a sentence is still masked when one is expected.)
_HAN = re.compile("[" + HAN_RANGES + "]")
# The answer to the next question, not a password: "S$3,200", "usdt25000", a link, "@handle".
_ANSWER_NOT_PASSWORD = re.compile(
    r"^(?:[$€£¥₹₱₩฿]|(?:s|us|a|au|c|ca|hk|nz|sg|rm|rp|rs|usd|sgd|myr|eur|gbp|aud|cad|inr|php|"
    r"idr|usdt|usdc|btc|eth)\$?)?\s?\d[\d,]*(?:\.\d+)?(?:[kKmM]|usd|sgd|myr|eur|gbp|aud|usdt)?$|"
    r"://|^www\.|\[\.\]|^@\w|^[\w.+-]+@[\w-]+\.[\w.]+$|^\+\d",
    re.IGNORECASE,
)
# Replies that are not a password even when one was just mentioned.
_NOT_A_PASSWORD_REPLY = frozenset(
    {"yes", "yeah", "yep", "nope", "okay", "sure", "idk", "skip", "cancel", "help", "dunno",
     "maybe", "thanks", "thank", "sorry", "what", "why", "never", "none", "nothing", "didnt",
     "didn't", "don't", "dont"}
)  # fmt: skip


def _kind_of_word(word: str) -> str:
    lowered = word.lower()
    if re.fullmatch(_ZH_PIN_WORDS, lowered):
        return "pin"
    if re.fullmatch(_ZH_PASSWORD_WORDS + "|" + _MS_PASSWORD_WORDS, lowered):
        return "password"
    if lowered.startswith(("cvv", "cvc")):
        return "cvv"
    if lowered.startswith(("pass", "pwd")) and "code" not in lowered and "time" not in lowered:
        return "password"
    if re.match(r"m-?pin|pins?$", lowered):
        return "pin"
    return "otp"


def _password_value(match: re.Match[str]) -> str:
    """The password as typed: all of a quoted one, an unquoted one without sentence punctuation."""
    if match.group("quoted"):
        return match.group("quoted")
    return match.group("value").rstrip(".,;:)")


def _password_value_ok(match: re.Match[str]) -> bool:
    if match.group("quoted"):
        return True
    value = _password_value(match)
    if not value:
        return False
    if match.group("link").strip() in (":", "="):
        return True
    word = value.lower()
    if not word.isalpha():
        return True
    # "my password is changed", "password was leaked": the sentence goes on, no password given
    return word not in _NOT_A_PASSWORD and not (
        len(word) > 4 and word.endswith(("ed", "ing", "ly"))
    )


def _card_secrets(text: str) -> list[Secret]:
    found = []
    for match in _CARD_RE.finditer(text):
        raw = match.group("value")
        digits = re.sub(r"\D", "", raw)
        if not 13 <= len(digits) <= 19 or not _CARD_GROUPING.match(raw):
            continue
        if not luhn.is_valid(digits):
            continue
        before = text[max(0, match.start() - 40) : match.start()]
        if _REFERENCE_BEFORE.search(before) or _IBAN_HEAD_BEFORE.search(before):
            continue
        found.append(Secret("card_number", match.start("value"), match.end("value")))
    return found


def _nearby_code_secrets(text: str) -> list[Secret]:
    """A code a few words after the word that names it, in the same sentence:
    "they asked for my OTP and i gave it, it was 482913"."""
    found: list[Secret] = []
    for word in _SECRET_WORD_RE.finditer(text):
        kind = _kind_of_word(word.group(0))
        if kind not in ("otp", "pin", "cvv"):
            continue
        window = text[word.end() : word.end() + _NEARBY_CHARS]
        window = _SENTENCE_END.split(window, maxsplit=1)[0]
        for digits in _CODE_DIGITS_RE.finditer(window):
            start, end = word.end() + digits.start(), word.end() + digits.end()
            if _looks_like_money_or_phone(text, start, end):
                continue
            found.append(Secret(kind, start, end))
            break
    return found


# "+65 6123 4567", "0065-6123-4567", "+60 12-345 6789": the digits follow an international
# prefix and the number's other groups.
_INTERNATIONAL_PREFIX_BEFORE = re.compile(r"(?:\+|\b00)\d{1,4}[\s.\-()]*(?:\d+[\s.\-()]+){0,3}$")


def _looks_like_money_or_phone(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 24) : start]
    after = text[end : end + 12]
    return bool(
        _MONEY_BEFORE.search(before)
        or _MONEY_AFTER.match(after)
        or _PHONE_WORD_BEFORE.search(before)
        or _INTERNATIONAL_PREFIX_BEFORE.search(before)
    )


# What mask_secrets writes in place of a secret: never a secret itself, so that a text masked
# before (by the bot, then as the action server's second line) is masked again unchanged.
_MASK_MARK = re.compile(r"\[REDACTED (?:" + "|".join(map(re.escape, _LABELS.values())) + r")\]")


def find_secrets(text: str, *, expecting: str | None = None) -> list[Secret]:
    """Every secret in text, in order of appearance, without overlaps.

    ``expecting`` names a secret kind the conversation has just been about ("they asked for
    my OTP" in the message before): then a message that is little more than a code is one.
    The marks masking leaves ("[REDACTED PASSWORD]") are not secrets.
    """
    candidates: list[Secret] = _card_secrets(text)
    for kind, pattern in (("cvv", _CVV_RE), ("pin", _PIN_RE), ("otp", _OTP_RE)):
        for match in pattern.finditer(text):
            candidates.append(Secret(kind, match.start("value"), match.end("value")))
    for kind, pattern in _ZH_MS_CODE_RES:
        for match in pattern.finditer(text):
            candidates.append(Secret(kind, match.start("value"), match.end("value")))
    candidates.extend(_nearby_code_secrets(text))
    if expecting is not None:
        candidates.extend(_expected_secrets(text, expecting))
    for match in _PASSWORD_RE.finditer(text):
        if _password_value_ok(match):
            group = "quoted" if match.group("quoted") else "value"
            start = match.start(group)
            candidates.append(Secret("password", start, start + len(_password_value(match))))
    for match in _ZH_MS_PASSWORD_RE.finditer(text):
        value = match.group("value").rstrip(".,;:)")
        announced = re.search(r"[:=：]", text[match.start() : match.start("value")])
        # "kata laluan dia tukar" (changed): a plain word is a password only after ":" or "="
        if value.isalpha() and not announced:
            continue
        if value.lower() not in _NOT_A_PASSWORD:
            start = match.start("value")
            candidates.append(Secret("password", start, start + len(value)))
    marks = [mark.span() for mark in _MASK_MARK.finditer(text)]
    chosen: list[Secret] = []
    for secret in candidates:  # earlier kinds in the list win overlaps
        if any(secret.start < end and start < secret.end for start, end in marks):
            continue
        if all(secret.end <= kept.start or secret.start >= kept.end for kept in chosen):
            chosen.append(secret)
    return sorted(chosen, key=lambda secret: secret.start)


def _expected_secrets(text: str, expecting: str) -> list[Secret]:
    """A bare code (or, after a password was mentioned, a lone word) sent on its own."""
    stripped = text.strip()
    if expecting == "password":
        # A lone word with a digit or a symbol: "Australia" or "yes" is an answer, "hunter2!" not.
        if (
            _LONE_TOKEN.fullmatch(stripped)
            and not _HAN.search(stripped)
            and not stripped.isalpha()
            and stripped.lower() not in _NOT_A_PASSWORD_REPLY
            and not _ANSWER_NOT_PASSWORD.search(stripped)
        ):
            start = text.index(stripped)
            return [Secret("password", start, start + len(stripped))]
        return []
    if len(stripped.split()) > _EXPECTED_MAX_WORDS:
        return []
    found = []
    for match in _CODE_DIGITS_RE.finditer(text):
        if _looks_like_money_or_phone(text, match.start(), match.end()):
            continue
        if match.group(0).endswith("00"):  # "3000": an amount far more often than a code
            continue
        found.append(Secret(expecting if expecting in _LABELS else "otp", *match.span()))
    return found


def mentioned_secret_kind(text: str) -> str | None:
    """The kind of secret a message talks about ("they asked for my OTP"), or None.

    The next message may then be the code itself, sent on its own."""
    for word in _SECRET_WORD_RE.finditer(text):
        return _kind_of_word(word.group(0))
    return None


def mask_secrets(text: str, *, expecting: str | None = None) -> MaskResult:
    """text with every secret replaced by "[REDACTED <KIND>]", and the kinds that were found.

    See ``find_secrets`` for ``expecting``."""
    secrets = find_secrets(text, expecting=expecting)
    pieces: list[str] = []
    position = 0
    kinds: list[str] = []
    for secret in secrets:
        pieces.append(text[position : secret.start])
        pieces.append(f"[REDACTED {_LABELS[secret.kind]}]")
        position = secret.end
        if secret.kind not in kinds:
            kinds.append(secret.kind)
    pieces.append(text[position:])
    return MaskResult("".join(pieces), kinds)
