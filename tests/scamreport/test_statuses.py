"""A report's status in words: analysts' labels, the reporter's words, the message sent."""

from __future__ import annotations

import pytest

from scamreport.languages import LANGUAGES
from scamreport.locales import catalog
from scamreport.statuses import (
    CATALOG,
    STATUS_WORDS,
    UPDATES_CATALOG,
    status_for_reporter,
    status_label,
    status_update_text,
)
from scamreport.taxonomy import REPORT_STATUSES


def test_every_status_has_its_words() -> None:
    assert set(STATUS_WORDS) == set(REPORT_STATUSES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_status_reads_in_every_language(language: str) -> None:
    assert set(catalog(CATALOG, language)) == set(REPORT_STATUSES)
    assert set(catalog(UPDATES_CATALOG, language)) == set(REPORT_STATUSES)


def test_the_reporter_reads_their_language() -> None:
    assert status_for_reporter("in_review", "en") == "being reviewed by an analyst"
    assert status_for_reporter("in_review", "zh") == "分析员正在审核"
    assert status_for_reporter("closed", "ms") == "ditutup"
    assert status_for_reporter("some_new_status", "en") == "some_new_status"


def test_analysts_read_labels() -> None:
    assert status_label("in_review") == "In review"
    assert status_label("closed") == "Closed"
    assert status_label("unknown") == "unknown"


def test_the_update_message_names_the_reference() -> None:
    assert (
        status_update_text("in_review", "SR-7K3M-9QXD", "en")
        == "Your report SR-7K3M-9QXD is now being reviewed by an analyst."
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", REPORT_STATUSES)
def test_the_update_message_reads_in_every_language(language: str, status: str) -> None:
    assert "SR-7K3M-9QXD" in status_update_text(status, "SR-7K3M-9QXD", language)


def test_the_reporter_is_told_in_their_language() -> None:
    assert status_update_text("referred", "SR-7K3M-9QXD", "zh") == (
        "您的举报 SR-7K3M-9QXD 已转交给能够处理的机构。"
    )
    assert status_update_text("in_review", "SR-7K3M-9QXD", "ms") == (
        "Laporan anda SR-7K3M-9QXD kini sedang disemak oleh penganalisis."
    )
    # A language the assistant does not speak reads English.
    assert status_update_text("closed", "SR-7K3M-9QXD", "fr").startswith("Your report")
