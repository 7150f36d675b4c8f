"""The HTTP side of the stand-in: Telegram's Bot API paths plus a control API for the driver.

- ``POST|GET /bot<token>/<method>``: parameters as a query string, a form, multipart form data
  or JSON, like Telegram; answers ``{"ok": true, "result": ...}`` or Telegram's error body.
- ``GET /file/bot<token>/<file_path>``: file downloads.
- ``/_standin/...``: the driver's control API (inject updates, upload files, read replies).

When a webhook is set, a delivery thread POSTs each update to it as JSON with the
``X-Telegram-Bot-Api-Secret-Token`` header, and getUpdates answers 409 as on Telegram.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import logging
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from telegram_standin.world import ApiError, FakeTelegram, Flood

logger = logging.getLogger(__name__)

# Parameters Telegram reads as JSON when they arrive as form fields.
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "allowed_updates",
        "entities",
        "caption_entities",
    }
)
MAX_BODY_BYTES = 64 * 1024 * 1024


def _decode(name: str, value: Any) -> Any:
    if isinstance(value, str) and name in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
    return value


def parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Form fields as str, file parts as bytes."""
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    message = parser.parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            fields[str(name)] = payload
        else:
            fields[str(name)] = payload.decode(part.get_content_charset() or "utf-8")
    return fields


class StandinHandler(BaseHTTPRequestHandler):
    server: StandinHTTPServer
    protocol_version = "HTTP/1.1"
    # Kept-alive connections: without these, the status line and headers go out in one
    # send and the body in another, and Nagle's algorithm holds the body until the client's
    # delayed ACK (about 40 ms on Linux) for every answer. TCP_NODELAY on the accepted socket,
    # and a buffered writer so headers and body leave in one send (flushed after each request).
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        logger.debug("%s %s", self.address_string(), format % args)

    # --- plumbing ---

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload).encode())

    def _params(self, query: str, body: bytes) -> dict[str, Any]:
        params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        content_type = self.headers.get("Content-Type", "")
        if body:
            if content_type.startswith("application/json"):
                try:
                    loaded = json.loads(body)
                except ValueError:
                    raise ApiError(400, "Bad Request: can't parse JSON") from None
                if not isinstance(loaded, dict):
                    raise ApiError(400, "Bad Request: can't parse JSON")
                params.update(loaded)
            elif content_type.startswith("multipart/form-data"):
                params.update(parse_multipart(content_type, body))
            else:
                params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        return {name: _decode(name, value) for name, value in params.items()}

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        try:
            body = self._body()
            if path.startswith("/_standin/"):
                self._control(path.removeprefix("/_standin/"), url.query, body)
            elif path.startswith("/file/bot"):
                self._download(path.removeprefix("/file/bot"))
            elif path.startswith("/bot"):
                self._api(path.removeprefix("/bot"), url.query, body)
            else:
                self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        except ApiError as error:
            self._json(error.code, error.body())
        except (BrokenPipeError, ConnectionResetError):
            pass

    # --- Bot API ---

    def _api(self, rest: str, query: str, body: bytes) -> None:
        token, _, method = rest.partition("/")
        if token != self.server.world.token:
            raise ApiError(401, "Unauthorized")
        if not method or "/" in method:
            raise ApiError(404, "Not Found")
        result = self.server.world.call(method, self._params(query, body))
        self._json(200, {"ok": True, "result": result})

    def _download(self, rest: str) -> None:
        token, _, file_path = rest.partition("/")
        if token != self.server.world.token:
            raise ApiError(401, "Unauthorized")
        stored = self.server.world.file_by_path(file_path)
        if stored is None:
            raise ApiError(404, "Not Found")
        self._send(200, stored.data, "application/octet-stream")

    # --- the driver's control API ---

    def _control(self, route: str, query: str, body: bytes) -> None:
        world = self.server.world
        args = dict(parse_qsl(query))
        data: dict[str, Any] = {}
        if body and self.headers.get("Content-Type", "").startswith("application/json"):
            data = json.loads(body)
        parts = route.strip("/").split("/")
        if parts == ["health"]:
            self._json(200, {"ok": True})
        elif parts == ["bot-ready"]:
            ready = world.webhook is not None or (
                world.last_poll_at is not None and world.clock() - world.last_poll_at < 60
            )
            self._json(200 if ready else 503, {"ok": ready})
        elif parts == ["files"]:
            stored = world.upload(
                body, folder=args.get("folder", "documents"), suffix=args.get("suffix", "")
            )
            self._json(
                200,
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(stored.data),
                    "file_path": stored.file_path,
                },
            )
        elif parts == ["messages"]:
            self._json(200, world.user_message(data["user"], data["message"]))
        elif parts == ["press"]:
            self._json(200, world.press(data["user"], int(data["message_id"]), str(data["data"])))
        elif len(parts) == 3 and parts[0] == "chats" and parts[2] == "messages":
            found = world.messages_after(
                int(parts[1]), int(args.get("after", 0)), float(args.get("timeout", 0))
            )
            self._json(200, {"messages": found})
        elif len(parts) == 3 and parts[0] == "chats" and parts[2] == "actions":
            with world.cond:
                actions = [a for a in world.chat_actions if a["chat_id"] == int(parts[1])]
            self._json(200, {"actions": actions})
        elif parts == ["callback-answers"]:
            with world.cond:
                self._json(200, {"answers": dict(world.callback_queries)})
        elif parts == ["commands"]:
            with world.cond:
                self._json(200, {"commands": dict(world.commands)})
        elif parts == ["calls"]:
            with world.cond:
                calls = [
                    c
                    for c in world.calls
                    if c["method"].lower() == args.get("method", c["method"]).lower()
                ]
            self._json(200, {"calls": calls})
        elif parts == ["flood"]:
            with world.cond:
                world.floods[str(data["method"])] = Flood(
                    times=int(data.get("times", 1)), retry_after=int(data.get("retry_after", 1))
                )
            self._json(200, {"ok": True})
        elif parts == ["block"]:
            with world.cond:
                chat_id = int(data["chat_id"])
                if data.get("blocked", True):
                    world.blocked.add(chat_id)
                else:
                    world.blocked.discard(chat_id)
            self._json(200, {"ok": True})
        elif parts == ["webhook"]:
            with world.cond:
                hook = world.webhook
                self._json(
                    200,
                    {
                        "url": hook.url if hook else None,
                        "has_secret": bool(hook and hook.secret_token),
                        "pending": len(world.updates),
                        "last_error": hook.last_error_message if hook else None,
                    },
                )
        else:
            self._json(404, {"ok": False, "description": f"no control route {route!r}"})


class StandinHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # Many long polls and the driver's waits run at once.
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], world: FakeTelegram) -> None:
        super().__init__(address, StandinHandler)
        self.world = world


def deliver_webhooks(world: FakeTelegram, stop: threading.Event) -> None:
    """POSTs queued updates, one at a time and in order, to the webhook while one is set."""
    while not stop.is_set():
        delivery = world.next_webhook_delivery(timeout=0.5)
        if delivery is None:
            continue
        hook, update = delivery
        request = urllib.request.Request(
            hook.url,
            data=json.dumps(update).encode(),
            headers={
                "Content-Type": "application/json",
                **(
                    {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token}
                    if hook.secret_token
                    else {}
                ),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
                response.read()
            world.webhook_delivered(update["update_id"], None)
        except (urllib.error.URLError, OSError) as error:
            world.webhook_delivered(update["update_id"], str(error))
            stop.wait(0.5)


class StandinServer:
    """The stand-in on a free (or given) loopback port, served from background threads."""

    def __init__(self, *, token: str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.world = FakeTelegram(token=token)
        self.httpd = StandinHTTPServer((host, port), self.world)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """What python-telegram-bot takes as ``base_url``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    def start(self) -> StandinServer:
        for target, args in (
            (self.httpd.serve_forever, (0.2,)),
            (deliver_webhooks, (self.world, self._stop)),
        ):
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def serve_forever(self) -> None:
        """Runs in the calling thread until interrupted (the command line)."""
        deliverer = threading.Thread(
            target=deliver_webhooks, args=(self.world, self._stop), daemon=True
        )
        deliverer.start()
        try:
            self.httpd.serve_forever(0.2)
        finally:
            self._stop.set()
            self.world.shut()
            self.httpd.server_close()

    def stop(self) -> None:
        self._stop.set()
        self.world.shut()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> StandinServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
