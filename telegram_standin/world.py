"""The state of the pretend Telegram (users, chats, updates, files, what the bot sent) and
the Bot API methods over it, answering with Telegram's own error codes and descriptions.

Thread-safe: every method takes the one lock (``cond``). getUpdates and the webhook delivery
wait on ``cond``; a reader of one chat's bot messages waits on that chat's own condition (over
the same lock), so a message wakes only the readers of its chat, and each finds what is new by
bisecting that chat's messages instead of scanning every message the bot ever sent.
"""

from __future__ import annotations

import bisect
import copy
import itertools
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_MESSAGE_UTF16 = 4096
MAX_CAPTION_UTF16 = 1024
MAX_CALLBACK_DATA_BYTES = 64
# getFile refuses files larger than this ("file is too big").
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
LONG_POLL_CAP_SECONDS = 50.0

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_COMMAND_AT_START = re.compile(r"^/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?")
_HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)[^>]*>")
_HTML_ALLOWED = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_MARKDOWN_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def utf16_length(text: str) -> int:
    """Telegram measures text in UTF-16 code units (an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity Telegram adds to a message that starts with a command."""
    match = _COMMAND_AT_START.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_length(match.group(0))}]


def check_formatting(text: str, parse_mode: str | None) -> None:
    """Refuses text that Telegram could not parse in ``parse_mode`` (a useful subset)."""
    if not parse_mode:
        return
    mode = parse_mode.lower()
    if mode == "html":
        for match in _HTML_TAG.finditer(text):
            if match.group(1).lower() not in _HTML_ALLOWED:
                raise bad_request(
                    "can't parse entities: Unsupported start tag "
                    f'"{match.group(1)}" at byte offset {match.start()}'
                )
        stripped = _HTML_TAG.sub("", text)
        if "<" in stripped or ">" in stripped:
            raise bad_request("can't parse entities: Unexpected end of name token")
    elif mode == "markdownv2":
        escaped = False
        for char in text:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char in _MARKDOWN_V2_RESERVED and char not in "*_`~|[]()":
                raise bad_request(
                    f"can't parse entities: Character '{char}' is reserved and must be "
                    "escaped with the preceding '\\'"
                )
    elif mode == "markdown":
        for marker in "*_`":
            if text.count(marker) % 2:
                raise bad_request("can't parse entities: Can't find end of the entity")
    else:
        raise bad_request("unsupported parse_mode")


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array'
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                    raise bad_request("BUTTON_TEXT_INVALID")
                actions = [
                    k for k in ("callback_data", "url", "switch_inline_query") if k in button
                ]
                if len(actions) != 1:
                    raise bad_request("BUTTON_TYPE_INVALID")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
    elif "keyboard" in markup:
        for row in markup["keyboard"]:
            for button in row:
                text = button if isinstance(button, str) else button.get("text")
                if not text:
                    raise bad_request("BUTTON_TEXT_INVALID")
    elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str


@dataclass
class Flood:
    times: int
    retry_after: int


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class FakeTelegram:
    """Everything the pretend Telegram knows. Create one per server."""

    token: str
    bot_id: int = 7_000_000_001
    bot_username: str = "scamreport_standin_bot"
    clock: Callable[[], float] = time.time
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    # Waits for updates and webhook changes; built over ``lock`` in __post_init__.
    cond: threading.Condition = field(init=False, repr=False)
    updates: list[dict[str, Any]] = field(default_factory=list)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    bot_messages: list[dict[str, Any]] = field(default_factory=list)
    chat_actions: list[dict[str, Any]] = field(default_factory=list)
    callback_queries: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    commands: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    webhook: Webhook | None = None
    floods: dict[str, Flood] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)
    last_poll_at: float | None = None
    closing: bool = False
    _next_update_id: itertools.count = field(default_factory=lambda: itertools.count(100_001))
    _next_message_id: dict[int, int] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    # chat id -> that chat's records in bot_messages (ascending seq), its seqs, its condition.
    _chat_records: dict[int, list[dict[str, Any]]] = field(default_factory=dict, repr=False)
    _chat_seqs: dict[int, list[int]] = field(default_factory=dict, repr=False)
    _chat_conds: dict[int, threading.Condition] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.cond = threading.Condition(self.lock)

    # --- helpers (call with the lock held) ---

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Scam report assistant",
            "username": self.bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _now(self) -> int:
        return int(self.clock())

    def _chat(self, user: dict[str, Any]) -> dict[str, Any]:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        if user.get("username"):
            chat["username"] = user["username"]
        return chat

    def _message_id(self, chat_id: int) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def _private_chat(self, chat_id: Any) -> int:
        try:
            chat = int(chat_id)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        if chat not in self.users:
            raise bad_request("chat not found")
        if chat in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _queue_update(self, update: dict[str, Any]) -> int:
        update_id = next(self._next_update_id)
        self.updates.append({"update_id": update_id, **update})
        self.cond.notify_all()
        return update_id

    def _chat_cond(self, chat_id: int) -> threading.Condition:
        cond = self._chat_conds.get(chat_id)
        if cond is None:
            cond = self._chat_conds[chat_id] = threading.Condition(self.lock)
        return cond

    def _record_bot_message(
        self, method: str, message: dict[str, Any], extra: dict[str, Any]
    ) -> None:
        chat_id = message["chat"]["id"]
        self.messages[(chat_id, message["message_id"])] = message
        record = {
            "seq": len(self.bot_messages) + 1,
            "method": method,
            "chat_id": chat_id,
            "message_id": message["message_id"],
            "date": message["date"],
            "text": message.get("text"),
            "caption": message.get("caption"),
            **extra,
        }
        self.bot_messages.append(record)
        self._chat_records.setdefault(chat_id, []).append(record)
        self._chat_seqs.setdefault(chat_id, []).append(record["seq"])
        self._chat_cond(chat_id).notify_all()

    # --- Bot API methods ---

    def call(self, method: str, params: dict[str, Any]) -> Any:
        """Runs Bot API ``method`` (case-insensitive, as Telegram treats it)."""
        handler = _METHODS.get(method.lower())
        with self.cond:
            self.calls.append({"method": method, "time": self.clock(), "ok": False})
            record = self.calls[-1]
            if handler is None:
                record["error_code"] = 404
                raise ApiError(404, "Not Found")
            flood = self.floods.get(handler.__name__)
            if flood and flood.times > 0:
                flood.times -= 1
                record["error_code"] = 429
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {flood.retry_after}",
                    retry_after=flood.retry_after,
                )
            try:
                result = handler(self, params)
            except ApiError as error:
                record["error_code"] = error.code
                raise
            record["ok"] = True
            return result

    def getMe(self, params: dict[str, Any]) -> Any:  # noqa: N802 - Telegram's method names
        return self.bot_user()

    def logOut(self, params: dict[str, Any]) -> Any:  # noqa: N802
        return True

    def close(self, params: dict[str, Any]) -> Any:
        return True

    def getUpdates(self, params: dict[str, Any]) -> Any:  # noqa: N802
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = min(LONG_POLL_CAP_SECONDS, float(params.get("timeout") or 0))
        self.last_poll_at = self.clock()
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self.updates and not self.closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self.cond.wait(remaining)
        self.last_poll_at = self.clock()
        return copy.deepcopy(self.updates[:limit])

    def setWebhook(self, params: dict[str, Any]) -> Any:  # noqa: N802
        url = str(params.get("url") or "")
        if not url:
            return self.deleteWebhook(params)
        if not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self.updates.clear()
        self.webhook = Webhook(url=url, secret_token=str(secret) if secret else None)
        self.cond.notify_all()
        return True

    def deleteWebhook(self, params: dict[str, Any]) -> Any:  # noqa: N802
        self.webhook = None
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self.updates.clear()
        self.cond.notify_all()
        return True

    def getWebhookInfo(self, params: dict[str, Any]) -> Any:  # noqa: N802
        info: dict[str, Any] = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if self.webhook and self.webhook.last_error_date:
            info["last_error_date"] = self.webhook.last_error_date
            info["last_error_message"] = self.webhook.last_error_message
        return info

    def setMyCommands(self, params: dict[str, Any]) -> Any:  # noqa: N802
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            description = str(command.get("description", "")) if isinstance(command, dict) else ""
            if not _COMMAND_NAME.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        scope = params.get("scope") or {"type": "default"}
        key = f"{scope.get('type', 'default')}/{params.get('language_code') or ''}"
        self.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def getMyCommands(self, params: dict[str, Any]) -> Any:  # noqa: N802
        scope = params.get("scope") or {"type": "default"}
        key = f"{scope.get('type', 'default')}/{params.get('language_code') or ''}"
        return self.commands.get(key, [])

    def deleteMyCommands(self, params: dict[str, Any]) -> Any:  # noqa: N802
        scope = params.get("scope") or {"type": "default"}
        self.commands.pop(
            f"{scope.get('type', 'default')}/{params.get('language_code') or ''}", None
        )
        return True

    def sendChatAction(self, params: dict[str, Any]) -> Any:  # noqa: N802
        chat_id = self._private_chat(params.get("chat_id"))
        action = str(params.get("action") or "")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append({"chat_id": chat_id, "action": action, "time": self.clock()})
        return True

    def sendMessage(self, params: dict[str, Any]) -> Any:  # noqa: N802
        chat_id = self._private_chat(params.get("chat_id"))
        text = params.get("text")
        if text is None or not str(text).strip():
            raise bad_request("message text is empty")
        text = str(text)
        if utf16_length(text) > MAX_MESSAGE_UTF16:
            raise bad_request("message is too long")
        parse_mode = params.get("parse_mode")
        check_formatting(text, parse_mode)
        markup = check_reply_markup(params.get("reply_markup"))
        message = self._bot_message(chat_id, markup)
        message["text"] = text
        self._record_bot_message(
            "sendMessage",
            message,
            {
                "parse_mode": parse_mode,
                "reply_markup": markup,
                "link_preview_options": params.get("link_preview_options"),
            },
        )
        return copy.deepcopy(message)

    def sendPhoto(self, params: dict[str, Any]) -> Any:  # noqa: N802
        chat_id = self._private_chat(params.get("chat_id"))
        photo = params.get("photo")
        if isinstance(photo, bytes):
            stored = self._store(photo, "photos", ".jpg")
            source = stored.file_id
        elif isinstance(photo, str) and (
            photo.startswith(("http://", "https://")) or photo in self.files
        ):
            source = photo
        else:
            raise bad_request("wrong remote file identifier specified: Wrong string length")
        caption = params.get("caption")
        if caption is not None and utf16_length(str(caption)) > MAX_CAPTION_UTF16:
            raise bad_request("message caption is too long")
        check_formatting(str(caption or ""), params.get("parse_mode"))
        markup = check_reply_markup(params.get("reply_markup"))
        message = self._bot_message(chat_id, markup)
        file_id = source if source in self.files else f"remote-{next(self._ids)}"
        message["photo"] = [
            {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 800, "height": 600}
        ]
        if caption:
            message["caption"] = str(caption)
        self._record_bot_message(
            "sendPhoto",
            message,
            {"photo": source, "parse_mode": params.get("parse_mode"), "reply_markup": markup},
        )
        return copy.deepcopy(message)

    def _bot_message(self, chat_id: int, markup: dict[str, Any] | None) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self._message_id(chat_id),
            "from": self.bot_user(),
            "chat": self._chat(self.users[chat_id]),
            "date": self._now(),
        }
        # Telegram echoes only inline keyboards in the returned message.
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message

    def answerCallbackQuery(self, params: dict[str, Any]) -> Any:  # noqa: N802
        query = self.callback_queries.get(str(params.get("callback_query_id")))
        if query is None or query["answered"]:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        query["answered"] = True
        query["answer"] = {
            "text": params.get("text"),
            "show_alert": params.get("show_alert") in (True, "true", "True"),
            "time": self.clock(),
        }
        self.cond.notify_all()
        return True

    def editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:  # noqa: N802
        if params.get("inline_message_id"):
            raise bad_request("message to edit not found")
        chat_id = self._private_chat(params.get("chat_id"))
        try:
            message = self.messages[(chat_id, int(params.get("message_id") or 0))]
        except (KeyError, ValueError):
            raise bad_request("message to edit not found") from None
        if message["from"]["id"] != self.bot_id:
            raise bad_request("message can't be edited")
        markup = check_reply_markup(params.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        if markup == message.get("reply_markup") or (
            not markup and not message.get("reply_markup")
        ):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = self._now()
        for record in self._chat_records.get(chat_id, ()):
            if record["message_id"] == message["message_id"]:
                record["reply_markup"] = markup
                record["edited"] = record.get("edited", 0) + 1
        self._chat_cond(chat_id).notify_all()
        return copy.deepcopy(message)

    def getFile(self, params: dict[str, Any]) -> Any:  # noqa: N802
        stored = self.files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    # --- the users' side (the driver) ---

    def _store(self, data: bytes, folder: str, suffix: str) -> StoredFile:
        number = next(self._ids)
        file_id = f"F{number:06d}-{len(data)}"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=f"U{number:06d}",
            data=data,
            file_path=f"{folder}/file_{number}{suffix}",
        )
        self.files[file_id] = stored
        return stored

    def upload(self, data: bytes, *, folder: str, suffix: str) -> StoredFile:
        with self.cond:
            return self._store(data, folder, suffix)

    def file_by_path(self, file_path: str) -> StoredFile | None:
        with self.cond:
            for stored in self.files.values():
                if stored.file_path == file_path:
                    return stored
        return None

    def register_user(self, user: dict[str, Any]) -> dict[str, Any]:
        with self.cond:
            known = {
                "id": int(user["id"]),
                "is_bot": False,
                "first_name": user.get("first_name") or "User",
            }
            for name in ("last_name", "username", "language_code"):
                if user.get(name):
                    known[name] = user[name]
            self.users[known["id"]] = known
            return known

    def user_message(self, user: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
        """Queues a message from ``user``; ``fields`` are Telegram Message fields."""
        known = self.register_user(user)
        with self.cond:
            chat_id = known["id"]
            message: dict[str, Any] = {
                "message_id": self._message_id(chat_id),
                "from": known,
                "chat": self._chat(known),
                "date": self._now(),
                **copy.deepcopy(fields),
            }
            if "text" in message and "entities" not in message:
                entities = command_entities(message["text"])
                if entities:
                    message["entities"] = entities
            self.messages[(chat_id, message["message_id"])] = message
            update_id = self._queue_update({"message": message})
            return {"update_id": update_id, "message_id": message["message_id"]}

    def press(self, user: dict[str, Any], message_id: int, callback_data: str) -> dict[str, Any]:
        """Queues a callback query, as a client does when a shown inline button is tapped."""
        known = self.register_user(user)
        with self.cond:
            message = self.messages.get((known["id"], int(message_id)))
            buttons = [
                button
                for row in ((message or {}).get("reply_markup") or {}).get("inline_keyboard", [])
                for button in row
            ]
            if not any(b.get("callback_data") == callback_data for b in buttons):
                raise bad_request("no such button on that message (any more)")
            query_id = str(8_000_000_000_000 + next(self._ids))
            self.callback_queries[query_id] = {"answered": False, "answer": None}
            update_id = self._queue_update(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": known,
                        "message": copy.deepcopy(message),
                        "chat_instance": f"ci{known['id']}",
                        "data": callback_data,
                    }
                }
            )
            return {"update_id": update_id, "callback_query_id": query_id}

    def messages_after(self, chat_id: int, after: int, timeout: float) -> list[dict[str, Any]]:
        """The bot's messages to ``chat_id`` with seq > ``after``, waiting up to ``timeout``
        for the first one (woken only by messages to this chat)."""
        deadline = time.monotonic() + min(timeout, LONG_POLL_CAP_SECONDS)
        with self.lock:
            cond = self._chat_cond(chat_id)
            while not self.closing:
                seqs = self._chat_seqs.get(chat_id, [])
                start = bisect.bisect_right(seqs, after)
                remaining = deadline - time.monotonic()
                if start < len(seqs) or remaining <= 0:
                    return copy.deepcopy(self._chat_records.get(chat_id, [])[start:])
                cond.wait(remaining)
            return []

    def next_webhook_delivery(self, timeout: float) -> tuple[Webhook, dict[str, Any]] | None:
        with self.cond:
            if self.webhook is None or not self.updates:
                self.cond.wait(timeout)
            if self.webhook is None or not self.updates or self.closing:
                return None
            return self.webhook, copy.deepcopy(self.updates[0])

    def webhook_delivered(self, update_id: int, error: str | None) -> None:
        with self.cond:
            if error is None:
                self.updates = [u for u in self.updates if u["update_id"] != update_id]
            elif self.webhook is not None:
                self.webhook.last_error_date = self._now()
                self.webhook.last_error_message = error
            self.cond.notify_all()

    def shut(self) -> None:
        with self.cond:
            self.closing = True
            self.cond.notify_all()
            for cond in self._chat_conds.values():
                cond.notify_all()


_METHODS: dict[str, Callable[[FakeTelegram, dict[str, Any]], Any]] = {
    name.lower(): getattr(FakeTelegram, name)
    for name in (
        "getMe",
        "logOut",
        "close",
        "getUpdates",
        "setWebhook",
        "deleteWebhook",
        "getWebhookInfo",
        "setMyCommands",
        "getMyCommands",
        "deleteMyCommands",
        "sendChatAction",
        "sendMessage",
        "sendPhoto",
        "answerCallbackQuery",
        "editMessageReplyMarkup",
        "getFile",
    )
}
