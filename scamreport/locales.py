"""The texts the assistant composes outside Rasa's responses, in every language it speaks.

Layout (adding a language is adding a folder):

- ``locales/<lang>/responses.yml``: Rasa's responses for that language, key for key as in
  domain.yml (English stays there, Rasa's own home), rendered by rasa_runtime/nlg.py.
- ``locales/<lang>/<catalog>.yml``: ``texts:`` key -> text, for one component ("bot",
  "actions"...), English included, read with ``text(catalog, key, language, **values)``.

Nothing falls back to English at run time: tests/test_locales.py fails when a language lacks
a text, a response, a button or a placeholder that English has.

Imported by the Rasa process too (rasa_runtime/nlg.py): standard library and PyYAML only.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from scamreport.languages import LANGUAGES, Language
from scamreport.settings import PROJECT_ROOT

LOCALES_DIR = PROJECT_ROOT / "locales"
RESPONSES_FILE = "responses.yml"


class MissingTextError(KeyError):
    """A text asked for does not exist in that language (a gap tests/test_locales.py reports)."""


def locale_languages(locales_dir: Path = LOCALES_DIR) -> tuple[str, ...]:
    """Every language with a folder under locales/, English first."""
    found = (
        sorted(p.name for p in locales_dir.iterdir() if p.is_dir()) if locales_dir.is_dir() else []
    )
    return tuple(sorted(found, key=lambda code: (code != "en", code)))


def _load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle) or {}
    if not isinstance(loaded, dict):
        raise ValueError(f"{path}: expected a mapping at the top")
    return loaded


@cache
def catalog(name: str, language: str, locales_dir: Path = LOCALES_DIR) -> dict[str, str]:
    """The texts of one catalog in one language (empty when the file does not exist)."""
    path = locales_dir / language / f"{name}.yml"
    if not path.is_file():
        return {}
    texts = _load_yaml(path).get("texts") or {}
    return {str(key): str(value) for key, value in texts.items()}


def text(catalog_name: str, key: str, language: str, /, **values: object) -> str:
    """One text in the reporter's language, its ``{placeholders}`` filled from values."""
    texts = catalog(catalog_name, language if language in LANGUAGES else "en")
    try:
        template = texts[key]
    except KeyError:
        raise MissingTextError(f"{catalog_name}.{key} has no {language} text") from None
    return template.format(**values) if values else template


def texts_in_every_language(catalog_name: str, key: str) -> dict[Language, str]:
    """One text in each language the assistant speaks (e.g. to recognise a button's title)."""
    return {language: text(catalog_name, key, language) for language in LANGUAGES}


@cache
def responses(language: str, locales_dir: Path = LOCALES_DIR) -> dict[str, list[dict[str, Any]]]:
    """Rasa's responses in one language other than English (empty when there are none)."""
    path = locales_dir / language / RESPONSES_FILE
    if not path.is_file():
        return {}
    return dict(_load_yaml(path).get("responses") or {})
