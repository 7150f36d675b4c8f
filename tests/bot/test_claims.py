"""Claims of the outbox and of kept messages: a row one bot process holds is never handed to
another until its claim is released or lapses. Real SQLite and PostgreSQL; two bots' outbox
drains racing on one PostgreSQL database against the Telegram stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from bot.config import BotConfig
from bot.outbox import drain_outbox
from bot.services import create_services
from scamreport.settings import get_settings
from scamreport.storage.database import make_engine, make_session_factory, upgrade_database
from scamreport.storage.kept_messages import claim_kept_messages, release_kept_messages
from scamreport.storage.models import Notification, PendingMessage
from scamreport.storage.notification_outbox import (
    CLAIM_SECONDS,
    claim_notifications,
    record_attempt,
)
from scamreport.storage.repository import enqueue_notification, get_or_create_reporter
from scamreport.storage.types import utcnow
from telegram_standin.driver import Driver
from tests.bot.conftest import PSEUDONYM_KEY

A, B = "host-a:101:aaaa", "host-b:202:bbbb"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sessions(request: pytest.FixtureRequest) -> Iterator[sessionmaker[Session]]:
    if request.param == "sqlite":
        url = request.getfixturevalue("sqlite_url")
    else:
        factory: Callable[[], str] = request.getfixturevalue("postgres_database_factory")
        url = factory()
    upgrade_database(url)
    engine = make_engine(url)
    yield make_session_factory(engine)
    engine.dispose()


def queue_notifications(sessions: sessionmaker[Session], count: int) -> list[int]:
    with sessions() as session:
        reporter = get_or_create_reporter(session, pseudonym="p-claims", telegram_user_id=42)
        ids = [
            enqueue_notification(
                session, reporter_id=reporter.id, report_id=None, kind="status", text=f"n{i}"
            ).id
            for i in range(count)
        ]
        session.commit()
    return ids


def claim(sessions: sessionmaker[Session], claimant: str, **kwargs: object) -> list[int]:
    with sessions() as session:
        due = claim_notifications(session, claimant=claimant, **kwargs)  # type: ignore[arg-type]
        session.commit()
    return [item.id for item in due]


def test_a_claimed_notification_goes_to_no_one_else_until_its_claim_lapses(
    sessions: sessionmaker[Session],
) -> None:
    ids = queue_notifications(sessions, 3)
    assert claim(sessions, A, limit=2) == ids[:2]
    # B gets only what A did not claim, then nothing.
    assert claim(sessions, B) == ids[2:]
    assert claim(sessions, B) == []
    with sessions() as session:
        assert record_attempt(session, notification_id=ids[0], claimant=A, sent=True)
        # B cannot record A's row as its own.
        assert not record_attempt(session, notification_id=ids[1], claimant=B, sent=True)
        session.commit()
    # A dies holding ids[1]: once the claim lapses, B takes it; A's late answer changes nothing.
    later = utcnow() + timedelta(seconds=CLAIM_SECONDS + 1)
    assert claim(sessions, B, now=later) == [ids[1], ids[2]]
    with sessions() as session:
        assert not record_attempt(session, notification_id=ids[1], claimant=A, sent=True)
        assert record_attempt(session, notification_id=ids[1], claimant=B, sent=True)
        session.commit()
        statuses = dict(session.execute(select(Notification.id, Notification.status)).all())
        claimed = list(
            session.scalars(select(Notification.claimed_by).where(Notification.id == ids[1]))
        )
    assert statuses == {ids[0]: "sent", ids[1]: "sent", ids[2]: "pending"}
    assert claimed == [None]


@pytest.mark.postgres
def test_postgresql_skips_rows_another_transaction_is_claiming(
    postgres_database_factory: Callable[[], str],
) -> None:
    url = postgres_database_factory()
    upgrade_database(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    try:
        ids = queue_notifications(sessions, 2)
        with sessions() as first, sessions() as second:
            # A's transaction is still open (its rows locked, its claim not yet visible).
            assert [d.id for d in claim_notifications(first, claimant=A, limit=1)] == ids[:1]
            assert [d.id for d in claim_notifications(second, claimant=B)] == ids[1:]
            first.commit()
            second.commit()
        with sessions() as first, sessions() as second:
            first.add(PendingMessage(pseudonym="conv-1", payload={"chat_id": 1}))
            first.commit()
            assert claim_kept_messages(first, pseudonym="conv-1", claimant=A)
            # Locked by A's open transaction: skipped, so B does not get the conversation.
            assert not claim_kept_messages(second, pseudonym="conv-1", claimant=B)
            second.rollback()
            first.commit()
            assert not claim_kept_messages(second, pseudonym="conv-1", claimant=B)
            second.rollback()
    finally:
        engine.dispose()


def test_a_conversations_kept_messages_are_replayed_by_one_process_at_a_time(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        for text in ("first", "second"):
            session.add(PendingMessage(pseudonym="conv-2", payload={"message": text}))
        session.commit()

    def try_claim(claimant: str, **kwargs: object) -> bool:
        with sessions() as session:
            got = claim_kept_messages(
                session,
                pseudonym="conv-2",
                claimant=claimant,
                **kwargs,  # type: ignore[arg-type]
            )
            session.commit()
        return got

    assert try_claim(A)
    assert try_claim(A)  # its own claim again
    assert not try_claim(B)
    assert try_claim(B, now=utcnow() + timedelta(seconds=3600))  # A's claim lapsed
    with sessions() as session:
        release_kept_messages(session, pseudonym="conv-2", claimant=B)
        session.commit()
    assert try_claim(A)
    assert not try_claim("host-c:303:cccc")
    with sessions() as session:
        assert claim_kept_messages(session, pseudonym="empty", claimant=B)


@pytest.mark.postgres
def test_two_bots_draining_one_outbox_at_once_send_each_notification_once(
    postgres_database_factory: Callable[[], str],
    bot_config: BotConfig,
    driver: Driver,
) -> None:
    url = postgres_database_factory()
    upgrade_database(url)
    settings = get_settings(
        {
            "DATABASE_URL": url,
            "SCAMREPORT_DATA_DIR": str(bot_config.settings.data_dir),
            "PSEUDONYM_KEY": PSEUDONYM_KEY,
            "SCAMREPORT_ENV": "test",
        }
    )
    config = replace(bot_config, settings=settings)
    first, second = create_services(config), create_services(config)
    assert first.claimant != second.claimant
    alex = driver.user(6_880_001, first_name="Alex")
    alex.send_text("/start")  # a chat with the bot exists (no bot polls: nothing answers)
    texts = [f"Update {n} on your report." for n in range(30)]
    with first.sessions() as session:
        reporter = get_or_create_reporter(session, pseudonym="p-race", telegram_user_id=alex.id)
        for text in texts:
            enqueue_notification(
                session, reporter_id=reporter.id, report_id=None, kind="status", text=text
            )
        session.commit()

    async def drain_together() -> list[int]:
        async with Bot(
            config.token, base_url=config.api_base_url, base_file_url=config.api_base_file_url
        ) as telegram:
            counts = [0, 0]
            while True:
                # Small batches, at the same moment, from two processes' worth of connections.
                sent = await asyncio.gather(
                    drain_outbox(first, telegram, limit=4), drain_outbox(second, telegram, limit=4)
                )
                counts = [c + s for c, s in zip(counts, sent, strict=True)]
                if sent == [0, 0]:
                    return counts

    try:
        counts = asyncio.run(drain_together())
    finally:
        for services in (first, second):
            asyncio.run(services.rasa.aclose())
            services.sessions.kw["bind"].dispose()
    with first.sessions() as session:
        errors = list(session.execute(select(Notification.status, Notification.last_error)))
    assert sum(counts) == len(texts), errors[:3]
    assert min(counts) > 0  # both really drained
    received = [m.body for m in alex.replies(timeout=5.0, quiet=1.0)]
    assert sorted(received) == sorted(texts)
    with first.sessions() as session:
        statuses = set(session.scalars(select(Notification.status)))
    assert statuses == {"sent"}
