"""Who may see and do what: the viewer's scope over reports and the role permissions.

An analyst or supervisor sees only the reports routed to their agency (a Delivery row with
their agency's code); an admin sees every report. A report outside the viewer's scope is
answered with 404, so its existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, select, true

from scamreport.storage.models import Delivery, Report

# What each role may do beyond reading the reports in its scope.
PERMISSIONS: dict[str, frozenset[str]] = {
    "analyst": frozenset({"add_note", "change_status", "export"}),
    # Supervisors also sign off closing a report and may reopen a closed one.
    "supervisor": frozenset({"add_note", "change_status", "close_report", "export"}),
    "admin": frozenset(
        {"add_note", "change_status", "close_report", "export", "read_audit", "all_agencies"}
    ),
}


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as the queries need them."""

    user_id: int
    email: str
    agency_code: str
    role: str

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())

    @property
    def sees_all_agencies(self) -> bool:
        return self.can("all_agencies")


def report_scope(viewer: Viewer, report_id: Any = None) -> ColumnElement[bool]:
    """A condition true for the reports ``viewer`` may see (``report_id``: defaults to
    ``Report.id``; pass another column to scope rows that reference reports)."""
    if viewer.sees_all_agencies:
        return true()
    column = Report.id if report_id is None else report_id
    return exists(
        select(Delivery.id).where(
            Delivery.report_id == column, Delivery.agency_code == viewer.agency_code
        )
    )
