"""A report's status in words, for everyone who reads it.

The statuses themselves are ``scamreport.taxonomy.REPORT_STATUSES``. Analysts read them in
English (the console, exports: ``STATUS_WORDS``, ``status_label``); reporters read them in their
language in the bot's /status and /mydata answers (``status_for_reporter``, from
``locales/<lang>/statuses.yml``) and in the message queued when an analyst changes the status
(``status_update_text``, from ``locales/<lang>/status_updates.yml``).
"""

from __future__ import annotations

from scamreport.locales import MissingTextError, text

CATALOG = "statuses"
# The messages sent when the status changes, one per status, each with a {reference}.
UPDATES_CATALOG = "status_updates"

# Analysts' words (the console, exports, scamreport.presentation.describe_code).
STATUS_WORDS: dict[str, str] = {
    "received": "received",
    "in_review": "in review",
    "referred": "referred",
    "actioned": "actioned",
    "closed": "closed",
}

def status_label(status: str) -> str:
    """The status as a label in the console ("In review"); an unknown code unchanged."""
    words = STATUS_WORDS.get(status)
    return words[:1].upper() + words[1:] if words else status


def status_for_reporter(status: str, language: str) -> str:
    """The status in the reporter's language ("being reviewed by an analyst", "分析员正在审核");
    an unknown code unchanged."""
    try:
        return text(CATALOG, status, language)
    except MissingTextError:
        return status


def status_update_text(status: str, reference: str, language: str) -> str:
    """The message that tells the reporter, in their language, that their report's status
    changed ("Your report SR-7K3M-9QXD is now being reviewed by an analyst.")."""
    return text(UPDATES_CATALOG, status, language, reference=reference)
