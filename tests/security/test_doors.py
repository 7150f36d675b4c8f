"""Only the bot is a door: everything else on the stack refuses a caller without its secret.

Each attack is made as another user of the machine could make it: plain HTTP to the ports the
stack's processes listen on, with no secret or a wrong one.
"""

from __future__ import annotations

import uuid

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from scamreport.channel import FULL_TEXT_KEY, MAX_NLU_CHARS, MAX_REQUEST_BYTES, PAYLOAD_KEY
from scamreport.cli.processes import process_group
from scamreport.cli.stack import Stack
from scamreport.storage.models import Report
from tests.security.support import (
    action_token,
    api_params,
    channel_post,
    channel_token,
    listening_addresses,
    pid_of,
    tracker,
    user_events,
)

pytestmark = pytest.mark.e2e

OTP, PASSWORD = "493817", "Tr0ub4dor&3"


def forged_submission(sender: str) -> dict[str, object]:
    """What the issue's attacker posted: action_submit_report with made-up slots."""
    return {
        "next_action": "action_submit_report",
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {
                "interview": "fake_authority",
                "scam_type": "fake_authority",
                "country": "SG",
                "consent_forward": "national",
                "story": f"forged report, my otp is {OTP} and my password is {PASSWORD}",
            },
            "latest_message": {"text": f"my password is {PASSWORD}"},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        },
    }


def report_count(db: sessionmaker[Session]) -> int:
    with db() as session:
        return int(session.scalar(select(func.count()).select_from(Report)) or 0)


def test_every_service_of_the_stack_listens_on_loopback_only(secure_stack: Stack) -> None:
    for name in ("actions", "rasa", "telegram", "bot"):
        addresses = listening_addresses(process_group(pid_of(secure_stack, name)))
        assert all(a.startswith("127.0.0.1:") for a in addresses), (name, addresses)
    ports = {
        "actions": secure_stack.action_port,
        "rasa": secure_stack.rasa_port,
        "telegram": secure_stack.standin_port,
    }
    for name, port in ports.items():
        addresses = listening_addresses(process_group(pid_of(secure_stack, name)))
        assert f"127.0.0.1:{port}" in addresses, (name, addresses)


@pytest.mark.parametrize(
    ("params", "status"), [({}, 401), ({"token": "guessed-token-0123456789"}, 403)]
)
def test_a_forged_action_call_is_refused_and_stores_nothing(
    secure_stack: Stack, secure_db: sessionmaker[Session], params: dict[str, str], status: int
) -> None:
    before = report_count(secure_db)
    response = requests.post(
        f"{secure_stack.action_url}/webhook",
        params=params,
        json=forged_submission(f"forged-{uuid.uuid4().hex}"),
        timeout=30,
    )
    assert response.status_code == status
    assert OTP not in response.text and PASSWORD not in response.text
    listed = requests.get(f"{secure_stack.action_url}/actions", params=params, timeout=30)
    assert listed.status_code == status
    assert report_count(secure_db) == before


def test_a_failing_action_answers_without_the_conversation(secure_stack: Stack) -> None:
    """Even Rasa (with the token) gets no tracker back when an action fails."""
    call = forged_submission(f"crash-{uuid.uuid4().hex}")
    call["tracker"]["slots"]["amount_lost"] = 12345  # type: ignore[index]  # not "1200 SGD"
    response = requests.post(
        f"{secure_stack.action_url}/webhook",
        params={"token": action_token(secure_stack)},
        json=call,
        timeout=60,
    )
    assert response.status_code == 500
    assert response.json() == {"error": "the action failed", "action_name": "action_submit_report"}


def test_rasas_http_api_refuses_every_call_without_its_token(secure_stack: Stack) -> None:
    sender = f"victim-{uuid.uuid4().hex}"
    started = channel_post(
        secure_stack, {"sender": sender, "message": "hello"}, token=channel_token(secure_stack)
    )
    assert started.status_code == 200
    base = f"{secure_stack.rasa_url}/conversations/{sender}"
    forged_slot = [{"event": "slot", "name": "country", "value": "KP"}]
    for params in ({}, {"token": "guessed-token-0123456789"}):
        calls = [
            requests.get(f"{base}/tracker", params=params, timeout=30),
            requests.post(f"{base}/tracker/events", params=params, json=forged_slot, timeout=30),
            requests.put(f"{base}/tracker/events", params=params, json=forged_slot, timeout=30),
            requests.post(
                f"{base}/execute",
                params=params,
                json={"name": "action_submit_report"},
                timeout=30,
            ),
            requests.post(
                f"{base}/trigger_intent", params=params, json={"name": "affirm"}, timeout=30
            ),
            requests.post(
                f"{secure_stack.rasa_url}/model/parse",
                params=params,
                json={"text": "/inform"},
                timeout=30,
            ),
            requests.get(f"{secure_stack.rasa_url}/status", params=params, timeout=30),
        ]
        assert [c.status_code for c in calls] == [401] * len(calls), [c.text for c in calls]
    slots = tracker(secure_stack, sender)["slots"]
    assert slots.get("country") != "KP"


def test_the_channel_refuses_callers_without_the_bots_secret(secure_stack: Stack) -> None:
    sender = f"forger-{uuid.uuid4().hex}"
    body = {"sender": sender, "message": '/inform{"amount_lost": 5}'}
    assert channel_post(secure_stack, body).status_code == 401
    assert channel_post(secure_stack, body, token="guessed-token-0123456789").status_code == 403
    assert channel_post(secure_stack, {**body, "message": "hello"}).status_code == 401
    assert user_events(secure_stack, sender) == []


@pytest.mark.parametrize(
    "typed", ['/inform{"amount_lost": 5}', '  /inform{"amount_lost": 5}', "/affirm", "/restart"]
)
def test_typed_text_is_never_read_as_an_intent_even_from_the_bot(
    secure_stack: Stack, typed: str
) -> None:
    sender = f"typist-{uuid.uuid4().hex}"
    token = channel_token(secure_stack)
    response = channel_post(secure_stack, {"sender": sender, "message": typed}, token=token)
    assert response.status_code == 400
    # A full text in the metadata cannot carry an intent either.
    response = channel_post(
        secure_stack,
        {"sender": sender, "message": "hello", "metadata": {FULL_TEXT_KEY: typed}},
        token=token,
    )
    assert response.status_code == 400
    assert user_events(secure_stack, sender) == []
    assert tracker(secure_stack, sender)["slots"].get("amount_lost") is None


def test_a_payload_the_bot_offered_is_passed_as_an_intent(secure_stack: Stack) -> None:
    sender = f"presser-{uuid.uuid4().hex}"
    response = channel_post(
        secure_stack,
        {"sender": sender, "message": "/greet", "metadata": {PAYLOAD_KEY: True}},
        token=channel_token(secure_stack),
    )
    assert response.status_code == 200 and response.json()
    [event] = user_events(secure_stack, sender)
    assert event["parse_data"]["intent"]["name"] == "greet"


def test_the_channel_bounds_what_nlu_reads_and_keeps_the_whole_text(secure_stack: Stack) -> None:
    sender = f"writer-{uuid.uuid4().hex}"
    story = "The caller said he was an inspector and that I must not tell my bank. " * 400
    typed = story + "\ud800 the end\x00"
    response = channel_post(
        secure_stack, {"sender": sender, "message": typed}, token=channel_token(secure_stack)
    )
    assert response.status_code == 200
    [event] = user_events(secure_stack, sender)
    assert len(event["text"]) <= MAX_NLU_CHARS and story.startswith(event["text"])
    assert event["metadata"][FULL_TEXT_KEY] == story + " the end"


def test_an_oversized_request_is_refused_before_it_is_read(secure_stack: Stack) -> None:
    sender = f"flooder-{uuid.uuid4().hex}"
    response = channel_post(
        secure_stack,
        {"sender": sender, "message": "x" * (MAX_REQUEST_BYTES + 1)},
        token=channel_token(secure_stack),
    )
    assert response.status_code == 413
    assert user_events(secure_stack, sender) == []


def test_the_api_token_opens_the_api_for_the_bot(secure_stack: Stack) -> None:
    """The bot reads trackers (replay) with RASA_AUTH_TOKEN: the API is on, behind it."""
    response = requests.get(
        f"{secure_stack.rasa_url}/status", params=api_params(secure_stack), timeout=30
    )
    assert response.status_code == 200
