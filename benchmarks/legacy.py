"""The stand-in and the agency sink as they were before issue 13's fixes, for before/after runs.

    python -m benchmarks.legacy standin --port 8081 --token 123:ABC
    python -m benchmarks.legacy sink --port 8099 ...      (the `scamreport sink` arguments)

Each undoes, in this process only, what the fix changed: headers and body written in two sends
without TCP_NODELAY (each answer on a kept-alive connection then waits for the client's delayed
ACK), and, in the stand-in, every reader of bot messages woken by every message and rescanning
all of them. The shipped code is not changed; this only lets `make bench` measure the
difference interleaved in one run.
"""

from __future__ import annotations

import copy
import sys
import time
from typing import Any


def _unfix_handler(handler: type) -> None:
    handler.disable_nagle_algorithm = False
    handler.wbufsize = 0


def _scan_all_messages_after(self: Any, chat_id: int, after: int, timeout: float) -> list:
    from telegram_standin.world import LONG_POLL_CAP_SECONDS

    deadline = time.monotonic() + min(timeout, LONG_POLL_CAP_SECONDS)
    with self.cond:
        while not self.closing:
            found = [m for m in self.bot_messages if m["chat_id"] == chat_id and m["seq"] > after]
            remaining = deadline - time.monotonic()
            if found or remaining <= 0:
                return copy.deepcopy(found)
            self.cond.wait(remaining)
        return []


def legacy_standin(argv: list[str]) -> None:
    from telegram_standin import __main__ as standin_main
    from telegram_standin import server, world

    _unfix_handler(server.StandinHandler)
    record = world.FakeTelegram._record_bot_message

    def record_and_wake_everyone(self: Any, *args: Any) -> None:
        record(self, *args)
        self.cond.notify_all()

    world.FakeTelegram._record_bot_message = record_and_wake_everyone  # type: ignore[method-assign]
    world.FakeTelegram.messages_after = _scan_all_messages_after  # type: ignore[method-assign]
    standin_main.main(argv)


def legacy_sink(argv: list[str]) -> int:
    from agency_sink import server as sink
    from scamreport.cli import main as scamreport_main

    _unfix_handler(sink.SinkHandler)
    return scamreport_main(["sink", *argv])


if __name__ == "__main__":
    which, rest = sys.argv[1], sys.argv[2:]
    if which == "standin":
        legacy_standin(rest)
    elif which == "sink":
        sys.exit(legacy_sink(rest))
    else:
        sys.exit(f"unknown: {which}")
