"""Claims of the outbox and of kept messages: a row one bot process holds is never handed to
another until its claim is released or lapses. Real SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.outbox import CLAIM_SECONDS, claim_notifications, record_attempt
from bot.relay import claim_conversation, release_conversation
from scamreport.storage.database import make_engine, make_session_factory, upgrade_database
from scamreport.storage.models import Notification, PendingMessage
from scamreport.storage.repository import enqueue_notification, get_or_create_reporter
from scamreport.storage.types import utcnow

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
            first.add(PendingMessage(conversation_id="conv-1", payload={"chat_id": 1}))
            first.commit()
            assert claim_conversation(first, conversation_id="conv-1", claimant=A)
            # Locked by A's open transaction: skipped, so B does not get the conversation.
            assert not claim_conversation(second, conversation_id="conv-1", claimant=B)
            second.rollback()
            first.commit()
            assert not claim_conversation(second, conversation_id="conv-1", claimant=B)
            second.rollback()
    finally:
        engine.dispose()


def test_a_conversations_kept_messages_are_replayed_by_one_process_at_a_time(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        for text in ("first", "second"):
            session.add(PendingMessage(conversation_id="conv-2", payload={"message": text}))
        session.commit()

    def try_claim(claimant: str, **kwargs: object) -> bool:
        with sessions() as session:
            got = claim_conversation(
                session,
                conversation_id="conv-2",
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
        release_conversation(session, conversation_id="conv-2", claimant=B)
        session.commit()
    assert try_claim(A)
    assert not try_claim("host-c:303:cccc")
    with sessions() as session:
        assert claim_conversation(session, conversation_id="empty", claimant=B)
