"""Secrets a reporter may paste (one-time codes, PINs, passwords, card numbers, CVVs) and masking.

The brief forbids storing these in clear. OTPs, PINs, passwords and CVVs are only recognised when
words announce them ("my OTP is 123456"); card numbers by their shape and the Luhn check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stdnum import luhn

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
_DIGITS_OTP = r"(?P<value>\d(?:[ \-]?\d){3,7})(?![\d\-])"
_DIGITS_PIN = r"(?P<value>\d(?:[ \-]?\d){3,5})(?![\d\-])"
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


def find_secrets(text: str) -> list[Secret]:
    """Every secret in text, in order of appearance, without overlaps."""
    candidates: list[Secret] = _card_secrets(text)
    for kind, pattern in (("cvv", _CVV_RE), ("pin", _PIN_RE), ("otp", _OTP_RE)):
        for match in pattern.finditer(text):
            candidates.append(Secret(kind, match.start("value"), match.end("value")))
    for match in _PASSWORD_RE.finditer(text):
        if _password_value_ok(match):
            group = "quoted" if match.group("quoted") else "value"
            start = match.start(group)
            candidates.append(Secret("password", start, start + len(_password_value(match))))
    chosen: list[Secret] = []
    for secret in candidates:  # earlier kinds in the list win overlaps
        if all(secret.end <= kept.start or secret.start >= kept.end for kept in chosen):
            chosen.append(secret)
    return sorted(chosen, key=lambda secret: secret.start)


def mask_secrets(text: str) -> MaskResult:
    """text with every secret replaced by "[REDACTED <KIND>]", and the kinds that were found."""
    secrets = find_secrets(text)
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
