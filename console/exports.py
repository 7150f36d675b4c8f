"""Exports of a filtered set of reports: CSV, JSON, STIX 2.1 and MISP, streamed in chunks.

Each chunk is read in its own short transaction (on SQLite every transaction holds the write
lock, so a 100,000-report export must not keep one open). JSON reuses the forwarding payload
(``scamreport.forwarding.payload``), STIX the forwarding bundle (``scamreport.forwarding.stix``)
and MISP the forwarding event (``scamreport.forwarding.misp``), so an export says what a
delivery says.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from console.agency_status import StatusView
from scamreport.forwarding.misp import build_misp_event, event_document
from scamreport.forwarding.payload import build_payload, iso_timestamp
from scamreport.forwarding.stix import build_stix_bundle
from scamreport.storage.models import Report

CHUNK_SIZE = 500
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    # format -> (content type, file extension)
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "stix": ("application/stix+json;version=2.1", "stix.json"),
    # MISP's own JSON export of several events: {"response": [{"Event": ...}, ...]}.
    "misp": ("application/json", "misp.json"),
}
CSV_COLUMNS: tuple[str, ...] = (
    "reference",
    "created_at",
    "status",
    "scam_type",
    "contact_channel",
    "country",
    # The reporter's language ("en", "zh", "ms"); empty: not recorded (before it was kept).
    "language",
    "urgent",
    # scamreport.triage flags, comma separated ("minor,ongoing").
    "triage_flags",
    "incident_date",
    "claimed_agency",
    "claimed_identity",
    "scammer_contact",
    "demand",
    "money_lost",
    "amount_lost",
    "currency",
    "payment_method",
    "payee_account",
    "shop_name",
    "shop_link",
    "indicators",
    "evidence_sha256",
    "story",
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection), also
# after leading spaces, and some read the full-width or small forms (＝ ＋ － ＠ ﹦ ﹢ ﹣) and the
# minus sign as the ASCII ones; NFKC maps those forms to ASCII.
_FORMULA_LEADS = frozenset("=+-@\u2212")
_CONTROL_LEADS = ("\t", "\r", "\n")
# Characters spreadsheets skip before a formula that str.strip() keeps.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def is_formula_like(value: str) -> bool:
    """True for text a spreadsheet could run as a formula."""
    if value.startswith(_CONTROL_LEADS):
        return True
    rest = value.lstrip().lstrip(_INVISIBLE).lstrip()
    return bool(rest) and unicodedata.normalize("NFKC", rest[0])[:1] in _FORMULA_LEADS


def neutralise_cell(value: str) -> str:
    """Prefixes ``'`` to text a spreadsheet would read as a formula."""
    return "'" + value if is_formula_like(value) else value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return iso_timestamp(value)
    return neutralise_cell(str(value))


def csv_row(report: Report, status: StatusView | None = None) -> list[str]:
    """One CSV line; ``status``: the report's status as the exporting viewer sees it."""
    values: dict[str, Any] = {name: getattr(report, name, None) for name in CSV_COLUMNS}
    values["status"] = status.status if status is not None else report.status
    values["indicators"] = "; ".join(f"{i.kind}:{i.value}" for i in report.indicators)
    values["evidence_sha256"] = "; ".join(e.sha256 for e in report.evidence)
    return [_cell(values[name]) for name in CSV_COLUMNS]


def export_document(
    report: Report, *, agency_code: str, status: StatusView | None = None
) -> dict[str, Any]:
    """One report of a JSON export: the forwarding payload's report, plus its status as the
    exporting viewer sees it (their agency's own status and reason)."""
    payload = build_payload(
        report, idempotency_key=f"export/{report.reference}", agency_code=agency_code
    )
    document = dict(payload["report"])
    status = status or StatusView(report.status)
    document["status"] = status.status
    document["status_reason"] = status.reason
    document["indicators"] = payload["indicators"]
    document["evidence"] = payload["evidence"]
    return document


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK_SIZE):
        yield ids[start : start + CHUNK_SIZE]


def _load_reports(factory: sessionmaker[Session], ids: Sequence[int]) -> Iterator[Report]:
    """The reports ``ids`` in that order, fully loaded, read in short transactions."""
    for chunk in _chunks(ids):
        with factory() as session:
            rows = session.scalars(
                select(Report)
                .where(Report.id.in_(chunk))
                .options(
                    selectinload(Report.indicators),
                    selectinload(Report.evidence),
                    selectinload(Report.reporter),
                )
            ).all()
        # Closing (not rolling back) ends the transaction and keeps the loaded attributes.
        by_id = {report.id: report for report in rows}
        for report_id in chunk:
            report = by_id.get(report_id)
            if report is not None:
                yield report


def stream_csv(
    factory: sessionmaker[Session],
    ids: Sequence[int],
    statuses: Mapping[int, StatusView] | None = None,
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    # A byte-order mark so spreadsheet programs read the file as UTF-8.
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + flush()
    for count, report in enumerate(_load_reports(factory, ids), start=1):
        writer.writerow(csv_row(report, (statuses or {}).get(report.id)))
        if count % 100 == 0:
            yield flush()
    yield flush()


def stream_json(
    factory: sessionmaker[Session],
    ids: Sequence[int],
    *,
    agency_code: str,
    filters: Mapping[str, str],
    statuses: Mapping[int, StatusView] | None = None,
) -> Iterator[str]:
    header = {
        "export_type": "scamreport.console_export",
        "export_version": 1,
        "generated_at": iso_timestamp(datetime.now(timezone.utc)),
        "agency_code": agency_code,
        "filters": dict(filters),
        "count": len(ids),
    }
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "reports": ['
    for index, report in enumerate(_load_reports(factory, ids)):
        prefix = "" if index == 0 else ","
        yield prefix + json.dumps(
            export_document(
                report, agency_code=agency_code, status=(statuses or {}).get(report.id)
            ),
            ensure_ascii=False,
        )
    yield "]}"


def stream_stix(
    factory: sessionmaker[Session], ids: Sequence[int], *, bundle_id: str
) -> Iterator[str]:
    """One STIX 2.1 bundle holding every report's objects; objects shared between reports (the
    identity, markings, extension definitions, observables with the same value) appear once."""
    yield json.dumps({"type": "bundle", "id": bundle_id})[:-1] + ', "objects": ['
    seen: set[str] = set()
    first = True
    for report in _load_reports(factory, ids):
        bundle = build_stix_bundle(report, idempotency_key=f"export/{report.reference}")
        for obj in bundle.objects:
            object_id = str(obj["id"])
            if object_id in seen:
                continue
            seen.add(object_id)
            text = (
                obj.serialize(ensure_ascii=False)
                if hasattr(obj, "serialize")
                else json.dumps(obj, ensure_ascii=False)
            )
            yield ("" if first else ",") + text
            first = False
    yield "]}"


def misp_event_json(report: Report, *, tlp: str) -> str:
    """One report as MISP's ``{"Event": ...}`` document (the forwarding event)."""
    return json.dumps(event_document(build_misp_event(report, tlp=tlp)), ensure_ascii=False)


def stream_misp(factory: sessionmaker[Session], ids: Sequence[int], *, tlp: str) -> Iterator[str]:
    """Every report as one MISP event, in MISP's JSON export form (``{"response": [...]}``,
    which PyMISP's ``MISPEvent.load`` and MISP's import read)."""
    yield '{"response": ['
    for index, report in enumerate(_load_reports(factory, ids)):
        yield ("" if index == 0 else ",") + misp_event_json(report, tlp=tlp)
    yield "]}"
