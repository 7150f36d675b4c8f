"""Talking to Rasa's channel, with the rules every front end applies to what it sends.

``AsyncRasaClient`` (httpx) serves the Telegram bot (tests drive Rasa with a blocking client
built on the same rules, tests/rasa_rest.py). It sends typed text only through
``neutralise_typed_text``, proves itself to the channel with its secret, and bounds every message
before NLU (scamreport.channel): NLU reads the beginning of a long message, and the whole text
travels in the metadata for the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from bot import texts
from scamreport.channel import (
    CHANNEL_TOKEN_HEADER,
    FULL_TEXT_KEY,
    LANGUAGE_KEY,
    MAX_NLU_CHARS,
    MAX_NLU_TOKENS,
    MAX_STORY_CHARS,
    PAYLOAD_KEY,
    SENDER_HEADER,
    UPDATE_ID_KEY,
    bound_text,
    count_tokens,
    looks_like_intent,
    without_unencodable,
)
from scamreport.languages import DEFAULT_LANGUAGE, Language

# Rasa reads a message that starts with "/" as an intent with entities, which would let a user
# set slots directly. Typed text never reaches Rasa in that form; only offered button payloads do.
_INTENT_PREFIX = re.compile(r"^\s*/+")
WEBHOOK_PATH = "/webhooks/rest/webhook"


class RasaUnavailable(RuntimeError):
    """Rasa (or the action server behind it) could not answer this message.

    ``maybe_received`` is True when Rasa may have read the message before failing (a timeout,
    a broken connection or an error status after sending), so resending it blindly could make
    it count twice; False when it certainly never arrived (connection refused).
    """

    def __init__(self, message: str, *, maybe_received: bool = False) -> None:
        super().__init__(message)
        self.maybe_received = maybe_received


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

    pseudonym: str
    offered_payloads: set[str] = field(default_factory=set)

    def remember(self, replies: list[Reply]) -> None:
        offered = {b.payload for r in replies for b in r.buttons}
        if offered:
            self.offered_payloads = offered

    def accepts_payload(self, payload: str) -> bool:
        return payload in self.offered_payloads


def neutralise_typed_text(text: str) -> str:
    """Typed text as Rasa may see it: never an intent payload, nothing that cannot be encoded,
    at most MAX_STORY_CHARS characters (the client bounds it further for NLU)."""
    cleaned = _INTENT_PREFIX.sub("", without_unencodable(text)).strip()
    return cleaned[:MAX_STORY_CHARS].rstrip()


def length_notice(text: str, language: str = DEFAULT_LANGUAGE) -> str | None:
    """What to tell a reporter whose message is longer than NLU reads, or than a report keeps."""
    if len(text) > MAX_STORY_CHARS:
        return texts.get("message_cut", language, max=f"{MAX_STORY_CHARS:,}")
    if len(text) > MAX_NLU_CHARS or count_tokens(text) > MAX_NLU_TOKENS:
        return texts.get("message_long", language)
    return None


def message_body(
    pseudonym: str,
    message: str,
    metadata: dict[str, Any] | None = None,
    *,
    language: Language | None = None,
) -> dict[str, Any]:
    """The channel's request: a payload the bot offered is marked as one; typed text is bounded
    for NLU, with the whole text beside it in the metadata when NLU reads only its beginning.
    ``language`` (the reporter's) goes in the metadata: Rasa answers in it."""
    extra = dict(metadata or {})
    if language is not None:
        extra[LANGUAGE_KEY] = language
    if looks_like_intent(message):
        # Callers pass only neutralised text or an offered payload, and neutralised text never
        # starts with "/".
        extra[PAYLOAD_KEY] = True
        text = message
    else:
        bounded = bound_text(message)
        text = bounded.nlu_text
        if bounded.shortened_for_nlu:
            extra[FULL_TEXT_KEY] = bounded.full_text
    # Rasa's REST channel names the conversation ``sender``: the reporter's pseudonym.
    body: dict[str, Any] = {"sender": pseudonym, "message": text}
    if extra:
        body["metadata"] = extra
    return body


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


def replies_from_bot_events(events: list[dict[str, Any]]) -> list[Reply]:
    """The replies carried by Rasa tracker ``bot`` events."""
    replies: list[Reply] = []
    for event in events:
        data = event.get("data") or {}
        replies.extend(
            parse_replies(
                [
                    {
                        "text": event.get("text"),
                        "buttons": data.get("buttons"),
                        "image": data.get("image"),
                        "custom": data.get("custom"),
                    }
                ]
            )
        )
    return replies


class AsyncRasaClient:
    """Rasa's channel over httpx, for the bot's event loop.

    ``channel_token`` is the channel's secret (RASA_CHANNEL_TOKEN); ``api_token`` the token of
    Rasa's HTTP API (RASA_AUTH_TOKEN), which is how the bot reads trackers."""

    def __init__(
        self,
        base_url: str,
        *,
        channel_token: str | None = None,
        timeout: float = 30.0,
        api_token: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.webhook = f"{self.base_url}{WEBHOOK_PATH}"
        # Rasa's HTTP API (``rasa run --enable-api``), for checking what became of a message.
        # Rasa takes its token only as a query parameter; httpx logs stay at WARNING.
        self.api_params = {"token": api_token} if api_token else {}
        headers = {CHANNEL_TOKEN_HEADER: channel_token} if channel_token else {}
        self.http = httpx.AsyncClient(timeout=timeout, transport=transport, headers=headers)

    def _tracker_url(self, pseudonym: str) -> str:
        # Rasa's conversation id (its sender id) is the reporter's pseudonym.
        return f"{self.base_url}/conversations/{quote(pseudonym, safe='')}/tracker"

    async def aclose(self) -> None:
        await self.http.aclose()

    async def send(
        self,
        pseudonym: str,
        message: str,
        metadata: dict[str, Any] | None = None,
        *,
        language: Language | None = None,
    ) -> list[Reply]:
        """Sends ``message`` as it is: callers pass neutralised text or an offered payload."""
        body = message_body(pseudonym, message, metadata, language=language)
        # The X-Conversation-Id header (SENDER_HEADER) carries the pseudonym for the balancer.
        try:
            response = await self.http.post(
                self.webhook, json=body, headers={SENDER_HEADER: pseudonym}
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            raise RasaUnavailable(f"Rasa is unreachable: {error!r}") from error
        except httpx.HTTPError as error:
            raise RasaUnavailable(f"Rasa did not answer: {error!r}", maybe_received=True) from error
        if response.status_code >= 400:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}", maybe_received=True)
        try:
            return parse_replies(response.json())
        except ValueError as error:
            raise RasaUnavailable("Rasa sent a malformed answer", maybe_received=True) from error

    async def forget_conversation(self, pseudonym: str) -> None:
        """Has Rasa replace the conversation's events with none (an in-memory tracker store
        forgets it; a SQL one is cleared by scamreport.storage.tracker_store instead)."""
        try:
            await self.http.put(
                f"{self._tracker_url(pseudonym)}/events", params=self.api_params, json=[]
            )
        except httpx.HTTPError:
            return

    async def report_in_progress(self, pseudonym: str) -> bool:
        """Whether the conversation holds a half-done report (an interview or its summary).

        True also when Rasa cannot say: a destructive command then asks before it acts."""
        try:
            response = await self.http.get(
                self._tracker_url(pseudonym),
                params={**self.api_params, "include_events": "NONE"},
            )
            if response.status_code != 200:
                return True
            slots = response.json().get("slots") or {}
        except (httpx.HTTPError, ValueError, AttributeError):
            return True
        return bool(slots.get("interview"))

    async def replies_after(self, pseudonym: str, relay_id: str) -> list[Reply] | None:
        """What Rasa answered to the message sent with ``metadata.relay_id``.

        None when Rasa has no record of it (never processed: safe to send again) or when the
        tracker cannot be read (Rasa's HTTP API is off or protected).
        """
        return await self._replies_to(
            pseudonym, lambda event: (event.get("metadata") or {}).get("relay_id") == relay_id
        )

    async def replies_to_update(
        self, pseudonym: str, update_id: int, message: str | None
    ) -> list[Reply] | None:
        """What Rasa answered to ``message`` (None: any message) sent for the Telegram update
        ``update_id`` (``metadata.update_id``): a bot killed after sending it must not send it
        again.

        None as for ``replies_after``."""
        text = message_body(pseudonym, message)["message"] if message is not None else None

        def sent_for_update(event: dict[str, Any]) -> bool:
            metadata = event.get("metadata") or {}
            same_text = text is None or event.get("text") == text
            return metadata.get(UPDATE_ID_KEY) == update_id and same_text

        return await self._replies_to(pseudonym, sent_for_update)

    async def _replies_to(
        self, pseudonym: str, match: Callable[[dict[str, Any]], bool]
    ) -> list[Reply] | None:
        """The bot events after the first user event that ``match``es, up to the next user
        event; None when there is none, or the tracker cannot be read."""
        try:
            response = await self.http.get(self._tracker_url(pseudonym), params=self.api_params)
            if response.status_code != 200:
                return None
            events = response.json().get("events") or []
        except (httpx.HTTPError, ValueError, AttributeError):
            return None
        for index, event in enumerate(events):
            if event.get("event") == "user" and match(event):
                answered: list[dict[str, Any]] = []
                for later in events[index + 1 :]:
                    if later.get("event") == "user":
                        break
                    if later.get("event") == "bot":
                        answered.append(later)
                return replies_from_bot_events(answered)
        return None
