"""Everything the bot itself says, in the reporter's language (the interview's words come from
Rasa: domain.yml and locales/<lang>/responses.yml).

The words live in locales/<lang>/bot.yml (``texts:`` key -> text); ``get`` fills one in.
tests/test_locales.py checks that every language has every key with the same placeholders.
"""

from __future__ import annotations

from datetime import datetime

from scamreport.languages import LANGUAGE_NAMES, LANGUAGES, Language
from scamreport.locales import text, texts_in_every_language
from scamreport.presentation import describe_date
from scamreport.statuses import status_for_reporter
from scamreport.storage.erasure import Erasure

CATALOG = "bot"

# The commands in the order Telegram's menu shows them (registered by setMyCommands); each
# described by the text ``command_<name>``.
COMMAND_NAMES: tuple[str, ...] = (
    "start",
    "report",
    "status",
    "check",
    "cancel",
    "mydata",
    "delete",
    "language",
    "help",
)


def get(key: str, language: str, /, **values: object) -> str:
    """One of the bot's texts in ``language``, its ``{placeholders}`` filled from ``values``."""
    return text(CATALOG, key, language, **values)


def in_every_language(key: str) -> dict[Language, str]:
    """One text in every language (to recognise it whatever language it was sent in)."""
    return texts_in_every_language(CATALOG, key)


def commands(language: str) -> list[tuple[str, str]]:
    """(command, description) for Telegram's command menu, in ``language``."""
    return [(name, get(f"command_{name}", language)) for name in COMMAND_NAMES]


def language_name(language: Language) -> str:
    """The language's name written in that language ("简体中文")."""
    return LANGUAGE_NAMES[language]


def status_description(status: str, language: str) -> str:
    """A report's status in the reporter's words (scamreport.statuses has them)."""
    return status_for_reporter(status, language)


def indicator_label(kind: str, language: str) -> str:
    return get(f"indicator_{kind}", language)


def report_count(count: int, language: str) -> str:
    """ "no reports", "1 report", "3 reports" in ``language``."""
    if count == 0:
        return get("reports_none", language)
    if count == 1:
        return get("reports_one", language)
    return get("reports_many", language, count=count)


def date(value: datetime, language: str) -> str:
    """A calendar date as people write it in ``language`` ("5 March 2026", "2026年3月5日")."""
    return describe_date(value, language)


def deletion_done(erasure: Erasure, agency_names: dict[str, str], language: str) -> str:
    """What /delete says afterwards: what was erased, and what the police already have."""
    said = get(
        "delete_done",
        language,
        reports=report_count(erasure.reports_deleted, language),
        drafts=erasure.drafts_deleted,
    )
    if erasure.already_delivered:
        references = ", ".join(
            f"{reference} ({', '.join(agency_names.get(a, a) for a in agencies)})"
            for reference, agencies in sorted(erasure.already_delivered.items())
        )
        said += "\n\n" + get("delete_done_delivered", language, references=references)
    return said


__all__ = [
    "COMMAND_NAMES",
    "LANGUAGES",
    "commands",
    "date",
    "deletion_done",
    "get",
    "in_every_language",
    "indicator_label",
    "language_name",
    "report_count",
    "status_description",
]
