"""Answers on a kept-alive connection are not held back by Nagle's algorithm, and a reader
waiting for one chat's messages is woken only by that chat's messages."""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time

from telegram_standin.server import StandinServer
from telegram_standin.world import FakeTelegram

TOKEN = "111:standin-test"


def test_kept_alive_answers_are_not_stalled() -> None:
    # With headers and body in two sends and no TCP_NODELAY, every answer after the first few
    # waited for the client's delayed ACK: about 40 ms each (measured 44 ms median).
    with StandinServer(token=TOKEN) as server:
        host, port = server.httpd.server_address[:2]
        connection = http.client.HTTPConnection(host, port, timeout=10)
        times = []
        for _ in range(30):
            started = time.perf_counter()
            connection.request(
                "POST",
                f"/bot{TOKEN}/getMe",
                body=b"{}",
                headers={"Content-Type": "application/json"},
            )
            answer = connection.getresponse()
            assert json.loads(answer.read())["ok"] is True
            times.append(time.perf_counter() - started)
        connection.close()
    assert statistics.median(times) < 0.02, times


class CountingCondition(threading.Condition):
    def __init__(self, lock: threading.RLock) -> None:
        super().__init__(lock)
        self.waits = 0

    def wait(self, timeout: float | None = None) -> bool:
        self.waits += 1
        return super().wait(timeout)


def test_a_chat_reader_wakes_only_for_its_own_chat() -> None:
    world = FakeTelegram(token=TOKEN)
    for user_id in (1, 2):
        world.register_user({"id": user_id, "first_name": f"U{user_id}"})
    counting = world._chat_conds[1] = CountingCondition(world.lock)
    found: list[list[dict]] = []
    reader = threading.Thread(target=lambda: found.append(world.messages_after(1, 0, 10)))
    reader.start()
    time.sleep(0.1)
    for number in range(20):
        world.call("sendMessage", {"chat_id": 2, "text": f"to two {number}"})
    time.sleep(0.1)
    world.call("sendMessage", {"chat_id": 1, "text": "to one"})
    reader.join(timeout=5)
    assert [m["text"] for m in found[0]] == ["to one"]
    assert counting.waits == 1  # twenty messages to chat 2 never woke it
    # What is new is found after a given seq, in order, for each chat alone.
    world.call("sendMessage", {"chat_id": 1, "text": "again"})
    seq = found[0][0]["seq"]
    assert [m["text"] for m in world.messages_after(1, seq, 0)] == ["again"]
    assert [m["text"] for m in world.messages_after(2, 0, 0)][-1] == "to two 19"
    assert world.messages_after(2, world.bot_messages[-1]["seq"], 0) == []


def test_shutting_down_wakes_chat_readers() -> None:
    world = FakeTelegram(token=TOKEN)
    world.register_user({"id": 1, "first_name": "U"})
    found: list[list[dict]] = []
    reader = threading.Thread(target=lambda: found.append(world.messages_after(1, 0, 30)))
    reader.start()
    time.sleep(0.1)
    started = time.monotonic()
    world.shut()
    reader.join(timeout=5)
    assert found == [[]] and time.monotonic() - started < 2
