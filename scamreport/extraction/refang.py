"""Defanged-indicator syntax ("hxxps://a[.]b", "name[at]host[.]com") and how to undo it."""

from __future__ import annotations

import re

# A dot written as ".", "[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}" (spaces allowed in brackets).
DOT = r"(?:\.|\s?[\[\(\{]\s?(?:\.|dot)\s?[\]\)\}]\s?)"
# The same, plus the bare word " dot " (only used where an "at" already marks an e-mail address).
DOT_OR_WORD = r"(?:" + DOT + r"|\s+dot\s+)"
# "@", "[at]", "(at)", "{at}", "[@]", "(@)".
AT = r"(?:@|\s?[\[\(\{]\s?(?:at|@)\s?[\]\)\}]\s?)"

_DOT_RE = re.compile(r"\s?[\[\(\{]\s?(?:\.|dot)\s?[\]\)\}]\s?|\s+dot\s+", re.IGNORECASE)
_AT_RE = re.compile(r"\s?[\[\(\{]\s?(?:at|@)\s?[\]\)\}]\s?", re.IGNORECASE)
_SCHEME_RE = re.compile(r"^h(?:xx|tt|xt|tx|\*\*)p(s?)\s?(?:\[:\]//|\[://\]|\(:\)//|://)", re.I)
_DEFANG_MARK_RE = re.compile(r"[\[\(\{]\s?(?:\.|dot|at|@|:|://)\s?[\]\)\}]|^hxxp", re.IGNORECASE)


def refang_dots(text: str) -> str:
    return _DOT_RE.sub(".", text)


def refang_at(text: str) -> str:
    return _AT_RE.sub("@", text)


def refang_scheme(text: str) -> tuple[str | None, str]:
    """("http" or "https", the rest) when text starts with a (possibly defanged) web scheme."""
    match = _SCHEME_RE.match(text)
    if not match:
        return None, text
    return ("https" if match.group(1) else "http"), text[match.end() :]


def is_defanged(text: str) -> bool:
    return bool(_DEFANG_MARK_RE.search(text))
