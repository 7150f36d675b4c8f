"""The bot's turn latency: from an update taken up to its handlers done (the reply sent)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import REGISTRY
from telegram import Update

from bot.app import PerUserUpdateProcessor
from bot.state import UserLocks
from scamreport import metrics


class Inbox:
    def __init__(self) -> None:
        self.handled_ids: list[int] = []

    @contextmanager
    def handling(self, update: object) -> Iterator[None]:
        yield

    async def handled(self, update_id: int) -> None:
        self.handled_ids.append(update_id)


async def test_each_handled_update_is_a_turn() -> None:
    inbox = Inbox()
    processor = PerUserUpdateProcessor(UserLocks(), inbox)  # type: ignore[arg-type]
    count = f"{metrics.TURN_SECONDS}_count"
    before = REGISTRY.get_sample_value(count) or 0.0
    total = REGISTRY.get_sample_value(f"{metrics.TURN_SECONDS}_sum") or 0.0
    await processor.do_process_update(Update(update_id=7), asyncio.sleep(0.05))
    assert inbox.handled_ids == [7]
    assert REGISTRY.get_sample_value(count) == before + 1
    assert (REGISTRY.get_sample_value(f"{metrics.TURN_SECONDS}_sum") or 0.0) - total >= 0.05
