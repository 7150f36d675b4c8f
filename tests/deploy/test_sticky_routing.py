"""The bundle's HAProxy (deploy/k8s/base/haproxy.cfg) keeps a conversation on one Rasa replica
while that replica is up, and moves only the dead replica's conversations when it dies.

Real processes on loopback: Debian's haproxy with the bundle's configuration (only the DNS
discovery lines are replaced by fixed servers, and the ports by free ones), three small HTTP
servers standing in for Rasa replicas, and the bot's own AsyncRasaClient sending the messages
and reading the trackers.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.rasa_client import AsyncRasaClient
from scamreport.cli.stack import free_port
from scamreport.cli.stack_replicated import haproxy_config, servers_up
from scamreport.settings import PROJECT_ROOT
from tests.deploy.bundle import HAPROXY_CFG, haproxy

SENDERS = [f"{index:02d}" + "ab" * 31 for index in range(40)]  # like the bot's hex pseudonyms


class Replica:
    """A stand-in Rasa replica: records which conversation each request named."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.conversations: list[str] = []
        replica = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                if self.path.startswith("/conversations/"):
                    replica.conversations.append(self.path.split("/")[2])
                    self._answer({"sender_id": self.path.split("/")[2], "events": []})
                else:  # HAProxy's health check: GET /webhooks/rest/
                    self._answer({"status": "ok"})

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                replica.conversations.append(body["sender"])
                self._answer([{"recipient_id": body["sender"], "text": replica.name}])

            def _answer(self, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def replicas() -> Iterator[list[Replica]]:
    started = [Replica(f"rasa{index}") for index in range(1, 4)]
    yield started
    for replica in started:
        if replica.thread.is_alive():
            replica.stop()


@pytest.fixture
def balancer(replicas: list[Replica], tmp_path: Path) -> Iterator[dict[str, int]]:
    ports = {name: free_port() for name in ("rasa", "actions", "bot", "metrics")}
    config = tmp_path / "haproxy.cfg"
    # The bundle's haproxy.cfg with the replicas as fixed servers, as `stack run --replicas` uses it.
    config.write_text(
        haproxy_config(
            HAPROXY_CFG.read_text(), rasa=[r.port for r in replicas], actions=[], ports=ports
        )
    )
    env = {
        "PATH": "/usr/sbin:/usr/bin:/bin",
        "BOT_ADDRESS": "localhost",
    }
    process = subprocess.Popen(
        [haproxy(), "-db", "-f", str(config)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(
            lambda: servers_up(metrics_url(ports), "rasa") == len(replicas), "every replica up"
        )
        yield ports
    finally:
        process.terminate()
        process.wait(timeout=10)


def metrics_url(ports: dict[str, int]) -> str:
    return f"http://127.0.0.1:{ports['metrics']}/metrics"


def wait_until(condition: object, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds:.0f} s: {what}")


def placement(replicas: list[Replica]) -> dict[str, set[str]]:
    """Conversation -> the replicas that received it."""
    where: dict[str, set[str]] = {}
    for replica in replicas:
        for conversation in replica.conversations:
            where.setdefault(conversation, set()).add(replica.name)
    return where


async def converse(port: int, rounds: int) -> None:
    """Every sender sends ``rounds`` messages and reads its tracker, through the bot's client."""
    client = AsyncRasaClient(f"http://127.0.0.1:{port}", channel_token="c" * 32)
    try:
        for _ in range(rounds):
            for sender in SENDERS:
                await client.send(sender, "the police called me")
                response = await client.http.get(client._tracker_url(sender))
                assert response.status_code == 200
    finally:
        await client.aclose()


def test_conversations_stay_on_one_replica_and_move_only_when_it_dies(
    replicas: list[Replica], balancer: dict[str, int]
) -> None:
    asyncio.run(converse(balancer["rasa"], rounds=3))
    before = placement(replicas)
    assert set(before) == set(SENDERS)
    # Messages (hashed by the X-Conversation-Id header) and tracker reads (by the path) of one
    # conversation all reached the same replica, every time.
    assert all(len(names) == 1 for names in before.values()), before
    used = {next(iter(names)) for names in before.values()}
    assert used == {r.name for r in replicas}, "the conversations are spread over every replica"

    dead = replicas[0]
    dead.stop()
    wait_until(
        lambda: servers_up(metrics_url(balancer), "rasa") == len(replicas) - 1, "the kill noticed"
    )
    for replica in replicas:
        replica.conversations.clear()
    asyncio.run(converse(balancer["rasa"], rounds=2))
    after = placement(replicas)
    assert set(after) == set(SENDERS), "no conversation was lost"
    for sender in SENDERS:
        (was,) = before[sender]
        assert len(after[sender]) == 1, (sender, after[sender])
        (now,) = after[sender]
        if was == dead.name:
            assert now != dead.name
        else:
            assert now == was, f"{sender} moved from {was} to {now} though {was} is up"
