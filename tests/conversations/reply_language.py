"""Is every reply of the bot in the persona's language? (scamreport.languages.detect_language)

Before a reply is read, what it only repeats or names is taken out: what the persona itself
typed (a summary echoes the story, a shop's name, an amount), quoted text, the registry's
agency names in Latin letters ("Singapore Police Force" inside a Chinese sentence), links,
e-mail addresses, @handles, reference numbers, numbers and emoji. A reply with nothing left to
tell by is not graded, nor a reply to what was said before the story when the Telegram client
asks for another language than the persona writes (someone who writes Chinese on an English
phone is welcomed in English: the bot cannot know yet).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from scamreport.languages import HAN_RANGES, detect_language, language_from_telegram

ECHO = "✔"
_QUOTED = re.compile(
    r"\"[^\"\n]*\"|“[^”\n]*”|‘[^’\n]*’|「[^」\n]*」|『[^』\n]*』|«[^»\n]*»|`[^`\n]*`"
)
_URL = re.compile(
    r"(?:hxxps?|https?)://\S+|\bwww\.\S+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/[!-~]*)?", re.I
)
_EMAIL = re.compile(r"[a-z0-9._+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.I)
_HANDLE = re.compile(r"@\w+")
_REFERENCE = re.compile(r"\bSR-[A-Z0-9]{4}-[A-Z0-9]{4}\b")
# A number with its currency as an amount is shown ("S$3,000", "RM 1.5k", "850 SGD").
_NUMBERISH = re.compile(r"(?:\b(?:[A-Z]{1,3}|RM)\s?)?[+$€£¥]?\d[\d\s,.:/-]*(?:[kK]\b|[A-Z]{3}\b)?")
_TELLING = re.compile(rf"[a-zA-Z{HAN_RANGES}]")
# The places a persona's message is cut into phrases a reply may echo one by one.
_PHRASE_BREAK = re.compile(r"[\n,;!?，。；！？、]+")
MIN_ECHO = 3  # shorter bits of the persona's words ("ok", "是") are not taken out


@dataclass(frozen=True)
class WrongReply:
    turn: int
    detected: str
    text: str


@lru_cache(maxsize=1)
def agency_names() -> tuple[str, ...]:
    """The registry's agency names and aliases written in Latin letters, longest first."""
    from scamreport.registry import load_registry

    names = {n for agency in load_registry().agencies for n in agency.names()}
    latin = [n for n in names if len(n) >= MIN_ECHO and not re.search(f"[{HAN_RANGES}]", n)]
    return tuple(sorted(latin, key=len, reverse=True))


def echoes(said: Iterable[str]) -> list[str]:
    """What a persona typed, whole and phrase by phrase, longest first."""
    found: set[str] = set()
    for text in said:
        if text.startswith("[") and text.endswith("]"):  # "[pressed ...]", "[waits]"
            continue
        found.add(text.strip())
        found.update(p.strip() for p in _PHRASE_BREAK.split(text))
    return sorted((f for f in found if len(f) >= MIN_ECHO), key=len, reverse=True)


def _remove(text: str, pieces: Sequence[str]) -> str:
    for piece in pieces:
        if piece.lower() in text.lower():
            text = re.sub(re.escape(piece), " ", text, flags=re.I)
    return text


def telling_text(reply: str, own: Sequence[str] = (), names: Sequence[str] = ()) -> str:
    """The words of a reply its language is judged by ("" when none are left)."""
    text = reply.strip().removeprefix(ECHO)
    text = _REFERENCE.sub(" ", text)
    text = _URL.sub(" ", _EMAIL.sub(" ", text))
    text = _remove(text, own)
    text = _QUOTED.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    text = _remove(text, names)
    text = _NUMBERISH.sub(" ", text)
    text = " ".join(text.split())
    return text if _TELLING.search(text) else ""


def reply_language(
    reply: str, language: str, own: Sequence[str] = (), names: Sequence[str] | None = None
) -> str:
    """The language a reply is in; ``language`` itself when it does not tell."""
    text = telling_text(reply, own, agency_names() if names is None else names)
    if not text:
        return language
    return detect_language(text, default=language)  # type: ignore[arg-type]


def wrong_language_replies(
    turns: Sequence[tuple[str, list[str], list[str]]],
    language: str,
    *,
    client_language_code: str | None = None,
    opening_turn: int | None = None,
    names: Sequence[str] | None = None,
) -> list[WrongReply]:
    """Every reply (and each turn's button titles together) not in ``language``. ``turns``
    are (what the persona said, the bot's replies, the button titles offered)."""
    first = 0
    if language_from_telegram(client_language_code, default=language) != language:  # type: ignore[arg-type]
        first = opening_turn if opening_turn is not None else len(turns)
    own = echoes(said for said, _, _ in turns)
    wrong: list[WrongReply] = []
    for index, (_said, replies, buttons) in enumerate(turns):
        if index < first:
            continue
        texts = [*replies, " / ".join(buttons)] if buttons else list(replies)
        for text in texts:
            detected = reply_language(text, language, own, names)
            if detected != language:
                wrong.append(WrongReply(index, detected, text))
    return wrong
