"""Talking to Rasa's REST channel from tests and benchmarks.

``RasaClient`` is a blocking client that applies the bot's rules (bot.rasa_client: typed text
neutralised, only offered payloads sent as intents, the channel's secret); the bot itself uses
``AsyncRasaClient``. ``questions`` maps the assistant's questions to their slots, and the
fake-police interview is the script the end-to-end tests and the benchmarks both play.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import requests
import yaml

from bot.rasa_client import (
    WEBHOOK_PATH,
    Conversation,
    RasaUnavailable,
    Reply,
    message_body,
    neutralise_typed_text,
    parse_replies,
)
from scamreport.channel import CHANNEL_TOKEN_HEADER, SENDER_HEADER
from scamreport.settings import PROJECT_ROOT

# A caller posing as the police (fake_authority), told in one opening message.
FAKE_POLICE_STORY = (
    "a man phoned me from +65 8123 4567 saying he was a police officer and my bank "
    "account was used for crimes"
)
# The answer to each question of that interview, up to the summary.
FAKE_POLICE_ANSWERS = {
    "country": "Singapore",
    "claimed_agency": "he said he was from the Singapore Police Force",
    "claimed_identity": "Inspector Lim, badge number 30125",
    "contact_channel": "phone call",
    "scammer_contact": "+65 8123 4567",
    "more_contacts": "no, only that number",
    "demand": "transfer my savings to a safe account and tell nobody",
    "money_lost": "yes",
    "amount_lost": "S$5,000",
    "payment_method": "bank transfer",
    "payee_account": "skip",
    "incident_date": "yesterday",
    "story": "He kept me on the phone for two hours.",
}


@lru_cache(maxsize=1)
def questions() -> dict[str, str]:
    """The first line of each utter_ask_<slot> text -> slot (every variant: a question may be
    worded per scam type, with a condition)."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    asked: dict[str, str] = {}
    for name, variants in domain["responses"].items():
        if name.startswith("utter_ask_") and name not in (
            "utter_ask_what_to_correct",
            "utter_ask_cancel",
        ):
            for variant in variants:
                if variant.get("text"):
                    first_line = variant["text"].split("\n")[0].strip()
                    asked[first_line] = name.removeprefix("utter_ask_")
    return asked


def paragraph_starts(body: str) -> list[str]:
    """The first line of each paragraph of a message."""
    lines = body.split("\n")
    return [
        line.strip()
        for index, line in enumerate(lines)
        if line.strip() and (index == 0 or not lines[index - 1].strip())
    ]


def asked_in(body: str) -> str | None:
    """The slot a message asks for, if it asks one: the last of its paragraphs that begins a
    question (the bot sends consecutive replies as one message, paragraphs apart)."""
    asked = questions()
    for start in reversed(paragraph_starts(body)):
        if start in asked:
            return asked[start]
    return None


class RasaClient:
    """Sends messages to Rasa's channel (``channel_token``: its secret, RASA_CHANNEL_TOKEN)."""

    def __init__(
        self, base_url: str, *, channel_token: str | None = None, timeout: float = 30.0
    ) -> None:
        self.webhook = f"{base_url.rstrip('/')}{WEBHOOK_PATH}"
        self.timeout = timeout
        self.http = requests.Session()
        if channel_token:
            self.http.headers[CHANNEL_TOKEN_HEADER] = channel_token

    def send(
        self, sender_id: str, message: str, metadata: dict[str, Any] | None = None
    ) -> list[Reply]:
        """Sends ``message`` as it is: callers pass neutralised text or an offered payload."""
        body = message_body(sender_id, message, metadata)
        try:
            response = self.http.post(
                self.webhook, json=body, headers={SENDER_HEADER: sender_id}, timeout=self.timeout
            )
            response.raise_for_status()
            return parse_replies(response.json())
        except (requests.RequestException, ValueError) as error:
            raise RasaUnavailable(str(error)) from error

    def send_typed(self, conversation: Conversation, text: str) -> list[Reply]:
        """Relays text the reporter typed."""
        cleaned = neutralise_typed_text(text)
        if not cleaned:
            return []
        replies = self.send(conversation.pseudonym, cleaned)
        conversation.remember(replies)
        return replies

    def press_button(self, conversation: Conversation, payload: str) -> list[Reply]:
        """Relays a button press; a payload the bot did not offer is sent as plain text."""
        message = (
            payload if conversation.accepts_payload(payload) else neutralise_typed_text(payload)
        )
        replies = self.send(conversation.pseudonym, message)
        conversation.remember(replies)
        return replies
