"""A small stand-in for Rasa's REST channel and tracker API, answering from a script.

It keeps each conversation's events like Rasa's tracker (user events carry the metadata the
bot sent, bot events the replies), so the bot's "did Rasa get it?" checks run against the same
API shape as the real server.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

Script = Callable[[str, str], list[dict[str, Any]]]

LONG_TEXT_PARAGRAPHS = 40


def long_text() -> str:
    return "\n\n".join(
        f"Paragraph {n}: " + " ".join(f"word{n}-{i}" for i in range(40))
        for n in range(1, LONG_TEXT_PARAGRAPHS + 1)
    )


def default_script(sender: str, message: str) -> list[dict[str, Any]]:
    if message == "/greet":
        return [{"text": "Hello. In your own words, what happened?"}]
    if message == "/report_scam":
        return [
            {
                "text": "I'm sorry this happened. Which of these is closest to what happened?",
                "buttons": [
                    {
                        "title": "Someone pretended to be police or an official",
                        "payload": "/report_fake_authority",
                    },
                    {"title": "Something else", "payload": "/report_other_scam"},
                ],
            }
        ]
    if message == "/report_fake_authority":
        return [{"text": "Which country do you live in?"}]
    if message == "/help":
        return [{"text": "I can take your report of a scam step by step."}]
    if message == "/cancel":
        # As the assistant does once the reporter confirmed: the marker makes the bot delete
        # the report's files.
        return [
            {"text": "I've stopped the report and haven't stored anything."},
            {"custom": {"report_cancelled": True}},
        ]
    if message == "/restart":
        return []
    if message == "phone please":
        return [
            {
                "text": "Which phone number should they call? (On Telegram you can tap "
                '"Share my phone number".)'
            }
        ]
    if message == "long please":
        return [{"text": long_text()}]
    if message == "image please":
        return [{"image": "https://example.org/advice.png"}, {"text": "Here is a picture."}]
    if message == "my story":
        # Like the assistant's answer to an opening story: advice, then a question with buttons.
        return [
            {"text": "Please stop: don't send them any more money."},
            {"text": "I'm sorry this happened."},
            {
                "text": "How did they contact you?",
                "buttons": [
                    {"title": "Phone call", "payload": "phone call"},
                    {"title": "SMS", "payload": "sms"},
                ],
            },
        ]
    if message == "swallow":
        return []
    return [{"text": f"You said: {message}"}]


class FakeRasa:
    def __init__(self, script: Script = default_script) -> None:
        self.script = script
        self.received: list[tuple[str, str, dict[str, Any] | None]] = []
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.status = 200
        self.delay = 0.0
        self.lock = threading.Lock()
        self.port = 0
        self.httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def texts_from(self, sender: str) -> list[str]:
        return [message for who, message, _ in self.received if who == sender]

    def start(self) -> FakeRasa:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, payload: Any) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def _body(self) -> Any:
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"null")

            def do_GET(self) -> None:  # noqa: N802
                path = unquote(urlsplit(self.path).path)
                if path.startswith("/conversations/") and path.endswith("/tracker"):
                    sender = path.removeprefix("/conversations/").removesuffix("/tracker")
                    with fake.lock:
                        self._json(
                            200, {"sender_id": sender, "events": list(fake.events.get(sender, []))}
                        )
                elif path in ("/", "/status"):
                    self._json(200, {"ok": True})
                else:
                    self._json(404, {})

            def do_POST(self) -> None:  # noqa: N802
                path = unquote(urlsplit(self.path).path)
                body = self._body()
                if path == "/webhooks/rest/webhook":
                    fake.handle_message(self, body)
                else:
                    self._json(404, {})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, args=(0.1,), daemon=True).start()
        return self

    def handle_message(self, handler: Any, body: dict[str, Any]) -> None:
        sender, message, metadata = body["sender"], body["message"], body.get("metadata")
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            status = self.status
            self.received.append((sender, message, metadata))
            replies = self.script(sender, message) if status == 200 else []
            if status == 200:
                events = self.events.setdefault(sender, [])
                events.append({"event": "user", "text": message, "metadata": metadata or {}})
                for reply in replies:
                    data = {k: reply[k] for k in ("buttons", "image") if k in reply}
                    events.append({"event": "bot", "text": reply.get("text"), "data": data})
        if status != 200:
            handler._json(status, {"error": "simulated failure"})
            return
        handler._json(200, [{"recipient_id": sender, **reply} for reply in replies])

    def stop(self) -> None:
        """Like a crashed Rasa: connections are refused until start() again (same port)."""
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None
