"""Rasa's REST channel for the bot alone: a shared secret, bounded messages, no typed intents.

Registered in credentials.yml in place of Rasa's stock ``rest`` channel, at the same address
(``/webhooks/rest/webhook``) and with the same request and answer, but:

- a request without the bot's secret (``RASA_CHANNEL_TOKEN``, sent in the ``X-Channel-Token``
  header) is refused: 401 without one, 403 with a wrong one;
- text that Rasa would read as an intent (``/inform{"amount": 5}``) is refused unless the bot
  marked it as the payload of a button it offered;
- NLU reads a bounded message, and the whole text (bounded too) travels in the metadata
  (scamreport.channel), so no message can exhaust Rasa's memory;
- neither an error answer nor a log line quotes what the reporter wrote.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_runtime.metrics import rasa_metrics
from scamreport.channel import (
    CHANNEL_TOKEN_HEADER,
    FULL_TEXT_KEY,
    MAX_NLU_CHARS,
    MAX_REQUEST_BYTES,
    PAYLOAD_KEY,
    bound_text,
    looks_like_intent,
    without_unencodable,
)
from scamreport.metrics import CONTENT_TYPE, authorisation_status
from scamreport.settings import SettingsError, metrics_token

logger = logging.getLogger(__name__)

DEFAULT_SECRET_ENV = "RASA_CHANNEL_TOKEN"
MIN_SECRET_CHARS = 16
MAX_SENDER_CHARS = 128


class Refused(Exception):
    """A request the channel does not pass to Rasa, with the status and reason to answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def check_secret(request: Request, secret: str) -> None:
    provided = request.headers.get(CHANNEL_TOKEN_HEADER)
    if not provided:
        raise Refused(401, "missing channel token")
    if not hmac.compare_digest(provided.encode(), secret.encode()):
        raise Refused(403, "wrong channel token")


def read_body(request: Request) -> dict[str, Any]:
    if len(request.body or b"") > MAX_REQUEST_BYTES:
        raise Refused(413, "request too large")
    try:
        body = json.loads(request.body or b"")
    except (ValueError, RecursionError):
        raise Refused(400, "the body is not JSON") from None
    if not isinstance(body, dict):
        raise Refused(400, "the body is not a JSON object")
    return body


def read_sender(body: dict[str, Any]) -> str:
    sender = body.get("sender")
    if (
        not isinstance(sender, str)
        or not 0 < len(sender) <= MAX_SENDER_CHARS
        or without_unencodable(sender) != sender
    ):
        raise Refused(400, f"sender must be a string of 1 to {MAX_SENDER_CHARS} characters")
    return sender


def read_metadata(body: dict[str, Any]) -> dict[str, Any]:
    metadata = body.get("metadata")
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise Refused(400, "metadata must be a JSON object")
    return dict(metadata)


def bounded_message(message: Any, metadata: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The text NLU reads and the metadata stored with it, or Refused."""
    if not isinstance(message, str):
        raise Refused(400, "message must be a string")
    if metadata.pop(PAYLOAD_KEY, None) is True:
        if not looks_like_intent(message) or len(message) > MAX_NLU_CHARS:
            raise Refused(400, "a payload is an intent of bounded length")
        metadata.pop(FULL_TEXT_KEY, None)
        return message, {**metadata, PAYLOAD_KEY: True}
    whole = metadata.pop(FULL_TEXT_KEY, None)
    if looks_like_intent(message) or (isinstance(whole, str) and looks_like_intent(whole)):
        raise Refused(400, "typed text cannot start with '/'")
    bounded = bound_text(whole if isinstance(whole, str) else message)
    if not bounded.nlu_text:
        raise Refused(400, "empty message")
    if bounded.shortened_for_nlu:
        metadata[FULL_TEXT_KEY] = bounded.full_text
    return bounded.nlu_text, metadata


def refusal(error: Refused) -> HTTPResponse:
    return response.json({"error": error.reason}, status=error.status)


class SecureRestInput(InputChannel):
    """The bot's way into Rasa (see the module docstring)."""

    def __init__(self, secret: str, metrics_token: str | None = None) -> None:
        self.secret = secret
        # METRICS_TOKEN for GET /webhooks/rest/metrics (rasa_runtime/metrics.py); None: off.
        self.metrics_token = metrics_token

    @classmethod
    def name(cls) -> str:
        # The stock REST channel's address, which this channel replaces.
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SecureRestInput:
        """credentials.yml names the environment variable holding the secret (``secret_env``);
        Rasa does not start without it."""
        variable = (credentials or {}).get("secret_env") or DEFAULT_SECRET_ENV
        secret = os.environ.get(variable, "")
        if len(secret) < MIN_SECRET_CHARS:
            raise RasaException(
                f"set {variable} to the bot's channel secret ({MIN_SECRET_CHARS}+ characters)"
            )
        try:
            token = metrics_token(os.environ)
        except SettingsError as error:
            raise RasaException(str(error)) from None
        return cls(secret, token)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        channel = Blueprint("secure_rest_webhook", __name__)

        @channel.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @channel.route("/metrics", methods=["GET"])
        async def metrics(request: Request) -> HTTPResponse:
            status = authorisation_status(request.headers.get("Authorization"), self.metrics_token)
            if status != 200:
                return response.json({"error": "metrics need the metrics token"}, status=status)
            return response.raw(rasa_metrics().exposition(), content_type=CONTENT_TYPE)

        @channel.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                check_secret(request, self.secret)
                body = read_body(request)
                sender = read_sender(body)
                text, metadata = bounded_message(body.get("message"), read_metadata(body))
            except Refused as error:
                logger.warning("secure_rest: refused a request (%s)", error.reason)
                return refusal(error)
            collector = CollectingOutputChannel()
            message = UserMessage(
                text, collector, sender, input_channel=self.name(), metadata=metadata or None
            )
            started = time.monotonic()
            try:
                await on_new_message(message)
            except Exception as error:  # noqa: BLE001 - answered, and logged without content
                logger.error("secure_rest: handling a message failed (%s)", type(error).__name__)
            rasa_metrics().turn_seconds.observe(time.monotonic() - started)
            return response.json(collector.messages)

        return channel
