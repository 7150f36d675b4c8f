"""Every text exists in every language, with the same buttons and placeholders as English.

Adding a language is adding locales/<lang>/ with responses.yml and one file per catalog; this
test then names every text still missing. Nothing falls back to English at run time.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest
import yaml

from scamreport.languages import LANGUAGES
from scamreport.locales import (
    LOCALES_DIR,
    RESPONSES_FILE,
    MissingTextError,
    catalog,
    locale_languages,
    responses,
    text,
)
from scamreport.settings import PROJECT_ROOT

TRANSLATED = [language for language in LANGUAGES if language != "en"]


def catalog_names(locales_dir: Path = LOCALES_DIR) -> tuple[str, ...]:
    """The catalogs English has (every language must have the same ones)."""
    english = locales_dir / "en"
    if not english.is_dir():
        return ()
    return tuple(sorted(p.stem for p in english.glob("*.yml") if p.name != RESPONSES_FILE))


def english_responses() -> dict[str, list[dict[str, Any]]]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def shape(variation: dict[str, Any]) -> dict[str, Any]:
    """What must be the same in every language: all but the words."""
    return {
        "condition": variation.get("condition"),
        "channel": variation.get("channel"),
        "placeholders": placeholders(str(variation.get("text") or "")),
        "payloads": [button.get("payload") for button in variation.get("buttons") or []],
        "has_text": bool(variation.get("text")),
    }


def test_every_language_the_assistant_speaks_has_a_folder() -> None:
    assert set(locale_languages()) == set(LANGUAGES)
    assert locale_languages()[0] == "en"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_response_exists_in_the_language_with_the_same_shape(language: str) -> None:
    translated = responses(language)
    english = english_responses()
    assert sorted(set(english) - set(translated)) == [], f"responses missing in {language}"
    assert sorted(set(translated) - set(english)) == [], f"responses {language} has, not English"
    for key, variations in english.items():
        assert [shape(v) for v in translated[key]] == [shape(v) for v in variations], key


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_response_is_left_in_english(language: str) -> None:
    english = english_responses()
    for key, variations in responses(language).items():
        for variation, original in zip(variations, english[key], strict=True):
            words = str(original.get("text") or "")
            if len(placeholders(words)) and len(words) < 20:
                continue  # "{summary}" and the like: nothing to translate
            assert variation.get("text") != words, f"{key} is English in {language}"
            titles = [b.get("title") for b in original.get("buttons") or []]
            translated_titles = [b.get("title") for b in variation.get("buttons") or []]
            assert all(translated_titles), f"{key}: a button without a title in {language}"
            for title, translated_title in zip(titles, translated_titles, strict=True):
                if len(str(title)) > 3:  # "OK", "5" may be the same in every language
                    assert title != translated_title, f"{key}: button {title!r} in English"


@pytest.mark.parametrize("name", catalog_names())
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalog_text_exists_in_the_language(name: str, language: str) -> None:
    english = catalog(name, "en")
    translated = catalog(name, language)
    assert sorted(set(english) - set(translated)) == [], f"{name}: missing in {language}"
    assert sorted(set(translated) - set(english)) == [], f"{name}: not in English"
    for key, words in english.items():
        assert placeholders(translated[key]) == placeholders(words), f"{name}.{key}"


def test_a_text_is_filled_and_a_missing_one_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "demo.yml").write_text('texts:\n  days: "kept {days} days"\n')
    assert catalog("demo", "en", tmp_path) == {"days": "kept {days} days"}
    assert catalog("demo", "zh", tmp_path) == {}
    with pytest.raises(MissingTextError):
        text("no_such_catalog", "days", "en")


def test_locales_live_beside_the_packages() -> None:
    assert LOCALES_DIR == PROJECT_ROOT / "locales"
