"""The queue, the report page (status workflow, notes) and the indicator page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from console import audit
from console.agency_status import all_agency_rows, own_agency_viewer, viewer_statuses
from console.db import db, state
from console.evidence_files import evidence_integrity
from console.filters import SORTS, parse_filters
from console.queue import queue_page
from console.rendering import (
    ENGLISH_RENDERING,
    RENDERING_ARG,
    english_rendering,
    report_language,
)
from console.reports import (
    IndicatorQuery,
    WorkflowError,
    add_note,
    allowed_transitions,
    change_status,
    find_visible_report,
    indicator_report_counts,
    reports_naming,
    status_history,
    visible_notes,
)
from console.views.common import client_ip, current_viewer, int_arg, list_reports, requires
from scamreport.languages import LANGUAGE_NAMES
from scamreport.registry import RegistryError, load_registry
from scamreport.storage.codes import REPORT_STATUSES
from scamreport.storage.models import Notification, Report
from scamreport.taxonomy import LINKABLE_KINDS
from scamreport.triage import LABELS as FLAG_LABELS

blueprint = Blueprint("reports", __name__)


def agency_names() -> dict[str, str]:
    try:
        return {agency.code: agency.short_name for agency in load_registry().agencies}
    except RegistryError:
        return {}


def _visible_report_or_404(reference: str) -> Report:
    report = find_visible_report(db(), viewer=current_viewer(), reference=reference)
    if report is None:
        abort(404)
    return report


@blueprint.get("/reports")
def queue() -> Any:
    viewer = current_viewer()
    config = state().config
    filters = parse_filters(request.args)
    per_page = int_arg("per_page", config.page_size, maximum=config.max_page_size)
    page = queue_page(
        db(),
        viewer=viewer,
        filters=filters,
        page=int_arg("page", 1),
        per_page=per_page,
        count_cap=config.count_cap,
    )
    audit.record(
        db(),
        action="view_queue",
        viewer=viewer,
        ip=client_ip(),
        details={"filters": filters.to_args(), "page": page.page, "shown": len(page.rows)},
    )
    db().commit()
    return render_template(
        "queue.html",
        page=page,
        filters=filters,
        args=filters.to_args(),
        sorts=SORTS,
        statuses=REPORT_STATUSES,
        flag_labels=FLAG_LABELS,
        languages=LANGUAGE_NAMES,
        agencies=agency_names() if viewer.sees_all_agencies else {},
        pager_args=filters.to_args()
        | ({"per_page": str(per_page)} if per_page != config.page_size else {}),
    )


@blueprint.get("/reports/<reference>")
def report_page(reference: str) -> Any:
    viewer = current_viewer()
    report = _visible_report_or_404(reference)
    rendering = request.args.get(RENDERING_ARG) == ENGLISH_RENDERING
    session = db()
    audit.record(
        session,
        action="view_report",
        viewer=viewer,
        report=report,
        ip=client_ip(),
        details={RENDERING_ARG: ENGLISH_RENDERING} if rendering else None,
    )
    session.commit()
    notifications = list(
        session.scalars(
            select(Notification)
            .where(Notification.report_id == report.id)
            .order_by(Notification.created_at, Notification.id)
        )
    )
    evidence_dir = state().settings.evidence_dir
    own = viewer_statuses(session, viewer=own_agency_viewer(viewer), report_ids=[report.id])
    own_status = own[report.id]
    return render_template(
        "report.html",
        report=report,
        own_status=own_status,
        agency_rows=all_agency_rows(session, report_id=report.id)
        if viewer.sees_all_agencies
        else [],
        counts=indicator_report_counts(session, viewer=viewer, indicators=report.indicators),
        linkable_kinds=LINKABLE_KINDS,
        notes=visible_notes(session, viewer=viewer, report=report),
        history=status_history(session, viewer=viewer, report=report),
        transitions=allowed_transitions(viewer, own_status.status),
        notifications=notifications,
        integrity={item.id: evidence_integrity(evidence_dir, item) for item in report.evidence},
        agencies=agency_names(),
        flag_labels=FLAG_LABELS,
        language=report_language(report),
        rendering=english_rendering(report) if rendering else None,
    )


@blueprint.post("/reports/<reference>/status")
@requires("change_status")
def update_status(reference: str) -> Any:
    viewer = current_viewer()
    report = _visible_report_or_404(reference)
    try:
        change = change_status(
            db(),
            viewer=viewer,
            report=report,
            to_status=request.form.get("status", ""),
            reason=request.form.get("reason"),
            ip=client_ip(),
        )
    except WorkflowError as error:
        db().rollback()
        flash(f"Status not changed: {error}.", "error")
    else:
        db().commit()
        told = " The reporter will be told." if change.reporter_notified else ""
        flash(f"Status changed to {change.to_status.replace('_', ' ')}.{told}", "success")
    return redirect(url_for("reports.report_page", reference=report.reference), code=303)


@blueprint.post("/reports/<reference>/notes")
@requires("add_note")
def create_note(reference: str) -> Any:
    viewer = current_viewer()
    report = _visible_report_or_404(reference)
    try:
        add_note(
            db(), viewer=viewer, report=report, text=request.form.get("text", ""), ip=client_ip()
        )
    except WorkflowError as error:
        db().rollback()
        flash(f"Note not added: {error}.", "error")
    else:
        db().commit()
        flash("Note added.", "success")
    return redirect(
        url_for("reports.report_page", reference=report.reference, _anchor="notes"), code=303
    )


@blueprint.get("/indicators")
def indicator() -> Any:
    viewer = current_viewer()
    kind = request.args.get("kind", "")
    value = request.args.get("value", "").strip()
    if kind not in (*LINKABLE_KINDS, "domain") or not value or len(value) > 512:
        abort(400, description="Give an indicator kind and value.")
    query = IndicatorQuery(kind=kind, value=value)
    reports = reports_naming(db(), viewer=viewer, query=query)
    audit.record(
        db(),
        action="view_indicator",
        viewer=viewer,
        ip=client_ip(),
        details={"kind": kind, "value": value, "reports": [r.reference for r in reports[:200]]},
    )
    db().commit()
    list_reports(reports)
    return render_template("indicator.html", query=query, reports=reports)
