"""A whole report through the actions reads each of the reporter's messages once: masked once,
its indicators extracted once (issue 16). Every step after the first takes the kept reading
(scamreport.extraction.readings)."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import scamreport.sensitive
from actions import services
from scamreport.classification.guess import classifier_override
from scamreport.classification.keywords import keyword_guess
from scamreport.extraction.extractor import Extractor
from scamreport.extraction.readings import mask_message, reading_store
from scamreport.settings import PROJECT_ROOT
from scamreport.storage.repository import get_report_by_reference
from tests.actions.report_run import ReportRun
from tests.rasa_rest import FAKE_POLICE_ANSWERS, FAKE_POLICE_STORY

OTP = "482913"
# The e2e fake-police report (tests/rasa_rest.py), with a payee and a one-time code that reached
# the action server unmasked (its masking is the second line: the bot masks first).
ANSWERS = {
    **FAKE_POLICE_ANSWERS,
    "demand": f"transfer my savings to a safe account, he also took my OTP {OTP}",
    "payee_account": "DBS 123-45678-9",
    "consent_forward": "yes, send it to my national agency",
    "contact_permission": "yes, contact me in this chat",
}


class Counts:
    """How often each text was masked and extracted (and for which country)."""

    def __init__(self) -> None:
        self.masked: Counter[str] = Counter()
        self.extracted: Counter[tuple[str, str | None]] = Counter()

    def extractions_of(self, text: str) -> int:
        return sum(n for (read, _), n in self.extracted.items() if read == text)


@pytest.fixture
def fresh_readings() -> Iterator[None]:
    """A store with nothing kept, as on a replica that has seen nothing of the report."""
    reading_store.cache_clear()
    yield
    reading_store.cache_clear()


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch, fresh_readings: None) -> Counts:
    """Counts the calls of the masking function and of the extraction entry point."""
    counted = Counts()
    find, find_secrets = Extractor.find, scamreport.sensitive.find_secrets

    def counting_find(
        self: Extractor, text: str, country: str | None = None, *, today: date | None = None
    ) -> Any:
        counted.extracted[(text, country)] += 1
        return find(self, text, country, today=today)

    def counting_find_secrets(text: str, *, expecting: str | None = None) -> Any:
        counted.masked[text] += 1  # mask_secrets' only way to its secrets
        return find_secrets(text, expecting=expecting)

    monkeypatch.setattr(Extractor, "find", counting_find)
    monkeypatch.setattr(scamreport.sensitive, "find_secrets", counting_find_secrets)
    return counted


def messages_of(run: ReportRun) -> list[str]:
    return [event["text"] for event in run.events if event.get("event") == "user"]


async def test_each_message_of_a_report_is_masked_once_and_extracted_once(
    domain: dict[str, Any], actions_database: str, counts: Counts
) -> None:
    run = ReportRun(domain, sender_id="one-reading")
    with classifier_override(keyword_guess):
        reference = await run.report(FAKE_POLICE_STORY, "report_fake_authority", ANSWERS)

    assert reference is not None
    messages = messages_of(run)
    assert len(messages) == 13  # the story, 11 answers and the yes
    for message in messages:
        assert counts.masked[message] == 1, message
    masked = {message: mask_message(message).masked_text for message in messages}
    assert masked[ANSWERS["demand"]] != ANSWERS["demand"]
    # Indicators are read in the masked text, never in the text as it came.
    for message, text in masked.items():
        if text != message:
            assert counts.extractions_of(message) == 0
            assert counts.masked[text] == 0  # nor is the masked text masked again
        assert all(n == 1 for (read, _), n in counts.extracted.items() if read == text)
    # The opening story came before the country: it is read again for the country once known
    # (the country decides phone numbers without a country code and a bare "$"); every other
    # message is extracted once in all.
    assert counts.extracted[(FAKE_POLICE_STORY, None)] == 1
    assert counts.extracted[(FAKE_POLICE_STORY, "SG")] == 1
    for message in messages[1:]:
        assert counts.extractions_of(masked[message]) == 1, message

    with services.session_factory()() as session:
        report = get_report_by_reference(session, reference=reference)
        assert report is not None
        assert (report.country, report.amount_lost, report.currency) == ("SG", 5000, "SGD")
        assert report.payee_account == "DBS 123-45678-9"
        kinds = {(i.kind, i.value) for i in report.indicators}
        assert {("phone", "+6581234567"), ("amount", "5000 SGD")} <= kinds
        assert ("claimed_agency", "Singapore Police Force") in kinds
        user_lines = [m.text for m in report.transcript if m.sender == "user"]
        assert len(user_lines) == len(messages)
        assert any("[REDACTED OTP]" in line for line in user_lines)
        stored = " ".join([*user_lines, report.story, report.demand or "", str(report.details)])
        assert OTP not in stored


def stored_report(reference: str) -> dict[str, Any]:
    """What a report stores that the readings decide."""
    with services.session_factory()() as session:
        report = get_report_by_reference(session, reference=reference)
        assert report is not None
        return {
            "indicators": sorted((i.kind, i.value, i.raw) for i in report.indicators),
            "transcript": [(m.sender, m.text) for m in report.transcript],
            "story": report.story,
            "demand": report.demand,
            "amount": (report.amount_lost, report.currency),
            "deliveries": sorted(d.agency_code for d in report.deliveries),
        }


async def test_a_replica_that_kept_nothing_files_the_same_report(
    domain: dict[str, Any], actions_database: str, fresh_readings: None
) -> None:
    """Another action-server replica may take the reporter's yes: it has none of the readings
    and reads the messages itself, into the same report."""
    filed = []
    for replica_keeps in (True, False):
        run = ReportRun(domain, sender_id=f"replica-{replica_keeps}")
        with classifier_override(keyword_guess):
            await run.interview(FAKE_POLICE_STORY, "report_fake_authority", ANSWERS)
        if not replica_keeps:
            reading_store.cache_clear()
        reference = await run.submit()
        assert reference is not None
        filed.append(stored_report(reference))
    assert filed[0] == filed[1]


# The functions that mask or extract a text anew; actions ask scamreport.extraction.readings.
_READ_ANEW = {"mask_secrets", "find_secrets", "extract_indicators", "build_extractor", "Extractor"}


def test_actions_read_messages_only_through_the_kept_readings() -> None:
    for path in sorted((PROJECT_ROOT / "actions").glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scamreport")
            for alias in node.names
        }
        assert not imported & _READ_ANEW, f"{Path(path).name} imports {imported & _READ_ANEW}"
