"""The summary and the stored report, through the real storage on SQLite."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions import services
from actions.answers import SKIPPED
from actions.submission import ActionShowSummary, ActionSubmitReport
from scamreport.storage.models import Report
from scamreport.storage.repository import get_report_by_reference
from tests.actions.conftest import user_event

MakeTracker = Callable[..., Tracker]

FAKE_POLICE_SLOTS = {
    "interview": "fake_authority",
    "scam_type": "fake_authority",
    "country": "SG",
    "claimed_agency": "Singapore Police Force",
    "claimed_identity": SKIPPED,
    "contact_channel": "phone_call",
    "scammer_contact": "+6581234567",
    "demand": 'move money to a "safe account"',
    "money_lost": True,
    "amount_lost": "3000 SGD",
    "payment_method": "bank_transfer",
    "payee_account": "GB82WEST12345698765432",
    "incident_date": "2026-11-20",
    "story": "A man called from +65 8123 4567. My card number is 4111 1111 1111 1111.",
    "consent_forward": "national_and_abroad",
    "contact_permission": "telegram",
}


async def test_summary_lists_every_answer(
    make_tracker: MakeTracker, domain: dict[str, Any], actions_database: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionShowSummary().run(
        dispatcher, make_tracker("x", "inform", FAKE_POLICE_SLOTS), domain
    )
    summary = dispatcher.messages[0]["summary"]
    assert dispatcher.messages[0]["response"] == "utter_summary"
    for expected in (
        "Singapore",
        "Singapore Police Force",
        "(skipped)",
        "3,000 SGD",
        "20 November 2026",
        "bank transfer",
        "yes, and to agencies abroad if needed",
    ):
        assert expected in summary


async def test_submit_stores_masked_report_with_indicators_and_deliveries(
    make_tracker: MakeTracker, domain: dict[str, Any], actions_database: str
) -> None:
    history = [
        user_event(
            "police called me from +65 8123 4567, my OTP is 123456", "report_fake_authority"
        ),
        {"event": "bot", "timestamp": 1_700_000_001.0, "text": "Which country do you live in?"},
    ]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("yes", "affirm", FAKE_POLICE_SLOTS, events=history, sender_id="pseudo-1")
    events = await ActionSubmitReport().run(dispatcher, tracker, domain)

    reference = next(e["value"] for e in events if e.get("name") == "reference")
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_submitted",
        "utter_forwarding",
        "utter_advice_fake_authority",
    ]
    with services.session_factory()() as session:
        report = get_report_by_reference(session, reference=reference)
        assert report is not None
        assert report.reporter is not None and report.reporter.pseudonym == "pseudo-1"
        assert report.amount_lost == Decimal("3000") and report.currency == "SGD"
        assert report.claimed_identity is None
        assert "4111 1111 1111 1111" not in report.story
        assert all("123456" not in m.text for m in report.transcript)
        assert [m.sender for m in report.transcript] == ["user", "bot", "user"]
        values = {(i.kind, i.value) for i in report.indicators}
        assert ("phone", "+6581234567") in values
        assert ("iban", "GB82WEST12345698765432") in values
        agencies = [d.agency_code for d in report.deliveries]
        assert agencies[0] == "sg-spf"
        assert "gb-actionfraud" in agencies  # the IBAN points to the UK; consent covers abroad
    cleared = {e["name"] for e in events if e.get("value") is None}
    assert {"interview", "amount_lost", "story"} <= cleared


async def test_nothing_forwarded_without_consent(
    make_tracker: MakeTracker, domain: dict[str, Any], actions_database: str
) -> None:
    slots = {**FAKE_POLICE_SLOTS, "consent_forward": "none"}
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitReport().run(
        dispatcher, make_tracker("yes", "affirm", slots), domain
    )
    reference = next(e["value"] for e in events if e.get("name") == "reference")
    with services.session_factory()() as session:
        report = get_report_by_reference(session, reference=reference)
        assert report is not None and list(report.deliveries) == []
    assert "utter_not_forwarded" in [m["response"] for m in dispatcher.messages]


async def test_database_down_keeps_the_answers_and_offers_retry(
    make_tracker: MakeTracker, domain: dict[str, Any], monkeypatch: Any, tmp_path: Any
) -> None:
    services.session_factory.cache_clear()
    services.settings.cache_clear()
    # A directory where the SQLite file should be: the database cannot be opened.
    blocked = tmp_path / "blocked.db"
    blocked.mkdir()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{blocked}")
    dispatcher = CollectingDispatcher()
    try:
        events = await ActionSubmitReport().run(
            dispatcher, make_tracker("yes", "affirm", FAKE_POLICE_SLOTS), domain
        )
    finally:
        services.session_factory.cache_clear()
        services.settings.cache_clear()
    assert [m["response"] for m in dispatcher.messages] == ["utter_submit_failed"]
    assert events == [{"event": "followup", "timestamp": None, "name": "action_show_summary"}]


async def test_a_yes_resent_after_a_crash_never_files_the_report_twice(
    make_tracker: MakeTracker, domain: dict[str, Any], actions_database: str
) -> None:
    history = [
        user_event("the police called me from +65 8123 4567", "report_fake_authority"),
        # A first submission that died half way: Rasa still records the action.
        {"event": "action", "timestamp": 1_700_000_002.0, "name": "action_submit_report"},
    ]
    tracker = make_tracker("yes", "affirm", FAKE_POLICE_SLOTS, events=history, sender_id="p-2")
    first, again = CollectingDispatcher(), CollectingDispatcher()
    stored = await ActionSubmitReport().run(first, tracker, domain)
    resent = await ActionSubmitReport().run(again, tracker, domain)
    reference = next(e["value"] for e in stored if e.get("name") == "reference")
    assert next(e["value"] for e in resent if e.get("name") == "reference") == reference
    assert again.messages[0]["response"] == "utter_submitted"
    with services.session_factory()() as session:
        report = get_report_by_reference(session, reference=reference)
        assert report is not None
        assert (
            session.scalar(
                select(func.count()).select_from(Report).where(Report.pseudonym == "p-2")
            )
            == 1
        )
        # The failed attempt did not cut the interview out of the transcript.
        assert report.transcript[0].text.startswith("the police called me")


async def test_a_yes_after_the_report_is_stored_gives_its_reference_again(
    make_tracker: MakeTracker, domain: dict[str, Any], actions_database: str
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("yes", "affirm", {"reference": "SR-7K3M-9QXD"})
    assert await ActionSubmitReport().run(dispatcher, tracker, domain) == []
    assert dispatcher.messages[0]["response"] == "utter_already_submitted"
    assert dispatcher.messages[0]["reference"] == "SR-7K3M-9QXD"
