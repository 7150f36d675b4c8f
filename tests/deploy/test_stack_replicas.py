"""`scamreport stack run --replicas N` on this machine, and the kill test.

Two real Rasa replicas with the deployment endpoints (tracker store on this machine's
PostgreSQL, lock store on its Redis), a real action server, behind Debian's HAProxy with the
bundle's configuration. Conversations spread over both replicas; one replica is killed
(SIGKILL) in the middle of them; every conversation goes on with its history, no turn lost and
none counted twice.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from scamreport.cli.stack_replicated import ReplicatedStack, servers_up
from scamreport.settings import RASA_AUTH_TOKEN, RASA_CHANNEL_TOKEN
from scamreport.storage.database import upgrade_database
from tests.rasa_rest import RasaClient

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

SENDERS = [f"{index:02d}" + "cd" * 31 for index in range(8)]
TURNS = (
    "hello",
    "someone called saying he was from the police and I paid S$1,200",
    "yesterday",
)


@pytest.fixture(scope="module")
def replicated(
    tmp_path_factory: pytest.TempPathFactory, postgres_database_factory: Callable[[], str]
) -> Iterator[ReplicatedStack]:
    database_url = postgres_database_factory()
    upgrade_database(database_url)
    stack = ReplicatedStack(
        data_dir=Path(tmp_path_factory.mktemp("replicated")),
        replicas=2,
        action_servers=1,
        database_url=database_url,
        extra_env={"TRACKER_STORE_URL": postgres_database_factory()},
    )
    try:
        stack.start_assistant()
        yield stack
    finally:
        stack.stop()


def sessions_per_replica(stack: ReplicatedStack) -> dict[str, int]:
    text = requests.get(stack.metrics_url, timeout=5).text
    pattern = r'^haproxy_server_sessions_total\{proxy="rasa",server="([^"]+)"\} (\d+)$'
    return {server: int(count) for server, count in re.findall(pattern, text, re.M)}


def user_texts(stack: ReplicatedStack, sender: str) -> list[str]:
    """The user messages in ``sender``'s tracker, read through HAProxy from whichever replica."""
    response = requests.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.secrets[RASA_AUTH_TOKEN]},
        timeout=60,
    )
    response.raise_for_status()
    return [e["text"] for e in response.json()["events"] if e["event"] == "user"]


def test_conversations_survive_a_replica_killed_mid_conversation(
    replicated: ReplicatedStack,
) -> None:
    client = RasaClient(
        replicated.rasa_url, channel_token=replicated.secrets[RASA_CHANNEL_TOKEN], timeout=120
    )
    for text in TURNS[:2]:
        for sender in SENDERS:
            assert client.send(sender, text), f"no answer to {text!r} for {sender}"
    before = sessions_per_replica(replicated)
    assert sorted(before) == ["rasa-1", "rasa-2"]
    assert all(count > 0 for count in before.values()), f"both replicas serve: {before}"

    replicated.kill("rasa-1")
    # The next turn of every conversation, at once: HAProxy redispatches what reached the dead
    # replica, and its health checks take it out within a few seconds.
    for sender in SENDERS:
        assert client.send(sender, TURNS[2]), f"no answer after the kill for {sender}"
    deadline = time.monotonic() + 20
    while servers_up(replicated.metrics_url, "rasa") != 1 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert servers_up(replicated.metrics_url, "rasa") == 1, "HAProxy took the dead replica out"

    for sender in SENDERS:
        # Every turn once, in order, whichever replica served it.
        assert user_texts(replicated, sender) == list(TURNS), sender
