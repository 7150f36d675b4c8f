"""Keyword-only functions over a Session: the storage API the adapters use.

Callers own the transaction (commit or roll back themselves) unless a function's docstring
says it commits. Indicator values are looked up exactly as given: pass the normal form
(scamreport.extraction produces it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scamreport import metrics
from scamreport.languages import DEFAULT_LANGUAGE
from scamreport.reference import new_reference, normalise_reference
from scamreport.statuses import status_update_text
from scamreport.storage.codes import INDICATOR_KINDS, REPORT_STATUSES
from scamreport.storage.models import (
    Consent,
    Delivery,
    Evidence,
    Indicator,
    Notification,
    Report,
    Reporter,
    TranscriptMessage,
)
from scamreport.storage.records import (
    NewConsent,
    NewDelivery,
    NewEvidence,
    NewIndicator,
    NewReport,
    NewTranscriptMessage,
)
from scamreport.storage.types import utcnow

# Unique violations a retry of the whole submission resolves: a reference drawn twice at once,
# or the same new reporter's first report stored by two processes at once. Matched against
# PostgreSQL (constraint name) and SQLite (table.column) error messages.
_RETRYABLE_VIOLATIONS = (
    "uq_reports_reference",
    "reports.reference",
    "uq_reporters_pseudonym",
    "reporters.pseudonym",
)
_SUBMIT_ATTEMPTS = 3
_REFERENCE_DRAWS = 10


class ReferenceExhaustedError(RuntimeError):
    """No unused reference was found after many draws (the random source is broken)."""


def _is_retryable(error: IntegrityError) -> bool:
    message = str(error.orig)
    return any(marker in message for marker in _RETRYABLE_VIOLATIONS)


def _unused_reference(session: Session) -> str:
    for _ in range(_REFERENCE_DRAWS):
        candidate = new_reference()
        taken = session.scalar(select(Report.id).where(Report.reference == candidate))
        if taken is None:
            return candidate
    raise ReferenceExhaustedError(f"{_REFERENCE_DRAWS} references drawn were all taken")


def get_or_create_reporter(
    session: Session,
    *,
    pseudonym: str,
    telegram_user_id: int | None = None,
    telegram_username: str | None = None,
    display_name: str | None = None,
    contact_phone: str | None = None,
    language: str | None = None,
) -> Reporter:
    """The reporter with ``pseudonym``, created if new; identity fields given are updated.

    Usernames and display names change on Telegram, so non-None arguments overwrite what is
    stored. Flushes; does not commit.
    """
    given = {
        "telegram_user_id": telegram_user_id,
        "telegram_username": telegram_username,
        "display_name": display_name,
        "contact_phone": contact_phone,
        "language": language,
    }
    updates = {name: value for name, value in given.items() if value is not None}
    reporter = session.scalars(select(Reporter).where(Reporter.pseudonym == pseudonym)).first()
    if reporter is None:
        reporter = Reporter(pseudonym=pseudonym, **updates)
        try:
            # A savepoint, so that losing a race with another process keeps the caller's work.
            with session.begin_nested():
                session.add(reporter)
        except IntegrityError:
            reporter = session.scalars(
                select(Reporter).where(Reporter.pseudonym == pseudonym)
            ).one()
        else:
            return reporter
    for name, value in updates.items():
        setattr(reporter, name, value)
    session.flush()
    return reporter


def _report_row(report: NewReport, *, reference: str, reporter: Reporter | None) -> Report:
    values = {
        f.name: getattr(report, f.name) for f in dataclasses.fields(report) if f.name != "reporter"
    }
    values["details"] = dict(report.details)
    return Report(reference=reference, reporter=reporter, **values)


def _evidence_row(evidence: NewEvidence) -> Evidence:
    return Evidence(**dataclasses.asdict(evidence))


def _delivery_row(delivery: NewDelivery, *, reference: str) -> Delivery:
    key = delivery.idempotency_key or (
        f"{reference}/{delivery.agency_code}/{delivery.transport}/{delivery.payload_format}"
    )
    row = Delivery(
        agency_code=delivery.agency_code,
        transport=delivery.transport,
        payload_format=delivery.payload_format,
        idempotency_key=key,
    )
    if delivery.next_attempt_at is not None:
        row.next_attempt_at = delivery.next_attempt_at
    return row


def _unique_indicators(indicators: Sequence[NewIndicator]) -> list[NewIndicator]:
    """The first of each (kind, value): a reporter often names one number several times."""
    seen: set[tuple[str, str]] = set()
    unique: list[NewIndicator] = []
    for indicator in indicators:
        key = (indicator.kind, indicator.value)
        if key not in seen:
            seen.add(key)
            unique.append(indicator)
    return unique


def _stage_report(
    session: Session,
    *,
    report: NewReport,
    indicators: Sequence[NewIndicator],
    transcript: Sequence[NewTranscriptMessage],
    consents: Sequence[NewConsent],
    evidence: Sequence[NewEvidence],
    deliveries: Sequence[NewDelivery],
) -> Report:
    reporter = None
    if report.reporter is not None:
        reporter = get_or_create_reporter(session, **dataclasses.asdict(report.reporter))
    reference = _unused_reference(session)
    row = _report_row(report, reference=reference, reporter=reporter)
    row.indicators = [Indicator(**dataclasses.asdict(i)) for i in _unique_indicators(indicators)]
    row.transcript = [TranscriptMessage(**dataclasses.asdict(m)) for m in transcript]
    row.consents = []
    for consent in consents:
        consent_row = Consent(kind=consent.kind, granted=consent.granted, wording=consent.wording)
        if consent.recorded_at is not None:
            consent_row.recorded_at = consent.recorded_at
        row.consents.append(consent_row)
    row.evidence = [_evidence_row(e) for e in evidence]
    row.deliveries = [_delivery_row(d, reference=reference) for d in deliveries]
    session.add(row)
    session.flush()
    return row


def submit_report(
    session: Session,
    *,
    report: NewReport,
    indicators: Sequence[NewIndicator],
    transcript: Sequence[NewTranscriptMessage],
    consents: Sequence[NewConsent],
    evidence: Sequence[NewEvidence] = (),
    deliveries: Sequence[NewDelivery] = (),
) -> Report:
    """Stores a report with everything attached to it in ONE transaction, and COMMITS.

    The reporter (by pseudonym) is get-or-created in the same transaction, a fresh reference
    is drawn, repeated indicators are stored once, and deliveries enter the outbox with the
    report, so a report is never stored without its forwarding jobs (or the reverse). On any
    failure everything is rolled back (including anything else pending in ``session``) and the
    error is raised; a reference or reporter collision with a concurrent submission is retried.
    """
    for attempt in range(1, _SUBMIT_ATTEMPTS + 1):
        try:
            stored = _stage_report(
                session,
                report=report,
                indicators=indicators,
                transcript=transcript,
                consents=consents,
                evidence=evidence,
                deliveries=deliveries,
            )
            session.commit()
            metrics.report_filed(report.scam_type, report.language)
            return stored
        except IntegrityError as error:
            session.rollback()
            if attempt == _SUBMIT_ATTEMPTS or not _is_retryable(error):
                raise
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def get_report_by_reference(session: Session, *, reference: str) -> Report | None:
    """The report with ``reference``, accepting it as a person typed it (``sr 7k3m9qxd``)."""
    canonical = normalise_reference(reference)
    if canonical is None:
        return None
    return session.scalars(select(Report).where(Report.reference == canonical)).first()


def _check_indicator_kind(kind: str) -> None:
    if kind not in INDICATOR_KINDS:
        raise ValueError(f"unknown indicator kind {kind!r}")


def count_reports_by_indicator(session: Session, *, kind: str, value: str) -> int:
    """How many reports name the indicator (one row per report: (report, kind, value) is unique)."""
    _check_indicator_kind(kind)
    statement = (
        select(func.count())
        .select_from(Indicator)
        .where(Indicator.kind == kind, Indicator.value == value)
    )
    return session.scalar(statement) or 0


def reports_of_reporter(session: Session, *, pseudonym: str) -> list[Report]:
    """The reporter's reports, oldest first (none once they are erased)."""
    statement = (
        select(Report)
        .join(Reporter, Report.reporter_id == Reporter.id)
        .where(Reporter.pseudonym == pseudonym)
        .order_by(Report.created_at, Report.id)
    )
    return list(session.scalars(statement))


@dataclasses.dataclass(frozen=True)
class ReportSummary:
    """One of a reporter's reports as they may see it, with how much evidence it holds."""

    reference: str
    status: str
    filed: datetime
    evidence: int


def report_summaries_of(session: Session, *, pseudonym: str) -> list[ReportSummary]:
    """The reporter's reports with their evidence counts, oldest first."""
    return [
        ReportSummary(
            reference=report.reference,
            status=report.status,
            filed=report.created_at,
            evidence=count_evidence(session, report_id=report.id),
        )
        for report in reports_of_reporter(session, pseudonym=pseudonym)
    ]


def own_report(session: Session, *, report_id: int, pseudonym: str) -> Report | None:
    """The report ``report_id`` if the reporter ``pseudonym`` filed it, else None."""
    report = session.get(Report, report_id)
    if report is None or report.reporter is None or report.reporter.pseudonym != pseudonym:
        return None
    return report


def own_report_by_reference(session: Session, *, reference: str, pseudonym: str) -> Report | None:
    """The report with ``reference`` (as typed) if the reporter ``pseudonym`` filed it, else
    None: who filed another one is never hinted at."""
    report = get_report_by_reference(session, reference=reference)
    if report is None or report.reporter is None or report.reporter.pseudonym != pseudonym:
        return None
    return report


def reporter_by_pseudonym(session: Session, *, pseudonym: str) -> Reporter | None:
    """The reporter stored under ``pseudonym``, if any."""
    return session.scalars(select(Reporter).where(Reporter.pseudonym == pseudonym)).first()


def reporter_country(session: Session, *, pseudonym: str) -> str | None:
    """The country of the reporter's latest report: asked once per reporter, then remembered."""
    return session.scalar(
        select(Report.country)
        .join(Reporter, Report.reporter_id == Reporter.id)
        .where(Reporter.pseudonym == pseudonym, Report.country.is_not(None))
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(1)
    )


def reporter_language(session: Session, *, pseudonym: str) -> str | None:
    """The language remembered for the reporter ("en", "zh", "ms"); None when unknown."""
    return session.scalar(select(Reporter.language).where(Reporter.pseudonym == pseudonym))


def set_reporter_language(session: Session, *, pseudonym: str, language: str) -> bool:
    """Remembers the reporter's language; False when there is no such reporter (nothing is
    stored before consent, so this never creates one). Flushes; does not commit."""
    reporter = session.scalars(select(Reporter).where(Reporter.pseudonym == pseudonym)).first()
    if reporter is None or reporter.is_erased:
        return False
    reporter.language = language
    session.flush()
    return True


def count_evidence(session: Session, *, report_id: int) -> int:
    """How many evidence items the report holds."""
    return (
        session.scalar(
            select(func.count()).select_from(Evidence).where(Evidence.report_id == report_id)
        )
        or 0
    )


def add_evidence(session: Session, *, report_id: int, evidence: NewEvidence) -> Evidence:
    """Attaches an evidence item to an existing report. Flushes; does not commit."""
    row = _evidence_row(evidence)
    row.report_id = report_id
    session.add(row)
    session.flush()
    return row


def enqueue_notification(
    session: Session, *, reporter_id: int, report_id: int | None, kind: str, text: str
) -> Notification:
    """Queues a message for the bot to send the reporter. Flushes; does not commit."""
    if not text.strip():
        raise ValueError("a notification needs text")
    row = Notification(reporter_id=reporter_id, report_id=report_id, kind=kind, text=text)
    session.add(row)
    session.flush()
    return row


def update_report_status(
    session: Session, *, report: Report, status: str, reason: str | None = None
) -> Notification | None:
    """Sets the report's status (and internal ``reason``); tells the reporter, in their language,
    when allowed.

    A notification is queued only when the status changes, the reporter allowed contact
    (``contact_permission`` is not "none") and has not been erased. ``reason`` stays internal:
    it is not sent. Flushes; does not commit.
    """
    if status not in REPORT_STATUSES:
        raise ValueError(f"unknown report status {status!r}")
    changed = report.status != status
    report.status = status
    report.status_reason = reason
    report.updated_at = utcnow()
    session.flush()
    reporter = report.reporter
    if not changed or reporter is None or reporter.is_erased:
        return None
    if report.contact_permission == "none":
        return None
    return enqueue_notification(
        session,
        reporter_id=reporter.id,
        report_id=report.id,
        kind="status_update",
        text=status_update_text(status, report.reference, _language_of(reporter, report)),
    )


def _language_of(reporter: Reporter, report: Report) -> str:
    """The language to write to the reporter in: the one they last used
    (``reporters.language``), else the report's, else English."""
    return reporter.language or report.language or DEFAULT_LANGUAGE
