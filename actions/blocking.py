"""Blocking work of the actions, run off the action server's event loop.

The action server runs every conversation's actions on one event loop (Sanic). Reading and
writing the database (SQLAlchemy here is blocking), reading files and running spaCy, the
classifier or the extractors would stop that loop, and with it every other conversation, for
as long as they take. So an action that does any of that runs it on a worker thread, as the
bot does (bot/services.py): the action derives from ``BlockingAction`` and does its work in
``act``, or awaits ``off_loop`` for the blocking part.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

P = ParamSpec("P")
T = TypeVar("T")


async def off_loop(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``work(*args, **kwargs)`` on a worker thread; the event loop serves others meanwhile."""
    return await asyncio.to_thread(work, *args, **kwargs)


class BlockingAction(Action, ABC):
    """An action whose work blocks: rasa_sdk awaits ``run``, which runs ``act`` off the loop.

    ``act`` has the dispatcher and the tracker to itself while it runs (each call gets its
    own), so it may use them as an ``async def run`` would. Abstract, so that rasa_sdk
    registers only its subclasses.
    """

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await off_loop(self.act, dispatcher, tracker, domain)

    @abstractmethod
    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """What ``run`` does, on a worker thread: the events, messages through ``dispatcher``."""
