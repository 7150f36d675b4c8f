"""Talking to Rasa's REST channel, with the rules every front end applies to typed text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import requests

# Rasa reads a message that starts with "/" as an intent with entities, which would let a user
# set slots directly. Typed text never reaches Rasa in that form; only offered button payloads do.
_INTENT_PREFIX = re.compile(r"^\s*/+")
MAX_MESSAGE_CHARS = 20_000


class RasaUnavailable(RuntimeError):
    """Rasa (or the action server behind it) could not answer this message."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str | None = None
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    custom: dict[str, Any] | None = None


@dataclass
class Conversation:
    """One reporter's conversation: which button payloads the bot last offered."""

    sender_id: str
    offered_payloads: set[str] = field(default_factory=set)

    def remember(self, replies: list[Reply]) -> None:
        offered = {b.payload for r in replies for b in r.buttons}
        if offered:
            self.offered_payloads = offered

    def accepts_payload(self, payload: str) -> bool:
        return payload in self.offered_payloads


def neutralise_typed_text(text: str) -> str:
    """Typed text as Rasa may see it: never an intent payload, never empty, never huge."""
    cleaned = _INTENT_PREFIX.sub("", text).strip()
    return cleaned[:MAX_MESSAGE_CHARS]


def parse_replies(body: Any) -> list[Reply]:
    replies: list[Reply] = []
    for item in body if isinstance(body, list) else []:
        buttons = tuple(
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in item.get("buttons") or []
        )
        replies.append(
            Reply(
                text=item.get("text"),
                buttons=buttons,
                image=item.get("image"),
                custom=item.get("custom"),
            )
        )
    return replies


class RasaClient:
    """Sends messages to Rasa's REST webhook."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        self.webhook = f"{base_url.rstrip('/')}/webhooks/rest/webhook"
        self.timeout = timeout
        self.http = requests.Session()

    def send(
        self, sender_id: str, message: str, metadata: dict[str, Any] | None = None
    ) -> list[Reply]:
        body: dict[str, Any] = {"sender": sender_id, "message": message}
        if metadata:
            body["metadata"] = metadata
        try:
            response = self.http.post(self.webhook, json=body, timeout=self.timeout)
            response.raise_for_status()
            return parse_replies(response.json())
        except (requests.RequestException, ValueError) as error:
            raise RasaUnavailable(str(error)) from error

    def send_typed(self, conversation: Conversation, text: str) -> list[Reply]:
        """Relays text the reporter typed."""
        cleaned = neutralise_typed_text(text)
        if not cleaned:
            return []
        replies = self.send(conversation.sender_id, cleaned)
        conversation.remember(replies)
        return replies

    def press_button(self, conversation: Conversation, payload: str) -> list[Reply]:
        """Relays a button press; a payload the bot did not offer is sent as plain text."""
        message = payload if conversation.accepts_payload(payload) else neutralise_typed_text(payload)
        replies = self.send(conversation.sender_id, message)
        conversation.remember(replies)
        return replies
