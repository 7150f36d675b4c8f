"""Each agency's own status of a report, and the shared status the reporter is told.

A report routed to several agencies is worked on by each separately: an agency sees and
changes only its own status, reason and closer (``console_agency_statuses``); an agency that
has not acted has the report as "received". ``reports.status`` is what the reporter hears
about: the furthest step any agency has reached, and "closed" only once every agency closed
it. Admins see every agency's row and, in lists, the shared status.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from console.access import Viewer
from scamreport.storage.models import AgencyStatus, Delivery, Report
from scamreport.storage.types import utcnow

INITIAL_STATUS = "received"
# The order of progress for the shared status; "closed" counts only when every agency closed.
PROGRESS: tuple[str, ...] = ("received", "in_review", "referred", "actioned")
_CHUNK = 500


@dataclass(frozen=True)
class StatusView:
    """A status as one viewer may see it (reason and closer only from their own agency)."""

    status: str
    reason: str | None = None
    changed_by: str | None = None


def shared_status(statuses: Iterable[str]) -> str:
    """The status the reporter is told, from every agency's status."""
    values = list(statuses)
    still_open = [status for status in values if status != "closed"]
    if values and not still_open:
        return "closed"
    return max(still_open, key=PROGRESS.index, default=INITIAL_STATUS)


def viewer_status_expression(viewer: Viewer) -> ColumnElement[str]:
    """SQL for the status of ``Report`` as the viewer sees it (for filters)."""
    if viewer.sees_all_agencies:
        return Report.status
    own = (
        select(AgencyStatus.status)
        .where(AgencyStatus.report_id == Report.id, AgencyStatus.agency_code == viewer.agency_code)
        .scalar_subquery()
    )
    return func.coalesce(own, INITIAL_STATUS)


def agency_row(session: Session, *, report_id: int, agency_code: str) -> AgencyStatus | None:
    return session.get(AgencyStatus, (report_id, agency_code))


def all_agency_rows(session: Session, *, report_id: int) -> list[AgencyStatus]:
    return list(
        session.scalars(
            select(AgencyStatus)
            .where(AgencyStatus.report_id == report_id)
            .order_by(AgencyStatus.agency_code)
        )
    )


def own_agency_viewer(viewer: Viewer) -> Viewer:
    """The viewer as a member of their own agency only (an admin's own agency's status)."""
    return Viewer(
        user_id=viewer.user_id, email=viewer.email, agency_code=viewer.agency_code, role="analyst"
    )


def viewer_statuses(
    session: Session, *, viewer: Viewer, report_ids: Collection[int]
) -> dict[int, StatusView]:
    """The status of each report as the viewer sees it: their agency's own (with its reason),
    or the shared status for admins. Reads in chunks (SQLite limits bound parameters)."""
    ids = sorted(set(report_ids))
    views: dict[int, StatusView] = {}
    for start in range(0, len(ids), _CHUNK):
        views.update(_statuses_of_chunk(session, viewer=viewer, ids=ids[start : start + _CHUNK]))
    return views


def _statuses_of_chunk(
    session: Session, *, viewer: Viewer, ids: list[int]
) -> dict[int, StatusView]:
    if viewer.sees_all_agencies:
        rows = session.execute(select(Report.id, Report.status).where(Report.id.in_(ids)))
        return {report_id: StatusView(status) for report_id, status in rows}
    views = {report_id: StatusView(INITIAL_STATUS) for report_id in ids}
    for row in session.scalars(
        select(AgencyStatus).where(
            AgencyStatus.report_id.in_(ids), AgencyStatus.agency_code == viewer.agency_code
        )
    ):
        views[row.report_id] = StatusView(row.status, row.reason, row.changed_by_email)
    return views


def _locked_row(session: Session, *, report_id: int, agency_code: str) -> AgencyStatus | None:
    """The agency's row, locked until commit on PostgreSQL (two changes at once queue up)."""
    return session.scalars(
        select(AgencyStatus)
        .where(AgencyStatus.report_id == report_id, AgencyStatus.agency_code == agency_code)
        .with_for_update()
    ).first()


def current_status(session: Session, *, report: Report, agency_code: str) -> str:
    row = _locked_row(session, report_id=report.id, agency_code=agency_code)
    return row.status if row is not None else INITIAL_STATUS


def set_agency_status(
    session: Session, *, viewer: Viewer, report: Report, status: str, reason: str | None
) -> str:
    """Stores the viewer's agency's status; returns the shared status the reporter should now
    be told. Flushes; does not commit."""
    row = _locked_row(session, report_id=report.id, agency_code=viewer.agency_code)
    if row is None:
        row = AgencyStatus(report_id=report.id, agency_code=viewer.agency_code)
        session.add(row)
    row.status = status
    row.reason = reason
    row.changed_by_user_id = viewer.user_id
    row.changed_by_email = viewer.email
    row.updated_at = utcnow()
    session.flush()
    return shared_status(agency_statuses_of(session, report_id=report.id).values())


def agency_statuses_of(session: Session, *, report_id: int) -> dict[str, str]:
    """Every agency of the report (routed to it, or having set a status) and its status."""
    routed = session.scalars(
        select(Delivery.agency_code).where(Delivery.report_id == report_id).distinct()
    )
    statuses = dict.fromkeys(routed, INITIAL_STATUS)
    for row in all_agency_rows(session, report_id=report_id):
        statuses[row.agency_code] = row.status
    return statuses
