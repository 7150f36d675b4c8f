"""Victim personas as data: tests/conversations/personas/<type>.yml, a list of personas each,
in English; personas/<lang>/<type>.yml for the other languages the assistant speaks (zh, ms).

A persona has an opening message, the facts the victim knows (what the bot may ask about ->
how this person answers, in their own words), optional scripted interjections, and the stored
report it must produce. See personas/README.md for the format and the held-out list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scamreport.languages import LANGUAGES

PERSONA_DIR = Path(__file__).parent / "personas"

SCAM_TYPES: tuple[str, ...] = (
    "fake_authority",
    "fake_shop",
    "phishing",
    "investment",
    "romance",
    "sextortion",
    "money_mule",
    "business_email_compromise",
    "advance_fee",
    "tech_support",
    "other",
)
# Where a correction may be said: right after answering a question, or at the summary.
SUMMARY = "summary"
ENGLISH = "en"
# The Telegram client a persona of each language has unless it says (language_code).
CLIENT_LANGUAGE_CODES: dict[str, str] = {"en": "en", "zh": "zh-hans", "ms": "ms"}


class PersonaError(ValueError):
    """A persona file does not follow the format."""


@dataclass(frozen=True)
class Interjection:
    """Something the victim says unprompted: after answering ``after`` (a fact key) or at the
    summary (``after: summary``, which first presses the summary's "something is wrong")."""

    after: str
    say: str


@dataclass(frozen=True)
class Persona:
    id: str
    type: str
    opening: str
    facts: dict[str, Any]
    expect: dict[str, Any]
    heldout: bool = False
    smoke: bool = False
    tags: tuple[str, ...] = ()
    first_name: str = "Alex"
    interjections: tuple[Interjection, ...] = ()
    # A returning reporter files an earlier report first (the same Telegram user).
    returning: bool = False
    source: str = ""
    language: str = ENGLISH  # what the persona writes, and must be answered in
    language_code: str | None = "en"  # the Telegram client's, as a real client sends it

    def interjections_after(self, key: str) -> list[Interjection]:
        return [i for i in self.interjections if i.after == key]


ALLOWED_KEYS = frozenset(
    {
        "id",
        "heldout",
        "smoke",
        "tags",
        "first_name",
        "opening",
        "facts",
        "interjections",
        "expect",
        "returning",
        "language_code",
    }
)


def _persona(raw: dict[str, Any], scam_type: str, source: str, language: str = ENGLISH) -> Persona:
    unknown = set(raw) - ALLOWED_KEYS
    if unknown:
        raise PersonaError(f"{source}: {raw.get('id')}: unknown keys {sorted(unknown)}")
    for key in ("id", "opening", "expect"):
        if not raw.get(key):
            raise PersonaError(f"{source}: a persona without {key!r}: {raw}")
    expect = dict(raw["expect"])
    expect.setdefault("scam_type", scam_type)
    if language != ENGLISH:  # an English report may be stored without one (read as English)
        expect.setdefault("language", language)
    return Persona(
        id=str(raw["id"]),
        type=scam_type,
        opening=str(raw["opening"]),
        facts=dict(raw.get("facts") or {}),
        expect=expect,
        heldout=bool(raw.get("heldout", False)),
        smoke=bool(raw.get("smoke", False)),
        tags=tuple(raw.get("tags") or ()),
        first_name=str(raw.get("first_name") or "Alex"),
        interjections=tuple(
            Interjection(after=str(i["after"]), say=str(i["say"]))
            for i in raw.get("interjections") or ()
        ),
        returning=bool(raw.get("returning", False)),
        source=source,
        language=language,
        language_code=(
            str(raw["language_code"])
            if raw.get("language_code")
            else CLIENT_LANGUAGE_CODES.get(language, language)
        ),
    )


def load_file(path: Path, language: str = ENGLISH) -> list[Persona]:
    scam_type = path.stem
    if scam_type not in SCAM_TYPES:
        raise PersonaError(f"{path.name}: not a scam type code")
    raw = yaml.safe_load(path.read_text()) or []
    source = path.name if language == ENGLISH else f"{language}/{path.name}"
    return [_persona(item, scam_type, source, language) for item in raw]


def persona_files(directory: Path = PERSONA_DIR) -> list[tuple[Path, str]]:
    """(file, language): <type>.yml in English, <lang>/<type>.yml for each other language."""
    files = [(path, ENGLISH) for path in sorted(directory.glob("*.yml"))]
    for language in LANGUAGES:
        if language != ENGLISH:
            files += [(path, language) for path in sorted((directory / language).glob("*.yml"))]
    return files


def load_personas(directory: Path = PERSONA_DIR) -> list[Persona]:
    personas = [p for path, lang in persona_files(directory) for p in load_file(path, lang)]
    ids = [p.id for p in personas]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise PersonaError(f"duplicate persona ids: {duplicates}")
    return personas


def select(
    personas: list[Persona],
    *,
    ids: list[str] | None = None,
    types: list[str] | None = None,
    smoke: bool = False,
    heldout: bool | None = None,
    languages: list[str] | None = None,
) -> list[Persona]:
    chosen = personas
    if languages:
        chosen = [p for p in chosen if p.language in languages]
    if ids:
        chosen = [p for p in chosen if p.id in ids or any(p.id.startswith(i) for i in ids)]
    if types:
        chosen = [p for p in chosen if p.type in types]
    if smoke:
        chosen = [p for p in chosen if p.smoke]
    if heldout is not None:
        chosen = [p for p in chosen if p.heldout == heldout]
    return chosen


@dataclass(frozen=True)
class Words:
    """How a persona of one language says the few things every persona says."""

    idk: str
    yes: str
    no: str
    told_you: str  # asked for the story again
    carry_on: str  # asked whether to stop the report: the victim never means to
    want_to_report: str  # the bot went quiet before asking anything


WORDS: dict[str, Words] = {
    "en": Words("idk", "yes", "no", "i told you already everything i know", "no, carry on",
                "i want to report a scam"),
    "zh": Words("不知道", "是", "没有", "我都跟你说了，就这些", "不要，继续", "我要举报诈骗"),
    "ms": Words("tak tahu", "ya", "tak", "sy dah cerita semua tadi", "tak, teruskan",
                "saya nak buat laporan penipuan"),
}  # fmt: skip


def words_of(language: str) -> Words:
    return WORDS.get(language, WORDS[ENGLISH])


@dataclass
class Defaults:
    """Answers every persona gives unless its facts say otherwise."""

    language: str = ENGLISH
    facts: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        words = words_of(self.language)
        self.facts = {
            "consent_forward": {"press": 0},
            "contact_permission": {"press": -1},
            "story": words.told_you,
            "cancel": words.carry_on,
            **self.facts,
        }
