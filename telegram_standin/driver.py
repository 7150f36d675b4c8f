"""Playing the Telegram users against the stand-in: send messages, press buttons, read replies.

driver = Driver("http://127.0.0.1:8081")
alex = driver.user(4242, first_name="Alex")
alex.send_text("/start")
welcome = alex.replies()                # everything the bot says until it goes quiet
alex.press(welcome[-1], "I agree")      # taps an inline button by its title
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import requests

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class SentMessage:
    """A message the bot sent, as the stand-in recorded it."""

    seq: int
    chat_id: int
    message_id: int
    method: str
    text: str | None = None
    caption: str | None = None
    photo: str | None = None
    reply_markup: dict[str, Any] | None = None
    parse_mode: str | None = None
    link_preview_options: dict[str, Any] | None = None
    edited: int = 0

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> SentMessage:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in record.items() if k in names})

    @property
    def body(self) -> str:
        return self.text or self.caption or ""

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(title, callback_data) of the inline keyboard, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]

    @property
    def reply_keyboard(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [b if isinstance(b, dict) else {"text": b} for row in rows for b in row]

    @property
    def removes_keyboard(self) -> bool:
        return bool((self.reply_markup or {}).get("remove_keyboard"))


def png_bytes(size: int = 2048, seed: int = 0) -> bytes:
    """Bytes that start like a PNG file (enough for a MIME sniffer), ``size`` long."""
    filler = bytes((seed + i) % 251 for i in range(max(0, size - len(_PNG_SIGNATURE))))
    return _PNG_SIGNATURE + filler


def unix(moment: datetime | None = None) -> int:
    return int((moment or datetime.now(timezone.utc)).timestamp())


class Driver:
    """The control API of a running stand-in."""

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.http = requests.Session()

    def _post(self, route: str, payload: dict[str, Any]) -> dict[str, Any]:
        response = self.http.post(
            f"{self.url}/_standin/{route}", json=payload, timeout=self.timeout
        )
        if response.status_code >= 400:
            raise StandinError(response.json().get("description", response.text))
        return response.json()

    def _get(self, route: str, **params: Any) -> dict[str, Any]:
        response = self.http.get(
            f"{self.url}/_standin/{route}",
            params=params,
            timeout=self.timeout + float(params.get("timeout", 0)),
        )
        response.raise_for_status()
        return response.json()

    def user(
        self,
        user_id: int,
        *,
        first_name: str = "Alex",
        username: str | None = None,
        language_code: str | None = "en",
    ) -> ChatUser:
        info: dict[str, Any] = {"id": user_id, "first_name": first_name}
        if username:
            info["username"] = username
        if language_code:
            info["language_code"] = language_code
        return ChatUser(self, info)

    def upload(self, data: bytes, *, folder: str, suffix: str = "") -> dict[str, Any]:
        response = self.http.post(
            f"{self.url}/_standin/files",
            params={"folder": folder, "suffix": suffix},
            data=data,
            headers={"Content-Type": "application/octet-stream"},
            timeout=self.timeout,
        )
        response.raise_for_status()
        return response.json()

    def commands(self) -> dict[str, list[dict[str, str]]]:
        return self._get("commands")["commands"]

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        return self._get("calls", **({"method": method} if method else {}))["calls"]

    def callback_answers(self) -> dict[str, dict[str, Any]]:
        return self._get("callback-answers")["answers"]

    def webhook(self) -> dict[str, Any]:
        return self._get("webhook")

    def flood(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        """The next ``times`` calls of ``method`` answer 429 with ``retry_after``."""
        self._post("flood", {"method": method, "times": times, "retry_after": retry_after})

    def bot_ready(self) -> bool:
        return self.http.get(f"{self.url}/_standin/bot-ready", timeout=self.timeout).ok

    def wait_bot_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.bot_ready():
                return
            time.sleep(0.1)
        raise StandinError(f"the bot did not connect within {timeout:.0f}s")


class StandinError(RuntimeError):
    """The stand-in refused a driver request."""


@dataclass
class ChatUser:
    """One Telegram user in a private chat with the bot."""

    driver: Driver
    info: dict[str, Any]
    last_seq: int = 0
    seen: list[SentMessage] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.info["id"])

    # --- what the user does ---

    def _message(self, fields: dict[str, Any]) -> int:
        return int(
            self.driver._post("messages", {"user": self.info, "message": fields})["message_id"]
        )

    def send_text(self, text: str) -> int:
        return self._message({"text": text})

    def send_photo(
        self,
        data: bytes,
        *,
        caption: str | None = None,
        media_group_id: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> int:
        full = self.driver.upload(data, folder="photos", suffix=".jpg")
        thumb = self.driver.upload(data[:64], folder="photos", suffix=".jpg")
        fields: dict[str, Any] = {
            "photo": [
                {
                    "file_id": thumb["file_id"],
                    "file_unique_id": thumb["file_unique_id"],
                    "width": 90,
                    "height": 60,
                    "file_size": thumb["file_size"],
                },
                {
                    "file_id": full["file_id"],
                    "file_unique_id": full["file_unique_id"],
                    "width": 1280,
                    "height": 853,
                    "file_size": full["file_size"],
                },
            ],
            **(extra or {}),
        }
        if caption:
            fields["caption"] = caption
        if media_group_id:
            fields["media_group_id"] = media_group_id
        return self._message(fields)

    def send_document(
        self,
        data: bytes,
        *,
        filename: str,
        mime_type: str | None,
        caption: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> int:
        extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
        # Only an extension Telegram would keep in a file path (a fuzzed name may end in a lone
        # surrogate or a slash, which no URL or file name can carry).
        suffix = "." + extension if extension.isascii() and extension.isalnum() else ""
        stored = self.driver.upload(data, folder="documents", suffix=suffix[:16])
        document: dict[str, Any] = {
            "file_id": stored["file_id"],
            "file_unique_id": stored["file_unique_id"],
            "file_name": filename,
            "file_size": stored["file_size"],
        }
        if mime_type:
            document["mime_type"] = mime_type
        fields: dict[str, Any] = {"document": document, **(extra or {})}
        if caption:
            fields["caption"] = caption
        return self._message(fields)

    def send_voice(self, data: bytes, *, duration: int = 3) -> int:
        stored = self.driver.upload(data, folder="voice", suffix=".oga")
        return self._message(
            {
                "voice": {
                    "file_id": stored["file_id"],
                    "file_unique_id": stored["file_unique_id"],
                    "duration": duration,
                    "mime_type": "audio/ogg",
                    "file_size": stored["file_size"],
                }
            }
        )

    def forward_text(self, text: str, *, origin: dict[str, Any]) -> int:
        """A message forwarded from elsewhere; see ``origin_user`` and ``origin_hidden_user``."""
        return self._message({"text": text, "forward_origin": origin})

    def share_contact(
        self, phone_number: str, *, own: bool = True, first_name: str | None = None
    ) -> int:
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": first_name or self.info["first_name"],
        }
        if own:
            contact["user_id"] = self.id
        return self._message({"contact": contact})

    def press(self, message: SentMessage, title: str | int) -> str:
        """Taps the inline button with ``title`` (or at index ``title``) on ``message``."""
        buttons = message.buttons
        if isinstance(title, int):
            data = buttons[title][1]
        else:
            matching = [d for t, d in buttons if t == title] or [
                d for t, d in buttons if title.lower() in t.lower()
            ]
            if not matching:
                raise StandinError(f"no button {title!r} in {[t for t, _ in buttons]}")
            data = matching[0]
        answer = self.driver._post(
            "press", {"user": self.info, "message_id": message.message_id, "data": data}
        )
        return str(answer["callback_query_id"])

    def block(self, blocked: bool = True) -> None:
        self.driver._post("block", {"chat_id": self.id, "blocked": blocked})

    # --- what the user sees ---

    def poll(self, timeout: float = 0.0) -> list[SentMessage]:
        """Messages the bot sent since the last read (waits up to ``timeout`` for one)."""
        found = self.driver._get(f"chats/{self.id}/messages", after=self.last_seq, timeout=timeout)[
            "messages"
        ]
        messages = [SentMessage.from_record(m) for m in found]
        if messages:
            self.last_seq = messages[-1].seq
            self.seen.extend(messages)
        return messages

    def replies(self, *, timeout: float = 20.0, quiet: float = 0.8) -> list[SentMessage]:
        """Everything the bot says next: waits for a first message, then until it goes quiet."""
        first = self.poll(timeout)
        if not first:
            return []
        got = list(first)
        while True:
            more = self.poll(quiet)
            if not more:
                return got
            got.extend(more)

    def wait_for(
        self, match: str | Callable[[SentMessage], bool], *, timeout: float = 20.0
    ) -> list[SentMessage]:
        """Reads until a message matches (a substring or a predicate); returns all read."""
        test = match if callable(match) else (lambda m: match in m.body)
        got: list[SentMessage] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            batch = self.poll(min(1.0, max(0.0, deadline - time.monotonic())))
            got.extend(batch)
            if any(test(m) for m in batch):
                return got
        raise StandinError(
            f"no message matching {match!r} within {timeout:.0f}s; got {[m.body[:80] for m in got]}"
        )

    def message(self, message_id: int) -> SentMessage:
        """The current state of one of the bot's messages (its keyboard may have changed)."""
        found = self.driver._get(f"chats/{self.id}/messages", after=0, timeout=0)["messages"]
        for record in found:
            if record["message_id"] == message_id:
                return SentMessage.from_record(record)
        raise StandinError(f"no bot message {message_id} in chat {self.id}")

    def chat_actions(self) -> list[str]:
        return [a["action"] for a in self.driver._get(f"chats/{self.id}/actions")["actions"]]


def origin_user(
    user_id: int, first_name: str, *, username: str | None = None, date: datetime | None = None
) -> dict[str, Any]:
    sender: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        sender["username"] = username
    return {"type": "user", "sender_user": sender, "date": unix(date)}


def origin_hidden_user(name: str, *, date: datetime | None = None) -> dict[str, Any]:
    return {"type": "hidden_user", "sender_user_name": name, "date": unix(date)}


def origin_channel(
    chat_id: int, title: str, message_id: int, *, date: datetime | None = None
) -> dict[str, Any]:
    return {
        "type": "channel",
        "chat": {"id": chat_id, "type": "channel", "title": title},
        "message_id": message_id,
        "date": unix(date),
    }
