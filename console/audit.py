"""The audit log: every read of a report and every change, and who did it; browsed by admins."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from console.access import Viewer
from scamreport.storage.models import AuditEntry, Report

# Actions written to the log, with the words the audit page shows for them.
ACTIONS: dict[str, str] = {
    "login": "signed in",
    "login_failed": "failed to sign in",
    "login_throttled": "was refused sign-in (too many failures)",
    "login_busy": "was asked to sign in again later (server busy)",
    "logout": "signed out",
    "session_expired": "was signed out (idle or session too old)",
    "view_queue": "listed reports",
    "view_report": "read a report",
    "view_evidence": "opened evidence",
    "view_indicator": "listed reports naming an indicator",
    "view_network": "opened a network",
    "view_networks": "listed networks",
    "view_dashboard": "opened the dashboard",
    "export": "exported reports",
    "change_status": "changed a report's status",
    "add_note": "added a note",
    "view_audit": "read the audit log",
    "taxii_read": "read reports over TAXII",
}


def record(
    session: Session,
    *,
    action: str,
    viewer: Viewer | None = None,
    report: Report | None = None,
    details: Mapping[str, Any] | None = None,
    ip: str | None = None,
    email: str | None = None,
    agency_code: str | None = None,
) -> AuditEntry:
    """Adds an entry in the caller's transaction. Flushes; does not commit. Without a
    ``viewer`` (a failed login, a TAXII key), ``email`` and ``agency_code`` say who it was."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(
        action=action,
        user_id=viewer.user_id if viewer else None,
        user_email=viewer.email if viewer else email,
        agency_code=viewer.agency_code if viewer else agency_code,
        role=viewer.role if viewer else None,
        report_id=report.id if report else None,
        report_reference=report.reference if report else None,
        ip=ip,
        details=dict(details or {}),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditFilters:
    user_email: str = ""
    action: str = ""
    report_reference: str = ""
    agency_code: str = ""
    since: datetime | None = None
    until: datetime | None = None


def audit_statement(filters: AuditFilters) -> Select[Any]:
    statement = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if filters.user_email:
        statement = statement.where(AuditEntry.user_email == filters.user_email.strip().lower())
    if filters.action:
        statement = statement.where(AuditEntry.action == filters.action)
    if filters.report_reference:
        statement = statement.where(
            AuditEntry.report_reference == filters.report_reference.strip().upper()
        )
    if filters.agency_code:
        statement = statement.where(AuditEntry.agency_code == filters.agency_code)
    if filters.since is not None:
        statement = statement.where(AuditEntry.at >= filters.since)
    if filters.until is not None:
        statement = statement.where(AuditEntry.at < filters.until)
    return statement


def audit_page(
    session: Session, *, filters: AuditFilters, page: int, per_page: int
) -> tuple[Sequence[AuditEntry], bool]:
    """One page of entries, newest first, and whether another page follows."""
    statement = audit_statement(filters).offset((max(page, 1) - 1) * per_page).limit(per_page + 1)
    entries = list(session.scalars(statement))
    return entries[:per_page], len(entries) > per_page
