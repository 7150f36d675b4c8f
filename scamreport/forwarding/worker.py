"""The forwarding worker: drains the delivery outbox, at least once, without losing anything.

Each round claims a batch of due deliveries in a short transaction (``outbox.py``), then for
each one builds the body from the stored report, sends it outside any transaction, and records
the outcome: delivered, retry later (exponential backoff with full jitter), or dead once the
attempts are used up or the receiver refused the bytes themselves. A worker killed mid-send
leaves its rows in flight; when their lease runs out any worker claims them again and resends
with the same idempotency key, which the receiver uses to drop the duplicate.
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

from sqlalchemy.orm import Session, selectinload, sessionmaker

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
    mark_dead,
    mark_delivered,
    postpone_unconfigured,
    release_claim,
    schedule_retry,
)
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
from scamreport.registry import Registry
from scamreport.storage.models import Report
from scamreport.storage.types import utcnow

logger = logging.getLogger(__name__)


class Undeliverable(Exception):
    """This delivery must not be sent at all (no consent, report gone)."""


@dataclass(frozen=True)
class _Prepared:
    outgoing: OutgoingDelivery
    endpoint: WebhookEndpoint | EmailEndpoint | MispEndpoint
    smtp: SmtpConfig | None


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
    ) -> None:
        self.session_factory = session_factory
        self.registry = registry
        self.config = config
        # Read at every send, so a secret or URL fixed in the environment needs no restart.
        self.env: Mapping[str, str] = os.environ if env is None else env
        self.rng = rng or random.Random()
        self.clock = clock
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
                session, now=now, lease_until=lease_until, limit=self.config.batch_size
            )
        for index, claim in enumerate(claims):
            if stop is not None and stop.is_set():
                self._release(claims[index:])
                break
            self.process(claim)
        return len(claims)

    def _release(self, claims: list[Claim]) -> None:
        with self._session() as session:
            for claim in claims:
                release_claim(session, claim=claim, now=self.clock())

    def drain(self, *, threads: int = 1) -> None:
        """Handles deliveries until none is due (retries scheduled later are left for later)."""
        self._in_threads(threads, lambda: self._drain_loop())

    def run(self, stop: threading.Event, *, poll_seconds: float, threads: int = 1) -> None:
        """Handles deliveries until ``stop`` is set, polling every ``poll_seconds`` when idle."""
        self._in_threads(threads, lambda: self._poll_loop(stop, poll_seconds))

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
            if not claimed:
                stop.wait(poll_seconds)

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

    def process(self, claim: Claim) -> str:
        """Handles one claimed delivery; returns the outcome (delivered, retry, dead, ...)."""
        where = (
            f"delivery {claim.id} ({claim.agency_code}, {claim.transport}/{claim.payload_format})"
        )
        max_attempts = self.config.retry.max_attempts
        if claim.attempts > max_attempts:
            # The worker holding the last allowed attempt stopped before recording it.
            error = (
                f"gave up: the worker stopped during attempt {claim.attempts - 1} of {max_attempts}"
            )
            logger.error("forwarding: %s dead: %s", where, error)
            return self._record(claim, "dead", error=error)
        try:
            prepared = self._prepare(claim)
        except NotConfigured as error:
            logger.warning(
                "forwarding: %s waits for configuration: %s (checked again in %g s)",
                where,
                error,
                self.config.unconfigured_retry_seconds,
            )
            return self._record(claim, "unconfigured", error=str(error))
        except Undeliverable as error:
            logger.error("forwarding: %s dead: %s", where, error)
            return self._record(claim, "dead", error=str(error))
        except Exception as error:
            logger.exception("forwarding: %s could not be prepared", where)
            return self._failed(
                claim, where, DeliveryFailed(f"internal error ({type(error).__name__})")
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
        )
        return self._record(claim, "delivered")

    def _failed(self, claim: Claim, where: str, error: DeliveryFailed) -> str:
        policy = self.config.retry
        if error.permanent or policy.exhausted(claim.attempts):
            why = (
                "refused"
                if error.permanent
                else f"attempt {claim.attempts} of {policy.max_attempts}"
            )
            logger.error("forwarding: %s dead (%s): %s", where, why, error)
            return self._record(claim, "dead", error=str(error))
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
        return self._record(claim, "retry", error=str(error), next_attempt_at=next_at)

    def _record(
        self,
        claim: Claim,
        outcome: str,
        *,
        error: str = "",
        next_attempt_at: datetime | None = None,
    ) -> str:
        with self._session() as session:
            if outcome == "delivered":
                kept = mark_delivered(session, claim=claim, now=self.clock())
            elif outcome == "dead":
                kept = mark_dead(session, claim=claim, error=error)
            elif outcome == "retry":
                assert next_attempt_at is not None
                kept = schedule_retry(
                    session, claim=claim, error=error, next_attempt_at=next_attempt_at
                )
            else:
                wait = timedelta(seconds=self.config.unconfigured_retry_seconds)
                kept = postpone_unconfigured(
                    session, claim=claim, error=error, next_attempt_at=self.clock() + wait
                )
        if not kept:
            # Our lease ran out and another worker took the row over: its result counts.
            logger.warning(
                "forwarding: delivery %d: lease lost before recording %s; the newer claim decides",
                claim.id,
                outcome,
            )
            return "lost"
        return outcome

    def _prepare(self, claim: Claim) -> _Prepared:
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
        with self._session() as session:
            report = session.get(
                Report,
                claim.report_id,
                options=[
                    selectinload(Report.indicators),
                    selectinload(Report.evidence),
                    selectinload(Report.reporter),
                ],
            )
            if report is None:
                raise Undeliverable("the report no longer exists")
            if not report.consent_forward:
                raise Undeliverable("the reporter did not consent to forwarding")
            if claim.payload_format == "stix":
                body = stix_body(report, idempotency_key=claim.idempotency_key)
                content_type = STIX_CONTENT_TYPE
            elif claim.payload_format == "misp":
                body = misp_body(report, tlp=agency.delivery.tlp)
                content_type = MISP_CONTENT_TYPE
            else:
                body = payload_body(
                    report, idempotency_key=claim.idempotency_key, agency_code=claim.agency_code
                )
                content_type = JSON_CONTENT_TYPE
            reference = report.reference
            flags = report.flags
        outgoing = OutgoingDelivery(
            delivery_id=claim.id,
            idempotency_key=claim.idempotency_key,
            agency_code=claim.agency_code,
            reference=reference,
            payload_format=claim.payload_format,
            content_type=content_type,
            body=body,
            attempt=claim.attempts,
            flags=flags,
        )
        return _Prepared(outgoing=outgoing, endpoint=endpoint, smtp=smtp)

    def _send(self, prepared: _Prepared) -> None:
        if isinstance(prepared.endpoint, WebhookEndpoint):
            self.webhook.send(prepared.outgoing, prepared.endpoint)
            return
        if isinstance(prepared.endpoint, MispEndpoint):
            self.misp.send(prepared.outgoing, prepared.endpoint)
            return
        assert prepared.smtp is not None
        self.smtp.send(prepared.outgoing, prepared.endpoint, prepared.smtp)
