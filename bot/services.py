"""The bot's long-lived resources, built once at start-up and shared by every handler."""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import ContextTypes

from bot.config import BotConfig
from bot.identity import pseudonym_for
from bot.rasa_client import AsyncRasaClient, Conversation
from bot.ratelimit import RateLimiter
from bot.state import ChatState, UserLocks
from scamreport.storage.database import (
    make_engine,
    make_session_factory,
    session_scope,
)
from scamreport.storage.evidence_files import EvidenceFiles
from scamreport.storage.tracker_store import TrackerStore

T = TypeVar("T")
SERVICES_KEY = "services"


def new_claimant() -> str:
    """This process's name in the rows it claims (host, process id, a random part for a
    reused pid); no secret, no user data."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


@dataclass
class BotServices:
    config: BotConfig
    rasa: AsyncRasaClient
    sessions: sessionmaker[Session]
    evidence: EvidenceFiles
    limiter: RateLimiter
    locks: UserLocks = field(default_factory=UserLocks)
    states: dict[int, ChatState] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic
    # Rasa's SQL tracker store, where /delete erases the conversation (None: in memory).
    tracker_store: TrackerStore | None = None
    # Written into the outbox and kept-message rows this process claims (bot/outbox.py).
    claimant: str = field(default_factory=new_claimant)

    def pseudonym(self, user_id: int) -> str:
        return pseudonym_for(user_id, self.config.settings.pseudonym_key)

    def state(self, user_id: int) -> ChatState:
        found = self.states.get(user_id)
        if found is None:
            found = ChatState(
                user_id=user_id, conversation=Conversation(pseudonym=self.pseudonym(user_id))
            )
            self.states[user_id] = found
        return found

    def forget(self, user_id: int) -> None:
        self.states.pop(user_id, None)

    async def db(self, work: Callable[[Session], T]) -> T:
        """Runs ``work`` in one transaction on a worker thread (SQLAlchemy here is blocking)."""

        def run() -> T:
            with session_scope(self.sessions) as session:
                return work(session)

        return await asyncio.to_thread(run)


def create_services(config: BotConfig) -> BotServices:
    """Builds the clients (the schema was checked by main, scamreport.storage's
    require_current_schema)."""
    settings = config.settings
    return BotServices(
        config=config,
        rasa=AsyncRasaClient(
            config.rasa_url,
            timeout=config.rasa_timeout,
            api_token=config.rasa_api_token,
            channel_token=config.rasa_channel_token,
        ),
        sessions=make_session_factory(make_engine(settings.database_url)),
        evidence=EvidenceFiles(settings.evidence_dir),
        limiter=RateLimiter(per_minute=config.rate_per_minute, burst=config.rate_burst),
        tracker_store=TrackerStore(settings.tracker_store_url)
        if settings.tracker_store_url
        else None,
    )


def services_of(context: ContextTypes.DEFAULT_TYPE) -> BotServices:
    services = context.application.bot_data[SERVICES_KEY]
    assert isinstance(services, BotServices)
    return services
