"""Social-media and messaging handles: "@name", and Telegram links (t.me/name)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scamreport.extraction.cjk import WORD_NOT_HAN
from scamreport.extraction.model import Found

# Han characters may touch a handle: "他的Telegram是@police_sg_123叫我加".
_HANDLE_RE = re.compile(
    r"(?<![@.+\-]|" + WORD_NOT_HAN + r")@(?P<name>[a-z0-9_](?:[a-z0-9_.]{0,30}[a-z0-9_])?)"
    r"(?![@\-]|\.[a-z0-9]|" + WORD_NOT_HAN + r")",
    re.IGNORECASE,
)
_TELEGRAM_LINK_RE = re.compile(
    r"(?<![.\-]|" + WORD_NOT_HAN + r")(?:https?://)?(?:t|telegram)\.me/"
    r"(?P<name>[a-z][a-z0-9_]{3,31})(?![/]|" + WORD_NOT_HAN + r")",
    re.IGNORECASE,
)
# t.me paths that are not user names
_TELEGRAM_RESERVED = frozenset(
    {"joinchat", "addstickers", "share", "proxy", "socks", "iv", "login"}
)
# "@" used for "at": "meet @home", "@5pm"
_NOT_HANDLES = frozenset(
    {
        "home", "work", "office", "school", "church", "mall", "night", "noon", "midnight", "the",
        "my", "your", "his", "her", "their", "our", "all", "least", "once", "last", "first",
        "around", "about", "here", "there"
    }
)  # fmt: skip
# "@gmail.com": the tail of an e-mail address, not an account name
_DOMAIN_TAIL_RE = re.compile(r"\.(?:com|net|org|co|io|gov|edu)$", re.IGNORECASE)
_TIME_RE = re.compile(r"^\d{1,2}(?:[.:]?\d{2})?(?:am|pm|h|hrs)?$", re.IGNORECASE)


def find_handles(text: str) -> Iterator[Found]:
    """Handles as "@name", lower-cased (the platforms treat names case-insensitively)."""
    for match in _HANDLE_RE.finditer(text):
        name = match.group("name")
        if (
            name.lower() in _NOT_HANDLES
            or name.isdigit()
            or _TIME_RE.match(name)
            or _DOMAIN_TAIL_RE.search(name)
        ):
            continue
        yield Found("handle", f"@{name.lower()}", match.group(0), match.start(), match.end(),
                    "handle_at")  # fmt: skip
    for match in _TELEGRAM_LINK_RE.finditer(text):
        name = match.group("name")
        if name.lower() in _TELEGRAM_RESERVED:
            continue
        yield Found("handle", f"@{name.lower()}", match.group(0), match.start(), match.end(),
                    "handle_telegram_link")  # fmt: skip
