"""Evidence files: images shown inline, everything else downloaded; every open is audited."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request, send_file

from console import audit
from console.db import db, state
from console.evidence_files import download_name, evidence_path, is_inline_image
from console.reports import find_visible_report
from console.views.common import client_ip, current_viewer

blueprint = Blueprint("evidence", __name__)


@blueprint.get("/reports/<reference>/evidence/<int:evidence_id>")
def evidence_file(reference: str, evidence_id: int) -> Any:
    viewer = current_viewer()
    report = find_visible_report(db(), viewer=viewer, reference=reference)
    if report is None:
        abort(404)
    item = next((e for e in report.evidence if e.id == evidence_id), None)
    if item is None:
        abort(404)
    path = evidence_path(state().settings.evidence_dir, item)
    if path is None:
        abort(404, description="The evidence file is not on this server.")
    inline = request.args.get("inline") == "1" and is_inline_image(item)
    audit.record(
        db(),
        action="view_evidence",
        viewer=viewer,
        report=report,
        ip=client_ip(),
        details={"evidence_id": item.id, "sha256": item.sha256, "inline": inline},
    )
    db().commit()
    response = send_file(
        path,
        mimetype=item.mime_type if inline else "application/octet-stream",
        as_attachment=not inline,
        download_name=download_name(item, fallback=f"{report.reference}-evidence-{item.id}"),
        conditional=False,
        etag=False,
        max_age=0,
    )
    # Whatever the file holds, the browser must not run it as a page of this site.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # The hash of what the reporter sent; of the bytes served when they differ (an image
    # kept without its metadata).
    response.headers["X-Evidence-SHA256"] = item.sha256
    if item.stored_sha256:
        response.headers["X-Evidence-Stored-SHA256"] = item.stored_sha256
    return response
