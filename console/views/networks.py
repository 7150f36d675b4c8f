"""Networks: the clusters of the viewer's reports and a clickable graph of each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from sqlalchemy import select

from console import audit
from console.agency_status import viewer_statuses
from console.dashboard import start_of_day
from console.db import db
from console.networks import Cluster, cluster_around, find_clusters, graph_json
from console.reports import find_visible_report
from console.views.common import client_ip, current_viewer, int_arg, list_reports
from scamreport.storage.models import Report
from scamreport.storage.types import utcnow
from scamreport.taxonomy import SCAM_TYPES

blueprint = Blueprint("networks", __name__)

MAX_LISTED_CLUSTERS = 50
# The default window: long enough to link a campaign, short enough to stay fast.
DEFAULT_DAYS = 30
MAX_GRAPHED_CLUSTERS = 12
MEMBERS_SHOWN = 20


def _window() -> tuple[int, str | None]:
    days = int_arg("days", DEFAULT_DAYS, minimum=1, maximum=3650)
    scam_type = request.args.get("scam_type") or None
    if scam_type is not None and scam_type not in SCAM_TYPES:
        scam_type = None
    return days, scam_type


def _clusters(days: int, scam_type: str | None) -> list[Cluster]:
    since = start_of_day(utcnow().date() - timedelta(days=days - 1))
    return find_clusters(db(), viewer=current_viewer(), since=since, scam_type=scam_type)


def _with_urls(graph: dict[str, Any]) -> dict[str, Any]:
    """Adds links to the graph's nodes, and each report's status as the viewer sees it."""
    report_ids = [int(node["id"][1:]) for node in graph["nodes"] if node["type"] == "report"]
    statuses = viewer_statuses(db(), viewer=current_viewer(), report_ids=report_ids)
    for node in graph["nodes"]:
        if node["type"] == "report":
            node["status"] = statuses[int(node["id"][1:])].status
            node["url"] = url_for("reports.report_page", reference=node["reference"])
            node["cluster_url"] = url_for("networks.cluster", reference=node["reference"])
        else:
            node["url"] = url_for("reports.indicator", kind=node["kind"], value=node["label"])
    return graph


@blueprint.get("/networks")
def overview() -> Any:
    viewer = current_viewer()
    days, scam_type = _window()
    clusters = _clusters(days, scam_type)
    listed = clusters[:MAX_LISTED_CLUSTERS]
    # A few newest members of each listed cluster are enough for the table.
    shown_ids = {rid for c in listed for rid in sorted(c.report_ids, reverse=True)[:MEMBERS_SHOWN]}
    reports = (
        {r.id: r for r in db().scalars(select(Report).where(Report.id.in_(shown_ids)))}
        if shown_ids
        else {}
    )
    audit.record(
        db(),
        action="view_networks",
        viewer=viewer,
        ip=client_ip(),
        details={"days": days, "scam_type": scam_type, "clusters": len(clusters)},
    )
    db().commit()
    rows = []
    for cluster in listed:
        members = sorted(
            (reports[rid] for rid in sorted(cluster.report_ids, reverse=True)[:MEMBERS_SHOWN]),
            key=lambda r: (r.created_at, r.id),
            reverse=True,
        )
        rows.append({"cluster": cluster, "members": members, "seed": members[0]})
    return render_template(
        "networks.html",
        rows=rows,
        total=len(clusters),
        days=days,
        scam_type=scam_type,
        graph_data=_with_urls(graph_json(db(), clusters=clusters[:MAX_GRAPHED_CLUSTERS])),
    )


@blueprint.get("/networks/report/<reference>")
def cluster(reference: str) -> Any:
    viewer = current_viewer()
    report = find_visible_report(db(), viewer=viewer, reference=reference)
    if report is None:
        abort(404)
    found, truncated = cluster_around(db(), viewer=viewer, report=report)
    audit.record(
        db(),
        action="view_network",
        viewer=viewer,
        report=report,
        ip=client_ip(),
        details={"reports": found.size, "truncated": truncated},
    )
    db().commit()
    members = sorted(
        db().scalars(select(Report).where(Report.id.in_(found.report_ids))),
        key=lambda r: r.created_at,
        reverse=True,
    )
    list_reports(members)
    return render_template(
        "cluster.html",
        seed=report,
        cluster=found,
        members=members,
        truncated=truncated,
        graph_data=_with_urls(graph_json(db(), clusters=[found], seed_id=report.id)),
    )
