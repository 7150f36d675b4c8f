"""Recognising what the bot asked: its messages matched against the responses of every language.

The English responses come from the running Rasa server (`GET /domain`, the model actually
served) and fall back to domain.yml; every other language's come from
``locales/<lang>/responses.yml``, which mirrors domain.yml's responses key by key (and variant by
variant). A message is named after the response KEY whose text it renders, whatever its language
(``utter_ask_country`` -> question ``country``), so a new language needs a locale file and no
code here. Placeholders such as ``{reference}`` match any text.
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
DOMAIN_LANGUAGE = "en"
LOCALES_DIR = PROJECT_ROOT / "locales"
_PLACEHOLDER = re.compile(r"\\\{[a-z_]+\\\}")


@dataclass(frozen=True)
class Template:
    """One text variant of a response in one language, as a pattern for a message's first line."""

    name: str
    pattern: re.Pattern[str]
    buttons: tuple[tuple[str, str], ...]  # (title, payload)
    language: str = DOMAIN_LANGUAGE
    variant: int = 0  # its place among the response's variants (the same in every language)
    text: str = ""


def _first_line_pattern(text: str) -> re.Pattern[str]:
    first = text.strip().split("\n")[0].strip()
    escaped = _PLACEHOLDER.sub(".*?", re.escape(first))
    return re.compile(rf"^{escaped}$", re.S)


def _templates(responses: dict[str, Any], language: str = DOMAIN_LANGUAGE) -> list[Template]:
    found: list[Template] = []
    for name, variants in responses.items():
        if not isinstance(variants, list):
            continue
        for index, variant in enumerate(variants):
            text = (variant or {}).get("text") if isinstance(variant, dict) else None
            if not text:
                continue
            buttons = tuple(
                (str(b.get("title", "")), str(b.get("payload", "")))
                for b in variant.get("buttons") or []
            )
            found.append(
                Template(name, _first_line_pattern(str(text)), buttons, language, index, str(text))
            )
    return found


def _by_specificity(templates: list[Template]) -> list[Template]:
    # Longer, more specific first lines first: "Here is your report:" before a bare "{x}".
    return sorted(templates, key=lambda t: len(t.pattern.pattern), reverse=True)


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


def load_locale_responses(locales_dir: Path = LOCALES_DIR) -> dict[str, dict[str, Any]]:
    """``{language: responses}`` from every ``locales/<lang>/responses.yml`` (a top-level
    ``responses:`` key or the responses themselves)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(locales_dir.glob("*/responses.yml")):
        loaded = yaml.safe_load(path.read_text()) or {}
        if isinstance(loaded, dict) and isinstance(loaded.get("responses"), dict):
            loaded = loaded["responses"]
        if isinstance(loaded, dict):
            found[path.parent.name] = dict(loaded)
    return found


@dataclass
class Catalogue:
    """Every response the bot may send, in every language, recognisable by its rendered text."""

    templates: list[Template] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.templates = _by_specificity(self.templates)

    @classmethod
    def from_responses(cls, by_language: dict[str, dict[str, Any]]) -> Catalogue:
        return cls(
            [t for lang, responses in by_language.items() for t in _templates(responses, lang)]
        )

    @classmethod
    def load(
        cls,
        rasa_url: str | None = None,
        token: str | None = None,
        *,
        locales_dir: Path = LOCALES_DIR,
    ) -> Catalogue:
        by_language = load_locale_responses(locales_dir)
        # The served model's English texts win over a locales/en copy.
        by_language[DOMAIN_LANGUAGE] = {
            **by_language.get(DOMAIN_LANGUAGE, {}),
            **load_domain_responses(rasa_url, token),
        }
        return cls.from_responses(by_language)

    @property
    def languages(self) -> list[str]:
        return sorted({t.language for t in self.templates})

    def match(self, body: str) -> Template | None:
        """The template a message renders, or None."""
        first = body.strip().split("\n")[0].strip()
        for template in self.templates:
            if template.pattern.match(first):
                return template
        return None

    def parts(self, body: str) -> list[tuple[Template | None, str]]:
        """The responses one message renders, in order, with the text of each: the bot sends
        consecutive replies as one message, paragraphs apart (bot/rendering.py,
        merged_replies). A paragraph that begins a known response begins a part."""
        found: list[tuple[Template | None, list[str]]] = []
        lines = body.strip().split("\n")
        for index, line in enumerate(lines):
            template = None
            if index == 0 or not lines[index - 1].strip():
                template = self.match(line) if line.strip() else None
            if template is not None or not found:
                found.append((template, [line]))
            else:
                found[-1][1].append(line)
        return [(template, "\n".join(text).strip()) for template, text in found]

    def name_of(self, body: str) -> str | None:
        """The response name a message renders, or None."""
        template = self.match(body)
        return template.name if template else None

    def counterpart(self, template: Template, language: str = DOMAIN_LANGUAGE) -> Template | None:
        """The same response and variant in another language."""
        for other in self.templates:
            if (other.name, other.variant, other.language) == (
                template.name,
                template.variant,
                language,
            ):
                return other
        return None

    def english_text(self, body: str) -> str:
        """What the message says in the domain's English (its own text when unknown): the
        simulator reads a question's wording in one language only."""
        template = self.match(body)
        english = self.counterpart(template) if template else None
        return english.text if english else body

    def buttons_of(self, name: str) -> tuple[tuple[str, str], ...]:
        for template in self.templates:
            if template.name == name and template.language == DOMAIN_LANGUAGE and template.buttons:
                return template.buttons
        for template in self.templates:
            if template.name == name and template.buttons:
                return template.buttons
        return ()

    def payload_of(self, name: str, title: str) -> str:
        """A button's payload as the domain writes it (a translated button has the English
        payload of the button in its place), or "" when no response of ``name`` has it."""
        for template in self.templates:
            if template.name != name:
                continue
            titles = [t for t, _ in template.buttons]
            if title not in titles:
                continue
            index = titles.index(title)
            english = self.counterpart(template) or template
            if index < len(english.buttons):
                return english.buttons[index][1]
            return template.buttons[index][1]
        return ""

    def has(self, name: str) -> bool:
        return any(t.name == name for t in self.templates)


def question_name(response: str | None) -> str | None:
    """``utter_ask_country`` -> ``country``; None for anything that is not a question."""
    if response and response.startswith(ASK_PREFIX):
        return response.removeprefix(ASK_PREFIX)
    return None
