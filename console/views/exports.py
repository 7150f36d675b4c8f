"""Exports of the filtered queue as CSV, JSON, STIX 2.1 or MISP (same filters as the queue), and
of one report as a MISP event."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from flask import Blueprint, Response, abort, request, stream_with_context

from console import audit
from console.agency_status import viewer_statuses
from console.db import db, state
from console.exports import (
    EXPORT_FORMATS,
    misp_event_json,
    stream_csv,
    stream_json,
    stream_misp,
    stream_stix,
)
from console.filters import parse_filters
from console.queue import queue_statement
from console.reports import find_visible_report
from console.views.common import client_ip, current_viewer, requires
from scamreport.forwarding.misp import DEFAULT_TLP
from scamreport.registry import RegistryError, load_registry
from scamreport.storage.models import Report

blueprint = Blueprint("exports", __name__)


def viewer_tlp(agency_code: str) -> str:
    """The TLP level the viewer's agency receives MISP events with (amber when unknown)."""
    try:
        agency = load_registry().by_code(agency_code)
    except RegistryError:
        return DEFAULT_TLP
    return agency.delivery.tlp if agency is not None and agency.delivery else DEFAULT_TLP


# An export holds at most this many reports (the newest, in the queue's order).
MAX_EXPORT_REPORTS = 100_000
# The audit entry lists the references of an export up to this many.
MAX_AUDITED_REFERENCES = 1_000


@blueprint.get("/export/<fmt>")
@requires("export")
def export(fmt: str) -> Any:
    if fmt not in EXPORT_FORMATS:
        abort(404)
    viewer = current_viewer()
    filters = parse_filters(request.args)
    if filters.errors:
        abort(400, description="; ".join(filters.errors))
    session = db()
    statement = queue_statement(viewer, filters, session.get_bind().dialect.name)
    rows = session.execute(
        statement.with_only_columns(Report.id, Report.reference).limit(MAX_EXPORT_REPORTS)
    ).all()
    ids = [row[0] for row in rows]
    statuses = viewer_statuses(session, viewer=viewer, report_ids=ids)
    audit.record(
        session,
        action="export",
        viewer=viewer,
        ip=client_ip(),
        details={
            "format": fmt,
            "filters": filters.to_args(),
            "count": len(ids),
            "references": [row[1] for row in rows[:MAX_AUDITED_REFERENCES]],
        },
    )
    session.commit()
    session.close()

    factory = state().session_factory
    if fmt == "csv":
        body = stream_csv(factory, ids, statuses)
    elif fmt == "json":
        body = stream_json(
            factory,
            ids,
            agency_code=viewer.agency_code,
            filters=filters.to_args(),
            statuses=statuses,
        )
    elif fmt == "misp":
        body = stream_misp(factory, ids, tlp=viewer_tlp(viewer.agency_code))
    else:
        body = stream_stix(factory, ids, bundle_id=f"bundle--{uuid.uuid4()}")
    content_type, extension = EXPORT_FORMATS[fmt]
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    filename = f"scam-reports-{viewer.agency_code}-{stamp}.{extension}"
    return Response(
        stream_with_context(body),
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@blueprint.get("/reports/<reference>/misp")
@requires("export")
def report_misp(reference: str) -> Any:
    """One report as a MISP event file (only a report the viewer may see: 404 otherwise)."""
    viewer = current_viewer()
    session = db()
    report = find_visible_report(session, viewer=viewer, reference=reference)
    if report is None:
        abort(404)
    body = misp_event_json(report, tlp=viewer_tlp(viewer.agency_code))
    audit.record(
        session,
        action="export",
        viewer=viewer,
        report=report,
        ip=client_ip(),
        details={"format": "misp", "count": 1, "references": [report.reference]},
    )
    session.commit()
    content_type, extension = EXPORT_FORMATS["misp"]
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{report.reference}.{extension}"'},
    )
