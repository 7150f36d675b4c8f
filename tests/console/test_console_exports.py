"""Exports of a filtered set: CSV (formula-safe), JSON and STIX 2.1."""

from __future__ import annotations

import csv
import io
import json

import stix2
from console_fixtures import AGENCY_A, SHARED_PHONE, ConsoleEnv, login
from sqlalchemy import select, update

from console.exports import CSV_COLUMNS, csv_row, neutralise_cell
from scamreport.storage.models import AuditEntry, Report


def _csv(client, query: str = "") -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get(f"/export/csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_export_of_a_filtered_set(console_env: ConsoleEnv) -> None:
    env = console_env
    client = env.client()
    login(client, AGENCY_A, "analyst")
    rows = _csv(client, "?scam_type=fake_shop")
    assert [row["reference"] for row in rows] == [env.reports.a_plain[1], env.reports.a_plain[0]]
    everything = _csv(client)
    assert len(everything) == 7
    assert env.reports.b_only not in {row["reference"] for row in everything}
    hostile = next(row for row in everything if row["reference"] == env.reports.a_hostile)
    assert hostile["amount_lost"] == "5000.00" and hostile["currency"] == "SGD"
    assert f"phone:{SHARED_PHONE}" in hostile["indicators"]
    assert len(hostile["evidence_sha256"].split("; ")) == 2
    assert hostile["story"].startswith("He said he was from Interpol.")
    (entry,) = [
        e
        for e in env.session().scalars(select(AuditEntry).where(AuditEntry.action == "export"))
        if e.details["filters"] == {"scam_type": "fake_shop"}
    ]
    assert entry.details["format"] == "csv" and entry.details["count"] == 2
    assert entry.details["references"] == [env.reports.a_plain[1], env.reports.a_plain[0]]


def test_csv_cells_cannot_become_spreadsheet_formulas(console_env: ConsoleEnv) -> None:
    env = console_env
    with env.session() as session:
        session.execute(
            update(Report)
            .where(Report.reference == env.reports.a_phishing)
            .values(story='=HYPERLINK("http://evil.example","click")', claimed_identity="@SUM(1+1)")
        )
        session.commit()
    client = env.client()
    login(client, AGENCY_A, "analyst")
    (row,) = [r for r in _csv(client) if r["reference"] == env.reports.a_phishing]
    assert row["story"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["claimed_identity"] == "'@SUM(1+1)"
    for dangerous in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert neutralise_cell(dangerous) == "'" + dangerous
    assert neutralise_cell("plain 1+1") == "plain 1+1"


def test_csv_row_has_every_column() -> None:
    report = Report(reference="SR-AAAA-BBBB", scam_type="other", status="received", story="x")
    report.indicators = []
    report.evidence = []
    assert len(csv_row(report)) == len(CSV_COLUMNS)


def test_json_export(console_env: ConsoleEnv) -> None:
    env = console_env
    client = env.client()
    login(client, AGENCY_A, "analyst")
    response = client.get("/export/json?q=interpol")
    assert response.mimetype == "application/json"
    document = json.loads(response.get_data(as_text=True))
    assert document["export_type"] == "scamreport.console_export"
    assert document["filters"] == {"q": "interpol"}
    assert document["count"] == 1
    (report,) = document["reports"]
    assert report["reference"] == env.reports.a_hostile
    assert report["status"] == "received"
    assert report["money"] == {
        "lost": True,
        "amount": "5000.00",
        "currency": "SGD",
        "payment_method": None,
        "payee_account": None,
    }
    assert {
        "kind": "phone",
        "value": SHARED_PHONE,
        "registrable_domain": None,
        "source": "conversation",
    } in report["indicators"]
    assert len(report["evidence"]) == 2


def test_stix_export_is_a_valid_bundle(console_env: ConsoleEnv) -> None:
    env = console_env
    client = env.client()
    login(client, AGENCY_A, "analyst")
    response = client.get("/export/stix")
    assert response.mimetype == "application/stix+json"
    text = response.get_data(as_text=True)
    bundle = stix2.parse(text, allow_custom=True)
    objects = bundle.objects
    ids = [obj["id"] for obj in objects]
    assert len(ids) == len(set(ids)), "objects shared by reports appear once"
    reports = [obj for obj in objects if obj["type"] == "report"]
    assert len(reports) == 7
    patterns = [obj["pattern"] for obj in objects if obj["type"] == "indicator"]
    assert f"[phone-number:value = '{SHARED_PHONE}']" in patterns
    assert any(p.startswith("[url:value = ") for p in patterns)
    # Two reports name the same phone: one observable object, two indicators.
    phones = [obj for obj in objects if obj["type"] == "phone-number"]
    assert len(phones) == 1
    assert sum(1 for p in patterns if SHARED_PHONE in p) == 2


def test_unknown_formats_and_bad_filters_are_refused(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    assert client.get("/export/xlsx").status_code == 404
    assert client.get("/export/csv?amount_min=lots").status_code == 400
