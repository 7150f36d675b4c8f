"""MISP exports: one report's event from its page, and the filtered queue as MISP's JSON export;
both read back with PyMISP, both scoped and audited like the other exports."""

from __future__ import annotations

import json

from console_fixtures import AGENCY_A, AGENCY_B, SHARED_PHONE, ConsoleEnv, login
from pymisp import MISPEvent
from sqlalchemy import select

from scamreport.storage.models import AuditEntry


def _phones(event: MISPEvent) -> list[str]:
    return [
        attribute.value
        for obj in event.objects
        if obj.name == "phone-number"
        for attribute in obj.get_attributes_by_relation("phone-number")
    ]


def test_the_report_page_offers_its_misp_event(console_env: ConsoleEnv) -> None:
    env = console_env
    client = env.client()
    login(client, AGENCY_A, "analyst")
    page = client.get(f"/reports/{env.reports.a_hostile}").get_data(as_text=True)
    assert f'href="/reports/{env.reports.a_hostile}/misp"' in page
    assert "MISP event" in page

    response = client.get(f"/reports/{env.reports.a_hostile}/misp")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{env.reports.a_hostile}.misp.json"'
    )
    event = MISPEvent()
    event.load(response.get_data(as_text=True))
    assert env.reports.a_hostile in event.info
    assert SHARED_PHONE in _phones(event)
    assert "tlp:amber" in [tag.name for tag in event.tags]
    # The evidence of this report travels as file metadata only.
    assert len([obj for obj in event.objects if obj.name == "file"]) == 2
    entries = list(env.session().scalars(select(AuditEntry).where(AuditEntry.action == "export")))
    assert any(
        entry.details["format"] == "misp" and entry.details["references"] == [env.reports.a_hostile]
        for entry in entries
    )


def test_a_report_of_another_agency_has_no_misp_event(console_env: ConsoleEnv) -> None:
    env = console_env
    client = env.client()
    login(client, AGENCY_A, "analyst")
    assert client.get(f"/reports/{env.reports.b_only}/misp").status_code == 404
    assert client.get("/reports/SR-NOPE-NOPE/misp").status_code == 404
    other = env.client()
    login(other, AGENCY_B, "analyst")
    assert other.get(f"/reports/{env.reports.b_only}/misp").status_code == 200
    anonymous = env.client()
    assert anonymous.get(f"/reports/{env.reports.b_only}/misp").status_code in (302, 401)


def test_the_queue_exports_its_filtered_reports_as_misp_events(console_env: ConsoleEnv) -> None:
    env = console_env
    client = env.client()
    login(client, AGENCY_A, "analyst")
    assert "/export/misp" in client.get("/reports").get_data(as_text=True)
    response = client.get("/export/misp?scam_type=fake_shop")
    assert response.status_code == 200
    document = json.loads(response.get_data(as_text=True))
    infos = []
    for item in document["response"]:
        event = MISPEvent()
        event.load(item)
        infos.append(event.info)
    assert infos == [
        f"Scam report {env.reports.a_plain[1]}: fake_shop",
        f"Scam report {env.reports.a_plain[0]}: fake_shop",
    ]
    everything = json.loads(client.get("/export/misp").get_data(as_text=True))["response"]
    assert len(everything) == 7
    assert env.reports.b_only not in json.dumps(everything)
