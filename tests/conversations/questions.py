"""Recognising what the bot asked: its messages matched against the domain's responses.

The domain comes from the running Rasa server (`GET /domain`, the model actually served) and
falls back to domain.yml, so wording changes made by other engineers are picked up at run time.
A message is named after the response whose text it renders (``utter_ask_country`` ->
question ``country``); placeholders such as ``{reference}`` match any text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

from scamreport.settings import PROJECT_ROOT

ASK_PREFIX = "utter_ask_"
_PLACEHOLDER = re.compile(r"\\\{[a-z_]+\\\}")


@dataclass(frozen=True)
class Template:
    """One text variant of a response, as a pattern for the first line of a message."""

    name: str
    pattern: re.Pattern[str]
    buttons: tuple[tuple[str, str], ...]  # (title, payload)


def _first_line_pattern(text: str) -> re.Pattern[str]:
    first = text.strip().split("\n")[0].strip()
    escaped = _PLACEHOLDER.sub(".*?", re.escape(first))
    return re.compile(rf"^{escaped}$", re.S)


def _templates(responses: dict[str, Any]) -> list[Template]:
    found: list[Template] = []
    for name, variants in responses.items():
        for variant in variants or []:
            text = (variant or {}).get("text")
            if not text:
                continue
            buttons = tuple(
                (str(b.get("title", "")), str(b.get("payload", "")))
                for b in variant.get("buttons") or []
            )
            found.append(Template(name, _first_line_pattern(text), buttons))
    # Longer, more specific first lines first: "Here is your report:" before a bare "{x}".
    return sorted(found, key=lambda t: len(t.pattern.pattern), reverse=True)


def load_domain_responses(rasa_url: str | None = None, token: str | None = None) -> dict[str, Any]:
    """The responses of the model Rasa serves, else of domain.yml."""
    if rasa_url:
        try:
            answer = requests.get(
                f"{rasa_url}/domain",
                params={"token": token} if token else None,
                headers={"Accept": "application/json"},
                timeout=10,
            )
            if answer.ok:
                return dict(answer.json().get("responses") or {})
        except (requests.RequestException, ValueError):
            pass
    domain = yaml.safe_load(Path(PROJECT_ROOT / "domain.yml").read_text())
    return dict(domain.get("responses") or {})


@dataclass
class Catalogue:
    """Every response the bot may send, recognisable by its rendered text."""

    templates: list[Template] = field(default_factory=list)

    @classmethod
    def load(cls, rasa_url: str | None = None, token: str | None = None) -> Catalogue:
        return cls(_templates(load_domain_responses(rasa_url, token)))

    def name_of(self, body: str) -> str | None:
        """The response name a message renders, or None."""
        first = body.strip().split("\n")[0].strip()
        for template in self.templates:
            if template.pattern.match(first):
                return template.name
        return None

    def buttons_of(self, name: str) -> tuple[tuple[str, str], ...]:
        for template in self.templates:
            if template.name == name and template.buttons:
                return template.buttons
        return ()

    def has(self, name: str) -> bool:
        return any(t.name == name for t in self.templates)


def question_name(response: str | None) -> str | None:
    """``utter_ask_country`` -> ``country``; None for anything that is not a question."""
    if response and response.startswith(ASK_PREFIX):
        return response.removeprefix(ASK_PREFIX)
    return None
