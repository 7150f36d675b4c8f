"""The audit log, for admins: who read or changed what, filterable."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from flask import Blueprint, render_template, request

from console import audit
from console.db import db
from console.filters import parse_day
from console.views.common import client_ip, current_viewer, int_arg, requires
from scamreport.reference import normalise_reference

blueprint = Blueprint("audit_log", __name__)

PAGE_SIZE = 100


def _day(name: str) -> date | None:
    """The date argument ``name``, or None when it is missing, malformed or out of range."""
    try:
        return parse_day(request.args.get(name, ""))
    except ValueError:
        return None


@blueprint.get("/audit")
@requires("read_audit")
def audit_log() -> Any:
    viewer = current_viewer()
    since, until = _day("since"), _day("until")
    reference_text = request.args.get("report", "").strip()
    action = request.args.get("action", "")
    filters = audit.AuditFilters(
        user_email=request.args.get("user", "").strip(),
        action=action if action in audit.ACTIONS else "",
        report_reference=(normalise_reference(reference_text) or reference_text)
        if reference_text
        else "",
        agency_code=request.args.get("agency", "").strip(),
        since=datetime.combine(since, time.min, tzinfo=timezone.utc) if since else None,
        until=datetime.combine(until + timedelta(days=1), time.min, tzinfo=timezone.utc)
        if until
        else None,
    )
    page = int_arg("page", 1)
    entries, has_next = audit.audit_page(db(), filters=filters, page=page, per_page=PAGE_SIZE)
    args = {
        key: value
        for key, value in {
            "user": filters.user_email,
            "action": filters.action,
            "report": reference_text,
            "agency": filters.agency_code,
            "since": since.isoformat() if since else "",
            "until": until.isoformat() if until else "",
        }.items()
        if value
    }
    audit.record(
        db(), action="view_audit", viewer=viewer, ip=client_ip(), details={"filters": args}
    )
    db().commit()
    return render_template("audit.html", entries=entries, page=page, has_next=has_next, args=args)
