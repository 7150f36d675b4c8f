"""Queries over the ``deliveries`` outbox: claim, record outcomes, list and revive.

Claiming is one guarded UPDATE: it moves due rows (pending and due, or in flight with an
expired lease) to ``in_flight`` with a lease, counts the attempt, and returns them. On
PostgreSQL the rows are chosen by ``SELECT ... FOR UPDATE SKIP LOCKED``, so concurrent
workers take disjoint rows without waiting for each other; SQLite runs write transactions one
at a time (``BEGIN IMMEDIATE``), which makes the same statement exclusive there.

Every outcome is written with a fence: only if the row is still in flight with the lease and
attempt count this worker set. A worker whose lease ran out (it hung, another worker took the
row over) therefore cannot overwrite the newer attempt's result. ``record_outcomes`` writes a
batch's outcomes in one transaction (one commit, one WAL flush on PostgreSQL, instead of one
per delivery); each row keeps its own fence.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Update, and_, func, or_, select, tuple_, update
from sqlalchemy.orm import Session

from scamreport.storage.models import Delivery, Report

# Transports a worker sends; "queue" rows wait for an analyst to pass them on by hand.
SENDABLE_TRANSPORTS: tuple[str, ...] = ("webhook", "email")
_MAX_ERROR_CHARS = 1000


@dataclass(frozen=True)
class Claim:
    """A delivery this worker holds until ``lease_until``; ``attempts`` includes this one."""

    id: int
    report_id: int
    agency_code: str
    transport: str
    payload_format: str
    idempotency_key: str
    attempts: int
    lease_until: datetime


@dataclass(frozen=True)
class DeliveryView:
    """A delivery as `scamreport deliveries` lists it."""

    id: int
    reference: str
    agency_code: str
    transport: str
    payload_format: str
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    locked_until: datetime | None
    created_at: datetime
    delivered_at: datetime | None

    def to_json_dict(self) -> dict[str, object]:
        def stamp(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "id": self.id,
            "reference": self.reference,
            "agency_code": self.agency_code,
            "transport": self.transport,
            "payload_format": self.payload_format,
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "next_attempt_at": stamp(self.next_attempt_at),
            "locked_until": stamp(self.locked_until),
            "created_at": stamp(self.created_at),
            "delivered_at": stamp(self.delivered_at),
        }


@dataclass(frozen=True)
class RetryOutcome:
    revived: list[int]
    refused: dict[int, str]


def _due(now: datetime, transports: Collection[str]):  # type: ignore[no-untyped-def]
    return and_(
        Delivery.transport.in_(tuple(transports)),
        or_(
            and_(Delivery.status == "pending", Delivery.next_attempt_at <= now),
            and_(Delivery.status == "in_flight", Delivery.locked_until < now),
        ),
    )


def claim_due_deliveries(
    session: Session,
    *,
    now: datetime,
    lease_until: datetime,
    limit: int,
    transports: Collection[str] = SENDABLE_TRANSPORTS,
    skip_agencies: Collection[str] = (),
) -> list[Claim]:
    """Claims up to ``limit`` due deliveries, oldest due first, none for ``skip_agencies``
    (their circuit is open: scamreport/forwarding/circuit.py). COMMITS (a short transaction)."""
    due = _due(now, transports)
    if skip_agencies:
        due = and_(due, Delivery.agency_code.not_in(tuple(skip_agencies)))
    chosen = (
        select(Delivery.id)
        .where(due)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
        # PostgreSQL: lock the chosen rows, skipping rows another worker is claiming right now.
        # SQLite ignores it (its write transactions are exclusive already).
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(Delivery)
        .where(Delivery.id.in_(chosen.scalar_subquery()))
        .values(status="in_flight", locked_until=lease_until, attempts=Delivery.attempts + 1)
        .returning(
            Delivery.id,
            Delivery.report_id,
            Delivery.agency_code,
            Delivery.transport,
            Delivery.payload_format,
            Delivery.idempotency_key,
            Delivery.attempts,
        )
        .execution_options(synchronize_session=False)
    )
    try:
        rows = session.execute(statement).all()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    claims = [Claim(*row, lease_until=lease_until) for row in rows]
    return sorted(claims, key=lambda claim: claim.id)


def _fenced(claim: Claim, **values: object) -> Update:
    return (
        update(Delivery)
        .where(
            Delivery.id == claim.id,
            Delivery.status == "in_flight",
            Delivery.attempts == claim.attempts,
            Delivery.locked_until == claim.lease_until,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _apply(session: Session, statement: Update) -> bool:
    return record_statements(session, [statement])[0]


def record_statements(session: Session, statements: Sequence[Update]) -> list[bool]:
    """Runs fenced updates in one transaction; for each, whether it kept its row. COMMITS."""
    try:
        results = [session.execute(statement) for statement in statements]
        kept = [result.rowcount == 1 for result in results]  # type: ignore[attr-defined]
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return kept


def _clip(error: str) -> str:
    return error if len(error) <= _MAX_ERROR_CHARS else error[: _MAX_ERROR_CHARS - 3] + "..."


def delivered_statement(claim: Claim, *, now: datetime) -> Update:
    return _fenced(claim, status="delivered", delivered_at=now, locked_until=None, last_error=None)


def retry_statement(claim: Claim, *, error: str, next_attempt_at: datetime) -> Update:
    return _fenced(
        claim,
        status="pending",
        last_error=_clip(error),
        next_attempt_at=next_attempt_at,
        locked_until=None,
    )


def dead_statement(claim: Claim, *, error: str) -> Update:
    return _fenced(claim, status="dead", last_error=_clip(error), locked_until=None)


def unconfigured_statement(claim: Claim, *, error: str, next_attempt_at: datetime) -> Update:
    return _fenced(
        claim,
        status="pending",
        attempts=claim.attempts - 1,
        last_error=_clip(error),
        next_attempt_at=next_attempt_at,
        locked_until=None,
    )


def release_statement(claim: Claim, *, now: datetime) -> Update:
    return _fenced(
        claim,
        status="pending",
        attempts=claim.attempts - 1,
        next_attempt_at=now,
        locked_until=None,
    )


def mark_all_delivered(session: Session, *, claims: Sequence[Claim], now: datetime) -> set[int]:
    """Records success for claims of one batch (one lease) in one statement, each row fenced
    by its own attempt count; returns the ids still ours (the others were taken over). Does
    not commit: ``record_statements`` or the caller does."""
    if not claims:
        return set()
    leases = {claim.lease_until for claim in claims}
    if len(leases) != 1:
        raise ValueError("claims of one batch share one lease")
    statement = (
        update(Delivery)
        .where(
            tuple_(Delivery.id, Delivery.attempts).in_(
                [(claim.id, claim.attempts) for claim in claims]
            ),
            Delivery.status == "in_flight",
            Delivery.locked_until == leases.pop(),
        )
        .values(status="delivered", delivered_at=now, locked_until=None, last_error=None)
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)
    )
    return {row[0] for row in session.execute(statement)}


def schedule_retry(
    session: Session, *, claim: Claim, error: str, next_attempt_at: datetime
) -> bool:
    """Records a failed attempt and when to try again. COMMITS."""
    return _apply(session, retry_statement(claim, error=error, next_attempt_at=next_attempt_at))


def mark_dead(session: Session, *, claim: Claim, error: str) -> bool:
    """Dead-letters the delivery (listed by `scamreport deliveries`, revived by retry). COMMITS."""
    return _apply(session, dead_statement(claim, error=error))


def postpone_unconfigured(
    session: Session, *, claim: Claim, error: str, next_attempt_at: datetime
) -> bool:
    """Puts back a delivery that could not be tried (missing configuration) without counting
    the attempt: it stays pending until the environment is fixed. COMMITS."""
    return _apply(
        session, unconfigured_statement(claim, error=error, next_attempt_at=next_attempt_at)
    )


def release_claim(session: Session, *, claim: Claim, now: datetime) -> bool:
    """Gives back a claimed delivery that was not tried (the worker is stopping): due now,
    the attempt not counted. COMMITS."""
    return _apply(session, release_statement(claim, now=now))


def list_deliveries(
    session: Session,
    *,
    statuses: Sequence[str] | None = None,
    agency_code: str | None = None,
    limit: int | None = None,
) -> list[DeliveryView]:
    """Deliveries with their report's reference, newest first."""
    statement = (
        select(
            Delivery.id,
            Report.reference,
            Delivery.agency_code,
            Delivery.transport,
            Delivery.payload_format,
            Delivery.status,
            Delivery.attempts,
            Delivery.last_error,
            Delivery.next_attempt_at,
            Delivery.locked_until,
            Delivery.created_at,
            Delivery.delivered_at,
        )
        .join(Report, Report.id == Delivery.report_id)
        .order_by(Delivery.id.desc())
        .limit(limit)
    )
    if statuses:
        statement = statement.where(Delivery.status.in_(tuple(statuses)))
    if agency_code:
        statement = statement.where(Delivery.agency_code == agency_code)
    return [DeliveryView(*row) for row in session.execute(statement).all()]


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all()
    return {status: count for status, count in rows}


def retry_deliveries(
    session: Session, *, ids: Sequence[int] = (), all_dead: bool = False, now: datetime
) -> RetryOutcome:
    """Makes dead (or waiting) deliveries due now with a fresh allowance of attempts.

    ``ids`` names deliveries; ``all_dead`` adds every dead one. Delivered and in-flight rows
    are refused (an in-flight row is being sent; its lease decides what happens next). COMMITS.
    """
    wanted = list(dict.fromkeys(ids))
    refused: dict[int, str] = {}
    revived: list[int] = []
    try:
        found = {
            row.id: row.status
            for row in session.execute(
                select(Delivery.id, Delivery.status).where(Delivery.id.in_(wanted))
            )
        }
        for delivery_id in wanted:
            status = found.get(delivery_id)
            if status is None:
                refused[delivery_id] = "no such delivery"
            elif status in ("delivered", "in_flight"):
                refused[delivery_id] = f"it is {status.replace('_', ' ')}"
        targets = [delivery_id for delivery_id in wanted if delivery_id not in refused]
        conditions = [Delivery.id.in_(targets)] if targets else []
        if all_dead:
            conditions.append(Delivery.status == "dead")
        if conditions:
            result = session.execute(
                update(Delivery)
                .where(or_(*conditions), Delivery.status.in_(("dead", "pending")))
                .values(status="pending", attempts=0, next_attempt_at=now, locked_until=None)
                .returning(Delivery.id)
                .execution_options(synchronize_session=False)
            )
            revived = sorted(row[0] for row in result)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return RetryOutcome(revived=revived, refused=refused)
