"""A small local stand-in for a MISP instance: what PyMISP reads on connecting and /events/add.

It answers like MISP does: the API key in the Authorization header, 403 with MISP's error
document for a wrong key, 403 "Event already exists" for an event UUID it holds, and the stored
event for a new one. Real HTTP on 127.0.0.1, in a thread.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pymisp
from pymisp.abstract import describe_types

MISP_VERSION = "2.5.0"


@dataclass
class MispState:
    key: str
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    add_requests: int = 0
    # Answer the next N /events/add with 500, as a MISP instance with a broken database does.
    failures_left: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class MispHandler(BaseHTTPRequestHandler):
    server: MispServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass

    def _answer(self, status: int, document: Any) -> None:
        body = json.dumps(document).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") == self.server.state.key:
            return True
        self._answer(
            HTTPStatus.FORBIDDEN,
            {
                "name": "Authentication failed. Please make sure you pass the API key.",
                "message": "Authentication failed.",
                "url": self.path,
            },
        )
        return False

    def do_GET(self) -> None:
        if not self._authorised():
            return
        path = self.path.split("?", 1)[0]
        if path == "/servers/getPyMISPVersion.json":
            self._answer(HTTPStatus.OK, {"version": pymisp.__version__})
        elif path == "/servers/getVersion":
            self._answer(
                HTTPStatus.OK,
                {"version": MISP_VERSION, "pymisp_recommended_version": pymisp.__version__},
            )
        elif path == "/users/view/me":
            self._answer(
                HTTPStatus.OK,
                {
                    "User": {"id": "1", "email": "sync@agency.example", "org_id": "1"},
                    "Role": {"id": "3", "name": "User", "perm_add": True},
                    "UserSetting": [],
                },
            )
        elif path == "/attributes/describeTypes.json":
            self._answer(HTTPStatus.OK, {"result": describe_types})
        else:
            self._answer(HTTPStatus.NOT_FOUND, {"name": "Not found", "message": "Not found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if not self._authorised():
            return
        if self.path.split("?", 1)[0] != "/events/add":
            self._answer(HTTPStatus.NOT_FOUND, {"name": "Not found", "message": "Not found"})
            return
        document = json.loads(body)
        event = document.get("Event", document)
        state = self.server.state
        with state.lock:
            state.add_requests += 1
            if state.failures_left > 0:
                state.failures_left -= 1
                self._answer(HTTPStatus.INTERNAL_SERVER_ERROR, {"name": "Internal error"})
                return
            if event["uuid"] in state.events:
                self._answer(
                    HTTPStatus.FORBIDDEN,
                    {
                        "name": "Event already exists, if you would like to edit it, use the "
                        "url in the location field.",
                        "message": "Event already exists.",
                        "url": "/events/add",
                    },
                )
                return
            stored = dict(event, id=str(len(state.events) + 1))
            state.events[event["uuid"]] = stored
        self._answer(HTTPStatus.OK, {"Event": stored})


class MispServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, state: MispState) -> None:
        super().__init__(("127.0.0.1", 0), MispHandler)
        self.state = state

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def start_misp(key: str) -> MispServer:
    server = MispServer(MispState(key=key))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop_misp(server: MispServer) -> None:
    server.shutdown()
    server.server_close()
