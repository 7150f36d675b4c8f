"""The forwarding worker: drains the delivery outbox, at least once, without losing anything.

Each round claims a batch of due deliveries in a short transaction (``outbox.py``), loads the
batch's reports in one read and builds every body, sends each outside any transaction, and
records the batch's outcomes in one transaction: delivered, retry later (exponential backoff
with full jitter), or dead once the attempts are used up or the receiver refused the bytes
themselves. So a batch costs three short transactions, not two per delivery (issue 13: on
PostgreSQL every commit waits for a WAL flush). Outcomes are written before the batch's lease
could run out, even when sends are slow. A worker killed mid-batch leaves its rows in flight;
when their lease runs out any worker claims them again and resends with the same idempotency
key, which the receiver uses to drop the duplicate.
"""

from __future__ import annotations

import logging
import os
import random
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Update, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from scamreport import metrics
from scamreport.forwarding.circuit import AgencyCircuits
from scamreport.forwarding.config import ForwardingConfig
from scamreport.forwarding.misp import MISP_CONTENT_TYPE, misp_body
from scamreport.forwarding.misp_push import (
    MispEndpoint,
    MispPushTransport,
    resolve_misp_endpoint,
)
from scamreport.forwarding.outbox import (
    Claim,
    claim_due_deliveries,
    dead_statement,
    mark_all_delivered,
    record_statements,
    release_statement,
    retry_statement,
    unconfigured_statement,
)
from scamreport.forwarding.outcomes import DeliveryOutcome, ReceiverSignal
from scamreport.forwarding.payload import JSON_CONTENT_TYPE, payload_body
from scamreport.forwarding.stix import STIX_CONTENT_TYPE, stix_body
from scamreport.forwarding.transports import (
    DeliveryFailed,
    EmailEndpoint,
    NotConfigured,
    OutgoingDelivery,
    SmtpConfig,
    SmtpTransport,
    WebhookEndpoint,
    WebhookTransport,
    resolve_endpoint,
)
from scamreport.logs import Safe
from scamreport.registry import Registry
from scamreport.storage.models import Report
from scamreport.storage.types import utcnow

logger = logging.getLogger(__name__)


class Undeliverable(Exception):
    """This delivery must not be sent at all (no consent, report gone)."""


@dataclass(frozen=True)
class _Route:
    agency_tlp: str
    endpoint: WebhookEndpoint | EmailEndpoint | MispEndpoint
    smtp: SmtpConfig | None


@dataclass(frozen=True)
class _Prepared:
    outgoing: OutgoingDelivery
    endpoint: WebhookEndpoint | EmailEndpoint | MispEndpoint
    smtp: SmtpConfig | None


@dataclass(frozen=True)
class _Outcome:
    """What became of one claim, written with the rest of its batch."""

    claim: Claim
    outcome: DeliveryOutcome  # any but LOST, which only recording can tell
    error: str = ""
    next_attempt_at: datetime | None = None
    # What the send showed of the receiver, for its circuit; None when nothing was sent.
    receiver: ReceiverSignal | None = None


class Worker:
    """Sends due deliveries; safe to run in several threads and several processes at once."""

    def __init__(
        self,
        *,
        session_factory: sessionmaker[Session],
        registry: Registry,
        config: ForwardingConfig,
        env: Mapping[str, str] | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] = utcnow,
        circuits: AgencyCircuits | None = None,
        wakeup: threading.Event | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.registry = registry
        self.config = config
        # Read at every send, so a secret or URL fixed in the environment needs no restart.
        self.env: Mapping[str, str] = os.environ if env is None else env
        self.rng = rng or random.Random()
        self.clock = clock
        self.circuits = circuits or AgencyCircuits(clock=clock)
        # Set when deliveries may be due: by PostgreSQL's notification (wakeup.py), by a thread
        # that claimed a full batch (more may be waiting), or by a stop request.
        self.wakeup = wakeup or threading.Event()
        self.webhook = WebhookTransport(
            connect_timeout=config.connect_timeout_seconds,
            read_timeout=config.read_timeout_seconds,
        )
        self.smtp = SmtpTransport(timeout=config.read_timeout_seconds)
        self.misp = MispPushTransport(
            connect_timeout=config.connect_timeout_seconds,
            read_timeout=config.read_timeout_seconds,
        )
        # SQLite runs one write transaction at a time and makes the others sleep and poll;
        # queueing this process's threads on a lock instead hands the database over at once.
        bind = session_factory.kw.get("bind")
        sqlite = bind is not None and bind.dialect.name == "sqlite"
        self._serial: AbstractContextManager[object] = threading.Lock() if sqlite else nullcontext()
        # The earliest retry this process scheduled: an idle thread wakes for it rather than
        # sleeping a whole poll interval.
        self._retry_lock = threading.Lock()
        self._soonest_retry: datetime | None = None

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._serial, self.session_factory() as session:
            yield session

    # --- running -------------------------------------------------------------------------

    def process_batch(self, stop: threading.Event | None = None) -> int:
        """Claims one batch of due deliveries and handles each; returns how many it claimed.

        Once ``stop`` is set, the claims not yet tried are given back at once (not counted as
        attempts) instead of waiting for their lease to run out.
        """
        now = self.clock()
        lease_until = now + timedelta(seconds=self.config.lease_seconds)
        with self._session() as session:
            claims = claim_due_deliveries(
                session,
                now=now,
                lease_until=lease_until,
                limit=self.config.batch_size,
                skip_agencies=self.circuits.open_agencies(),
            )
            if not claims:
                return 0
            if len(claims) == self.config.batch_size:
                self.wakeup.set()  # a full batch: more may be due, wake an idle thread
            # The claim is committed; the reports are read in a new, read-only transaction.
            prepared = self._prepare_batch(claims, session)
        send_budget = timedelta(
            seconds=self.config.connect_timeout_seconds + self.config.read_timeout_seconds
        )
        outcomes: list[_Outcome] = []
        try:
            for index, claim in enumerate(claims):
                if stop is not None and stop.is_set():
                    outcomes += [
                        _Outcome(left, DeliveryOutcome.RELEASED) for left in claims[index:]
                    ]
                    break
                if outcomes and self.clock() + send_budget >= lease_until:
                    # Slow sends: write what is done while this worker still holds the lease.
                    self._record_all(outcomes)
                    outcomes = []
                if self.circuits.is_open(claim.agency_code):
                    # Opened by an earlier send of this batch: give it back, no attempt used.
                    outcomes.append(_Outcome(claim, DeliveryOutcome.RELEASED))
                    continue
                outcome = self._attempt(claim, prepared[claim.id])
                self._count_for_circuit(claim, outcome)
                outcomes.append(outcome)
        finally:
            self._record_all(outcomes)
        return len(claims)

    def drain(self, *, threads: int = 1) -> None:
        """Handles deliveries until none is due (retries scheduled later are left for later)."""
        self._in_threads(threads, lambda: self._drain_loop())

    def run(self, stop: threading.Event, *, poll_seconds: float, threads: int = 1) -> None:
        """Handles deliveries until ``stop`` is set. Idle threads wait for ``self.wakeup``
        (PostgreSQL's notification) or at most ``poll_seconds``."""

        def wake_on_stop() -> None:
            stop.wait()
            self.wakeup.set()

        threading.Thread(target=wake_on_stop, name="forwarding-stop", daemon=True).start()
        self._in_threads(threads, lambda: self._poll_loop(stop, poll_seconds))

    def _count_for_circuit(self, claim: Claim, outcome: _Outcome) -> None:
        """A delivery or a refusal shows the receiver answering; a failure counts against it."""
        if outcome.receiver is ReceiverSignal.FAILED:
            if self.circuits.failed(claim.agency_code):
                logger.error(
                    "forwarding: %s failed %d times in a row; its deliveries wait (circuit open)",
                    claim.agency_code,
                    self.circuits.failures,
                )
        elif outcome.receiver is ReceiverSignal.ANSWERED:
            self.circuits.succeeded(claim.agency_code)

    def _drain_loop(self) -> None:
        while self.process_batch():
            pass

    def _poll_loop(self, stop: threading.Event, poll_seconds: float) -> None:
        while not stop.is_set():
            try:
                claimed = self.process_batch(stop)
            except Exception:
                # The database went away for a moment: log and keep polling.
                logger.exception("forwarding: claiming deliveries failed; trying again")
                claimed = 0
            if (
                not claimed
                and not stop.is_set()
                and self.wakeup.wait(self._idle_seconds(poll_seconds))
            ):
                self.wakeup.clear()

    def _idle_seconds(self, poll_seconds: float) -> float:
        with self._retry_lock:
            soonest = self._soonest_retry
            now = self.clock()
            if soonest is not None and soonest <= now:
                # Due, yet nothing was claimed: either it fell due after the claim looked (a
                # busy machine), or another thread or worker has it. One more look at once
                # tells which; after that, the poll interval.
                self._soonest_retry = None
                return 0.005
        if soonest is None:
            return poll_seconds
        return min(poll_seconds, max(0.005, (soonest - now).total_seconds()))

    def _note_retry(self, at: datetime) -> None:
        with self._retry_lock:
            if self._soonest_retry is None or at < self._soonest_retry:
                self._soonest_retry = at

    def _in_threads(self, threads: int, target: Callable[[], None]) -> None:
        if threads <= 1:
            target()
            return
        errors: list[BaseException] = []

        def guarded() -> None:
            try:
                target()
            except BaseException as error:  # re-raised in the calling thread below
                errors.append(error)

        pool = [
            threading.Thread(target=guarded, name=f"forwarding-{index}", daemon=True)
            for index in range(threads)
        ]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        if errors:
            raise errors[0]

    # --- one delivery --------------------------------------------------------------------

    def process(self, claim: Claim) -> DeliveryOutcome:
        """Handles one claimed delivery; returns what became of it."""
        with self._session() as session:
            prepared = self._prepare_batch([claim], session)
        outcome = self._attempt(claim, prepared[claim.id])
        return self._record_all([outcome])[0]

    def _attempt(self, claim: Claim, prepared: _Prepared | Exception) -> _Outcome:
        """Sends one claimed delivery (already prepared, or why not) and says what became of it."""
        where = Safe(
            f"delivery {claim.id} ({claim.agency_code}, {claim.transport}/{claim.payload_format})"
        )
        max_attempts = self.config.retry.max_attempts
        if claim.attempts > max_attempts:
            # The worker holding the last allowed attempt stopped before recording it.
            error = (
                f"gave up: the worker stopped during attempt {claim.attempts - 1} of {max_attempts}"
            )
            logger.error("forwarding: %s dead: %s", where, error)
            return _Outcome(claim, DeliveryOutcome.DEAD, error=error)
        if isinstance(prepared, NotConfigured):
            logger.warning(
                "forwarding: %s waits for configuration: %s (checked again in %g s)",
                where,
                prepared,
                self.config.unconfigured_retry_seconds,
            )
            wait = timedelta(seconds=self.config.unconfigured_retry_seconds)
            return _Outcome(
                claim,
                DeliveryOutcome.UNCONFIGURED,
                error=str(prepared),
                next_attempt_at=self.clock() + wait,
            )
        if isinstance(prepared, Undeliverable):
            logger.error("forwarding: %s dead: %s", where, prepared)
            return _Outcome(claim, DeliveryOutcome.DEAD, error=str(prepared))
        if isinstance(prepared, Exception):
            logger.error(
                "forwarding: %s could not be prepared",
                where,
                exc_info=(type(prepared), prepared, prepared.__traceback__),
            )
            return self._failed(
                claim, where, DeliveryFailed(f"internal error ({type(prepared).__name__})")
            )
        try:
            self._send(prepared)
        except DeliveryFailed as error:
            return self._failed(claim, where, error)
        except Exception as error:
            logger.exception("forwarding: %s failed unexpectedly", where)
            return self._failed(
                claim, where, DeliveryFailed(f"internal error ({type(error).__name__})")
            )
        logger.info(
            "forwarding: %s of report %s delivered (attempt %d)",
            where,
            prepared.outgoing.reference,
            claim.attempts,
            extra={"reference": prepared.outgoing.reference},
        )
        return _Outcome(claim, DeliveryOutcome.DELIVERED, receiver=ReceiverSignal.ANSWERED)

    def _failed(self, claim: Claim, where: str, error: DeliveryFailed) -> _Outcome:
        policy = self.config.retry
        if error.permanent or policy.exhausted(claim.attempts):
            why = (
                "refused"
                if error.permanent
                else f"attempt {claim.attempts} of {policy.max_attempts}"
            )
            logger.error("forwarding: %s dead (%s): %s", where, why, error)
            return _Outcome(
                claim,
                DeliveryOutcome.DEAD,
                error=str(error),
                receiver=ReceiverSignal.ANSWERED if error.permanent else ReceiverSignal.FAILED,
            )
        next_at = policy.next_attempt_at(
            claim.attempts, now=self.clock(), rng=self.rng, at_least=error.retry_after or 0.0
        )
        logger.warning(
            "forwarding: %s attempt %d of %d failed: %s; next attempt at %s",
            where,
            claim.attempts,
            policy.max_attempts,
            error,
            next_at.isoformat(timespec="seconds"),
        )
        return _Outcome(
            claim,
            DeliveryOutcome.RETRY,
            error=str(error),
            next_attempt_at=next_at,
            receiver=ReceiverSignal.FAILED,
        )

    def _record_all(self, outcomes: list[_Outcome]) -> list[DeliveryOutcome]:
        """Writes the outcomes in one transaction; each is LOST if its lease was taken over."""
        if not outcomes:
            return []
        now = self.clock()
        delivered = [item.claim for item in outcomes if item.outcome is DeliveryOutcome.DELIVERED]
        others = [item for item in outcomes if item.outcome is not DeliveryOutcome.DELIVERED]
        with self._session() as session:
            try:
                # Most of a batch is delivered: one statement for all of it.
                ours = mark_all_delivered(session, claims=delivered, now=now)
            except BaseException:
                session.rollback()
                raise
            kept = record_statements(session, [self._statement(item, now) for item in others])
        ours |= {item.claim.id for item, still in zip(others, kept, strict=True) if still}
        results: list[DeliveryOutcome] = []
        for item in outcomes:
            if item.claim.id not in ours:
                # Our lease ran out and another worker took the row over: its result counts.
                logger.warning(
                    "forwarding: delivery %d: lease lost before recording %s; "
                    "the newer claim decides",
                    item.claim.id,
                    item.outcome,
                )
                results.append(DeliveryOutcome.LOST)
                continue
            if item.outcome is DeliveryOutcome.RETRY and item.next_attempt_at is not None:
                self._note_retry(item.next_attempt_at)
            results.append(item.outcome)
        for item, result in zip(outcomes, results, strict=True):
            metrics.delivery_recorded(item.claim.agency_code, result.value)
        return results

    @staticmethod
    def _statement(item: _Outcome, now: datetime) -> Update:
        if item.outcome is DeliveryOutcome.DEAD:
            return dead_statement(item.claim, error=item.error)
        if item.outcome is DeliveryOutcome.RELEASED:
            return release_statement(item.claim, now=now)
        assert item.next_attempt_at is not None
        if item.outcome is DeliveryOutcome.RETRY:
            return retry_statement(
                item.claim, error=item.error, next_attempt_at=item.next_attempt_at
            )
        return unconfigured_statement(
            item.claim, error=item.error, next_attempt_at=item.next_attempt_at
        )

    def _route(self, claim: Claim) -> _Route:
        agency = self.registry.by_code(claim.agency_code)
        if agency is None:
            raise NotConfigured(f"agency {claim.agency_code} is not in the registry")
        if agency.delivery is None or agency.delivery.transport != claim.transport:
            current = "no delivery" if agency.delivery is None else agency.delivery.transport
            raise NotConfigured(
                f"agency {agency.code} now has {current} in the registry, "
                f"but this delivery was queued for {claim.transport}"
            )
        endpoint: WebhookEndpoint | EmailEndpoint | MispEndpoint
        if claim.payload_format == "misp" and agency.delivery.pushes_to_misp:
            endpoint = resolve_misp_endpoint(agency, self.env)
        else:
            endpoint = resolve_endpoint(agency, self.env)
        smtp = SmtpConfig.from_env(self.env) if isinstance(endpoint, EmailEndpoint) else None
        return _Route(agency_tlp=agency.delivery.tlp, endpoint=endpoint, smtp=smtp)

    def _prepare_batch(
        self, claims: list[Claim], session: Session
    ) -> dict[int, _Prepared | Exception]:
        """Each claim's bytes and destination, or the exception saying why there are none.

        The batch's reports are read in one query (and one per related table), not one
        round of queries per delivery.
        """
        prepared: dict[int, _Prepared | Exception] = {}
        routes: dict[int, _Route] = {}
        for claim in claims:
            try:
                routes[claim.id] = self._route(claim)
            except Exception as error:  # handled per delivery by _attempt
                prepared[claim.id] = error
        if not routes:
            return prepared
        report_ids = {claim.report_id for claim in claims if claim.id in routes}
        try:
            reports = {
                report.id: report
                for report in session.scalars(
                    select(Report)
                    .where(Report.id.in_(report_ids))
                    .options(
                        selectinload(Report.indicators),
                        selectinload(Report.evidence),
                        selectinload(Report.reporter),
                    )
                )
            }
            for claim in claims:
                if claim.id in routes:
                    try:
                        prepared[claim.id] = self._build(
                            claim, routes[claim.id], reports.get(claim.report_id)
                        )
                    except Exception as error:  # handled per delivery by _attempt
                        prepared[claim.id] = error
        except Exception as error:  # the read failed: every delivery of the batch says so
            session.rollback()
            for claim in claims:
                prepared.setdefault(claim.id, error)
        return prepared

    @staticmethod
    def _build(claim: Claim, route: _Route, report: Report | None) -> _Prepared:
        if report is None:
            raise Undeliverable("the report no longer exists")
        if not report.consent_forward:
            raise Undeliverable("the reporter did not consent to forwarding")
        if claim.payload_format == "stix":
            body = stix_body(report, idempotency_key=claim.idempotency_key)
            content_type = STIX_CONTENT_TYPE
        elif claim.payload_format == "misp":
            body = misp_body(report, tlp=route.agency_tlp)
            content_type = MISP_CONTENT_TYPE
        else:
            body = payload_body(
                report, idempotency_key=claim.idempotency_key, agency_code=claim.agency_code
            )
            content_type = JSON_CONTENT_TYPE
        outgoing = OutgoingDelivery(
            delivery_id=claim.id,
            idempotency_key=claim.idempotency_key,
            agency_code=claim.agency_code,
            reference=report.reference,
            payload_format=claim.payload_format,
            content_type=content_type,
            body=body,
            attempt=claim.attempts,
            flags=report.flags,
        )
        return _Prepared(outgoing=outgoing, endpoint=route.endpoint, smtp=route.smtp)

    def _send(self, prepared: _Prepared) -> None:
        if isinstance(prepared.endpoint, WebhookEndpoint):
            self.webhook.send(prepared.outgoing, prepared.endpoint)
            return
        if isinstance(prepared.endpoint, MispEndpoint):
            self.misp.send(prepared.outgoing, prepared.endpoint)
            return
        assert prepared.smtp is not None
        self.smtp.send(prepared.outgoing, prepared.endpoint, prepared.smtp)
