"""No secret reaches a log or an error body, even when an action fails on a conversation full
of them. (The bot masks one-time codes and passwords before Rasa; here they also reach Rasa's
tracker directly, as if masking had missed them, so a failure would have them to leak.)"""

from __future__ import annotations

import uuid

import pytest
import requests

from scamreport.cli.stack import Stack
from telegram_standin.driver import Driver
from tests.security.conversations import reporter
from tests.security.support import api_params, channel_post, channel_token, log_files

pytestmark = pytest.mark.e2e

OTP, PASSWORD = "739264", "Tr0ub4dor&3-horse"


def test_no_secret_reaches_any_log_after_a_forced_action_failure(
    secure_stack: Stack, secure_driver: Driver
) -> None:
    # Through the bot, as a reporter types them (a lone surrogate crashed the extractor once).
    _, chat = reporter(secure_driver, "Kumar")
    chat.say(f"a man called from the bank and I gave him my otp {OTP} \ud800 yesterday")
    chat.say(f"he also asked for my password, it is {PASSWORD}")

    # Straight into Rasa's tracker, then an action made to fail on that conversation.
    sender = f"leaky-{uuid.uuid4().hex}"
    token = channel_token(secure_stack)
    for text in (
        "a man phoned me saying he was a police officer and my bank account was used for crimes",
        f"my one time password is {OTP} and my banking password is {PASSWORD}",
    ):
        assert channel_post(secure_stack, {"sender": sender, "message": text}, token=token).ok
    base = f"{secure_stack.rasa_url}/conversations/{sender}"
    params = api_params(secure_stack)
    bad_amount = [{"event": "slot", "name": "amount_lost", "value": 12345}]
    assert requests.post(f"{base}/tracker/events", params=params, json=bad_amount, timeout=30).ok
    # Rasa answers the API's caller (the token holder) with the tracker; the failure is logged.
    requests.post(
        f"{base}/execute", params=params, json={"name": "action_submit_report"}, timeout=120
    )

    logs = {path.name: path.read_text(errors="replace") for path in log_files(secure_stack)}
    assert "Failed to execute custom action 'action_submit_report'" in logs["rasa.log"]
    assert "action action_submit_report failed with" in logs["actions.log"]
    secrets = {"otp": OTP, "password": PASSWORD, **secure_stack.secrets}
    leaks = [
        (name, kind) for name, text in logs.items() for kind, s in secrets.items() if s in text
    ]
    assert leaks == []
