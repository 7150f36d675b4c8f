"""One report as the console shows it, and what an analyst does to it: notes, status changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from console.access import Viewer, report_scope
from console.agency_status import agency_statuses_of, current_status, set_agency_status
from console.audit import record
from scamreport.reference import normalise_reference
from scamreport.statuses import status_label
from scamreport.storage.models import Indicator, Report, ReportNote, StatusChange
from scamreport.storage.repository import update_report_status
from scamreport.taxonomy import LINKABLE_KINDS

# The status workflow: received -> in review -> referred or actioned -> closed (with a reason);
# a closed report can be reopened (back to in review).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("in_review", "closed"),
    "in_review": ("referred", "actioned", "closed"),
    "referred": ("actioned", "in_review", "closed"),
    "actioned": ("in_review", "closed"),
    "closed": ("in_review",),
}
MAX_NOTE_LENGTH = 5000
MAX_REASON_LENGTH = 2000


class WorkflowError(ValueError):
    """The status change is not allowed (wrong step, missing reason, or role)."""


def find_visible_report(session: Session, *, viewer: Viewer, reference: str) -> Report | None:
    """The report with ``reference`` if the viewer may see it, with its parts loaded."""
    canonical = normalise_reference(reference)
    if canonical is None:
        return None
    statement = (
        select(Report)
        .where(Report.reference == canonical, report_scope(viewer))
        .options(
            selectinload(Report.indicators),
            selectinload(Report.transcript),
            selectinload(Report.evidence),
            selectinload(Report.deliveries),
            selectinload(Report.consents),
        )
    )
    return session.scalars(statement).first()


def allowed_transitions(viewer: Viewer, current: Report | str) -> list[str]:
    """The statuses the viewer may move a report to from ``current`` (the viewer's agency's
    status, see console.agency_status; a Report stands for its ``status``)."""
    status = current if isinstance(current, str) else current.status
    if not viewer.can("change_status"):
        return []
    allowed = list(TRANSITIONS.get(status, ()))
    if not viewer.can("close_report"):
        allowed = [step for step in allowed if step != "closed"]
        if status == "closed":
            allowed = []
    return allowed


def change_status(
    session: Session,
    *,
    viewer: Viewer,
    report: Report,
    to_status: str,
    reason: str | None,
    ip: str | None = None,
) -> StatusChange:
    """Moves the viewer's agency's status of the report along the workflow; when that moves
    the shared status, queues the reporter's feedback message through
    ``update_report_status``; writes the history and audit rows. Flushes; does not commit."""
    reason = (reason or "").strip() or None
    from_status = current_status(session, report=report, agency_code=viewer.agency_code)
    if to_status not in allowed_transitions(viewer, from_status):
        raise WorkflowError(
            f"{status_label(from_status)} cannot be changed to "
            f"{status_label(to_status)[:40]} by a {viewer.role}"
        )
    if to_status == "closed" and reason is None:
        raise WorkflowError("closing a report needs a reason")
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise WorkflowError(f"the reason is longer than {MAX_REASON_LENGTH} characters")
    shared = set_agency_status(
        session, viewer=viewer, report=report, status=to_status, reason=reason
    )
    # The shared row keeps a reason only when no other agency works on the report.
    only_this_agency = set(agency_statuses_of(session, report_id=report.id)) <= {viewer.agency_code}
    notification = update_report_status(
        session, report=report, status=shared, reason=reason if only_this_agency else None
    )
    change = StatusChange(
        report_id=report.id,
        user_id=viewer.user_id,
        author_email=viewer.email,
        agency_code=viewer.agency_code,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        reporter_notified=notification is not None,
    )
    session.add(change)
    record(
        session,
        action="change_status",
        viewer=viewer,
        report=report,
        ip=ip,
        details={
            "from": from_status,
            "to": to_status,
            "shared_status": shared,
            "reason": reason,
            "notification_id": notification.id if notification else None,
        },
    )
    session.flush()
    return change


def status_history(session: Session, *, viewer: Viewer, report: Report) -> list[StatusChange]:
    """The report's status changes the viewer may see: their agency's (admins: all)."""
    statement = (
        select(StatusChange)
        .where(StatusChange.report_id == report.id)
        .order_by(StatusChange.created_at, StatusChange.id)
    )
    if not viewer.sees_all_agencies:
        statement = statement.where(StatusChange.agency_code == viewer.agency_code)
    return list(session.scalars(statement))


def add_note(
    session: Session, *, viewer: Viewer, report: Report, text: str, ip: str | None = None
) -> ReportNote:
    """Adds a note (visible to the author's agency and admins). Flushes; does not commit."""
    text = text.strip()
    if not viewer.can("add_note"):
        raise WorkflowError(f"a {viewer.role} cannot add notes")
    if not text:
        raise WorkflowError("the note is empty")
    if len(text) > MAX_NOTE_LENGTH:
        raise WorkflowError(f"the note is longer than {MAX_NOTE_LENGTH} characters")
    note = ReportNote(
        report_id=report.id,
        user_id=viewer.user_id,
        author_email=viewer.email,
        agency_code=viewer.agency_code,
        text=text,
    )
    session.add(note)
    session.flush()
    record(
        session,
        action="add_note",
        viewer=viewer,
        report=report,
        ip=ip,
        details={"note_id": note.id},
    )
    return note


def visible_notes(session: Session, *, viewer: Viewer, report: Report) -> list[ReportNote]:
    statement = (
        select(ReportNote)
        .where(ReportNote.report_id == report.id)
        .order_by(ReportNote.created_at, ReportNote.id)
    )
    if not viewer.sees_all_agencies:
        statement = statement.where(ReportNote.agency_code == viewer.agency_code)
    return list(session.scalars(statement))


def indicator_report_counts(
    session: Session, *, viewer: Viewer, indicators: Sequence[Indicator]
) -> dict[tuple[str, str], int]:
    """For each (kind, value): how many reports in the viewer's scope name it."""
    values_by_kind: dict[str, set[str]] = {}
    for item in indicators:
        if item.kind in LINKABLE_KINDS:
            values_by_kind.setdefault(item.kind, set()).add(item.value)
    if not values_by_kind:
        return {}
    # One "kind = ? AND value IN (...)" per kind: each uses the (kind, value) index.
    named = or_(
        *(
            and_(Indicator.kind == kind, Indicator.value.in_(sorted(values)))
            for kind, values in sorted(values_by_kind.items())
        )
    )
    rows = session.execute(
        select(Indicator.kind, Indicator.value, func.count(func.distinct(Indicator.report_id)))
        .where(named, report_scope(viewer, Indicator.report_id))
        .group_by(Indicator.kind, Indicator.value)
    ).all()
    return {(kind, value): count for kind, value, count in rows}


@dataclass(frozen=True)
class IndicatorQuery:
    """What the indicator page lists: one indicator (kind, value), or every url or e-mail
    indicator on a registrable domain (kind "domain")."""

    kind: str
    value: str

    @property
    def label(self) -> str:
        return f"{self.kind}: {self.value}"


def reports_naming(
    session: Session, *, viewer: Viewer, query: IndicatorQuery, limit: int = 500
) -> list[Report]:
    """Reports in the viewer's scope naming the indicator, newest first."""
    if query.kind == "domain":
        condition = Indicator.registrable_domain == query.value.lower()
    else:
        condition = (Indicator.kind == query.kind) & (Indicator.value == query.value)
    matching = select(Indicator.report_id).where(condition)
    statement = (
        select(Report)
        .where(Report.id.in_(matching), report_scope(viewer))
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))
