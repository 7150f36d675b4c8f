"""A pass-through HTTP proxy between Rasa and the action server that can strike at one exact
moment: when the action server's answer to a given action is on its way back to Rasa.

That is the moment a SIGKILL does most harm (the action's work is committed, Rasa never hears
of it), and a kill timed from outside hits it only by luck; here it is hit every time.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

Strike = Callable[[], None]


class ActionProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, target_url: str) -> None:
        self.target_url = target_url.rstrip("/")
        self._armed: tuple[str, Strike] | None = None
        self._lock = threading.Lock()
        self.struck = threading.Event()
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def arm(self, action: str, strike: Strike) -> None:
        """The next answer to ``action``: run ``strike`` and drop the answer instead of passing
        it on (Rasa sees the connection close, as when the action server dies)."""
        with self._lock:
            self.struck.clear()
            self._armed = (action, strike)

    def take(self, action: str | None) -> Strike | None:
        with self._lock:
            if self._armed is None or self._armed[0] != action:
                return None
            strike = self._armed[1]
            self._armed = None
            return strike

    def start(self) -> ActionProxy:
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()
        return self


class _Handler(BaseHTTPRequestHandler):
    server: ActionProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def _forward(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host",)}
        try:
            answer = requests.request(
                method, self.server.target_url + self.path, data=body, headers=headers, timeout=300
            )
        except requests.RequestException:
            self._drop()
            return
        strike = self.server.take(_action_name(body)) if method == "POST" else None
        if strike is not None:
            strike()
            self.server.struck.set()
            self._drop()
            return
        self.send_response(answer.status_code)
        for name in ("Content-Type",):
            if name in answer.headers:
                self.send_header(name, answer.headers[name])
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def do_GET(self) -> None:
        self._forward("GET")

    def do_POST(self) -> None:
        self._forward("POST")


def _action_name(body: bytes) -> str | None:
    try:
        document = json.loads(body)
    except ValueError:
        return None
    return document.get("next_action") if isinstance(document, dict) else None
