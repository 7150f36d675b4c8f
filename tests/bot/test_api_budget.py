"""Replies before "typing…": the bot leaves chat actions out while its Bot API budget runs short."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bot.api_budget import BUSY_REQUESTS_PER_SECOND, BudgetedRateLimiter
from bot.rendering import TYPING_DELAY_SECONDS
from telegram_standin.driver import ChatUser, Driver
from tests.bot.conftest import BotRunner, agree
from tests.bot.fake_rasa import FakeRasa


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_limiter_counts_what_was_asked_for_in_the_last_second() -> None:
    clock = Clock()
    limiter = BudgetedRateLimiter(max_retries=0, clock=clock)

    async def answer() -> bool:
        return True

    async def ask(times: int) -> list[Any]:
        return [
            await limiter.process_request(answer, (), {}, "sendMessage", {"chat_id": 1}, None)
            for _ in range(times)
        ]

    async def scenario() -> None:
        assert await ask(BUSY_REQUESTS_PER_SECOND - 1) == [True] * (BUSY_REQUESTS_PER_SECOND - 1)
        assert not limiter.busy()
        await ask(1)
        assert limiter.busy()
        assert limiter.asked_last_second() == BUSY_REQUESTS_PER_SECOND
        clock.now += 1.0
        assert limiter.asked_last_second() == 0 and not limiter.busy()

    asyncio.run(scenario())


def test_many_slow_answers_at_once_get_their_replies_and_fewer_typing_actions(
    driver: Driver, bot: BotRunner, fake_rasa: FakeRasa
) -> None:
    users: list[ChatUser] = [
        driver.user(5_560_000 + n, first_name=f"User{n}")
        for n in range(BUSY_REQUESTS_PER_SECOND * 2)
    ]
    for user in users:
        agree(user)
    fake_rasa.delay = TYPING_DELAY_SECONDS + 1.0
    with ThreadPoolExecutor(len(users)) as pool:
        list(pool.map(lambda user: user.send_text("hello"), users))
        answered = list(pool.map(lambda user: user.replies(timeout=60), users))
    assert all(reply and reply[-1].body for reply in answered)
    typing = sum(user.chat_actions().count("typing") for user in users)
    # Each of the 30 slow turns would have shown "typing…" once; the bot stopped at its half of
    # the budget (the replies and consent keyboards of the moment count too).
    assert 0 < typing < len(users)
