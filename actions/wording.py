"""The actions' own texts in the reporter's language, and the values only the actions put in
words: yes and no, the actions' codes (consent, contact permission), countries.

The words live in locales/<lang>/actions.yml. Amounts, dates and the shared codes (scam types,
channels, payment methods) are put in words by scamreport.presentation, in the same language.
"""

from __future__ import annotations

from scamreport import presentation
from scamreport.countries import country_name
from scamreport.locales import MissingTextError, text

CATALOG = "actions"


def say(key: str, language: str, /, **values: object) -> str:
    """One text of the actions' catalog in ``language``."""
    return text(CATALOG, key, language, **values)


def say_or(key: str, language: str, default: str) -> str:
    """The text of ``key``, or ``default`` for a key the catalog does not have (a code the
    assistant does not know, a country without a translated name)."""
    try:
        return say(key, language)
    except MissingTextError:
        return default


def yes_no(value: bool, language: str) -> str:
    return presentation.say("value.yes" if value else "value.no", language)


def describe_code(code: str, kind: str, language: str) -> str:
    """A scam type, channel, payment method, consent... in words; free text passes through
    unchanged."""
    return say_or(f"{kind}.{code}", language, presentation.describe_code(code, kind, language))


def describe_country(code: str, language: str) -> str:
    return say_or(f"country.{code}", language, country_name(code) or code)
