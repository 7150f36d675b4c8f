"""Victim personas as data: tests/conversations/personas/<type>.yml, a list of personas each.

A persona has an opening message, the facts the victim knows (what the bot may ask about ->
how this person answers, in their own words), optional scripted interjections, and the stored
report it must produce. See personas/README.md for the format and the held-out list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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
    }
)


def _persona(raw: dict[str, Any], scam_type: str, source: str) -> Persona:
    unknown = set(raw) - ALLOWED_KEYS
    if unknown:
        raise PersonaError(f"{source}: {raw.get('id')}: unknown keys {sorted(unknown)}")
    for key in ("id", "opening", "expect"):
        if not raw.get(key):
            raise PersonaError(f"{source}: a persona without {key!r}: {raw}")
    expect = dict(raw["expect"])
    expect.setdefault("scam_type", scam_type)
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
    )


def load_file(path: Path) -> list[Persona]:
    scam_type = path.stem
    if scam_type not in SCAM_TYPES:
        raise PersonaError(f"{path.name}: not a scam type code")
    raw = yaml.safe_load(path.read_text()) or []
    return [_persona(item, scam_type, path.name) for item in raw]


def load_personas(directory: Path = PERSONA_DIR) -> list[Persona]:
    personas = [p for path in sorted(directory.glob("*.yml")) for p in load_file(path)]
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
) -> list[Persona]:
    chosen = personas
    if ids:
        chosen = [p for p in chosen if p.id in ids or any(p.id.startswith(i) for i in ids)]
    if types:
        chosen = [p for p in chosen if p.type in types]
    if smoke:
        chosen = [p for p in chosen if p.smoke]
    if heldout is not None:
        chosen = [p for p in chosen if p.heldout == heldout]
    return chosen


@dataclass
class Defaults:
    """Answers every persona gives unless its facts say otherwise."""

    facts: dict[str, Any] = field(
        default_factory=lambda: {
            "consent_forward": {"press": 0},
            "contact_permission": {"press": -1},
            "story": "i told you already everything i know",
            "cancel": "no, carry on",  # the victim never means to stop the report
        }
    )
