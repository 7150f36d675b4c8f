"""The action server's event loop keeps running while an action waits on the database or the
extractors: each real action below is made to block for a second, and a ticker on the same
loop must keep ticking meanwhile (it cannot tick at all while the loop is blocked)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import forms, interview, submission
from actions.forms import ValidateFakeAuthorityForm
from actions.interview import ActionStartReport
from actions.submission import ActionSubmitReport
from tests.actions.test_forms import form_tracker, slots_of
from tests.actions.test_submission import FAKE_POLICE_SLOTS

MakeTracker = Callable[..., Tracker]
T = TypeVar("T")

BLOCK_SECONDS = 1.0
TICK_SECONDS = 0.05
# 20 ticks fit in the blocked second; a blocked loop gives none. Generous for a slow machine.
MIN_TICKS = 5


def slowed(work: Callable[..., T]) -> Callable[..., T]:
    """``work`` after a blocking second, as a slow write or a long message would take."""

    def slow(*args: Any, **kwargs: Any) -> T:
        time.sleep(BLOCK_SECONDS)
        return work(*args, **kwargs)

    return slow


async def ticks_during(action: Awaitable[T]) -> tuple[T, int]:
    """The action's result, and how often a ticker on the same loop ran while it did."""
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(TICK_SECONDS)
            ticks += 1

    running = asyncio.create_task(ticker())
    try:
        result = await action
    finally:
        running.cancel()
    return result, ticks


async def test_a_slow_report_write_leaves_the_loop_running(
    make_tracker: MakeTracker,
    domain: dict[str, Any],
    actions_database: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(submission, "submit_report", slowed(submission.submit_report))
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("yes", "affirm", FAKE_POLICE_SLOTS, sender_id="slow-1")

    events, ticks = await ticks_during(ActionSubmitReport().run(dispatcher, tracker, domain))

    assert any(e.get("name") == "reference" for e in events)
    assert dispatcher.messages[0]["response"] == "utter_submitted"
    assert ticks >= MIN_TICKS


async def test_a_slow_database_read_leaves_the_loop_running(
    make_tracker: MakeTracker,
    domain: dict[str, Any],
    actions_database: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(interview, "reporter_country", slowed(interview.reporter_country))
    story = "Someone called me saying he was from the police and asked me to transfer money"
    tracker = make_tracker(story, "report_fake_authority", sender_id="slow-2")

    events, ticks = await ticks_during(
        ActionStartReport().run(CollectingDispatcher(), tracker, domain)
    )

    assert slots_of(events)["interview"] == "fake_authority"
    assert ticks >= MIN_TICKS


async def test_a_slow_answer_reading_leaves_the_loop_running(
    make_tracker: MakeTracker, domain: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forms, "read_answer", slowed(forms.read_answer))
    tracker = form_tracker(make_tracker, "amount_lost", "S$5,000", slots={"country": "SG"})

    events, ticks = await ticks_during(
        ValidateFakeAuthorityForm().run(CollectingDispatcher(), tracker, domain)
    )

    assert slots_of(events)["amount_lost"] == "5000 SGD"
    assert ticks >= MIN_TICKS
