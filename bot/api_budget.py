"""The bot's share of Telegram's Bot API budget, and what may be left out when it runs short.

Telegram takes about 30 messages a second from one bot across all its chats
(python-telegram-bot's ``AIORateLimiter`` holds the bot to that). A "typing…" chat action is
a request like any reply, and under load the bot sends one for every slow turn and again every
few seconds while the turn is slow: at 200 reporters at once they were a third of its requests,
each queued ahead of somebody's reply. ``BudgetedRateLimiter`` counts what the bot asks for, and
``typing`` (bot/rendering.py) leaves "typing…" out while the bot is asking for half its budget or
more: a reply always comes first, and a quiet bot still shows "typing…" for a slow answer.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Bot
from telegram.constants import FloodLimit
from telegram.ext import AIORateLimiter

# Requests asked for in the last second at or above which chat actions are left out.
BUSY_REQUESTS_PER_SECOND = FloodLimit.MESSAGES_PER_SECOND // 2
WINDOW_SECONDS = 1.0


class BudgetedRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` that also knows how many requests the bot asked for in the last second
    (asked for, not yet sent: a request waiting in the limiter counts)."""

    __slots__ = ("_asked", "_clock")

    def __init__(self, *, max_retries: int, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(max_retries=max_retries)
        self._asked: deque[float] = deque()
        self._clock = clock

    def _forget_old(self, now: float) -> None:
        while self._asked and now - self._asked[0] >= WINDOW_SECONDS:
            self._asked.popleft()

    def asked_last_second(self) -> int:
        self._forget_old(self._clock())
        return len(self._asked)

    def busy(self) -> bool:
        return self.asked_last_second() >= BUSY_REQUESTS_PER_SECOND

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        now = self._clock()
        self._forget_old(now)
        self._asked.append(now)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


def spare_for_chat_actions(bot: Bot) -> bool:
    """Whether a chat action may be sent now: always, unless the bot's limiter says it is busy."""
    limiter = getattr(bot, "rate_limiter", None)
    return not (isinstance(limiter, BudgetedRateLimiter) and limiter.busy())
