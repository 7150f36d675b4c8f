"""Every page and action of the console on PostgreSQL (the production database)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from console_fixtures import (
    AGENCY_A,
    AGENCY_B,
    SHARED_PHONE,
    build_console_env,
    csrf_token_of,
    login,
)
from sqlalchemy import select

from scamreport.storage.models import AuditEntry, Report

pytestmark = pytest.mark.postgres


def test_every_page_and_action_works_on_postgres(
    postgres_database_factory: Callable[[], str], tmp_path: Path
) -> None:
    env = build_console_env(tmp_path, database_url=postgres_database_factory())
    r = env.reports
    try:
        for agency, role in ((AGENCY_A, "analyst"), (AGENCY_B, "admin")):
            client = env.client()
            login(client, agency, role)
            for path in (
                "/reports",
                "/reports?q=interpol&has_evidence=yes&amount_min=10&sort=amount_desc",
                "/reports?date_from=2020-01-01&country=SG&scam_type=fake_authority",
                f"/reports/{r.a_hostile}",
                f"/reports/{r.a_hostile}/evidence/{r.evidence_ids['image']}?inline=1",
                f"/indicators?kind=phone&value={quote(SHARED_PHONE)}",
                "/indicators?kind=domain&value=fake-police.example",
                "/networks?days=30",
                f"/networks/report/{r.a_hostile}",
                "/dashboard?days=365",
                "/export/csv?q=masks",
                "/export/json",
                "/export/stix",
            ):
                response = client.get(path)
                assert response.status_code == 200, (role, path, response.status_code)
                assert response.get_data()  # reads streamed exports to the end
            token = csrf_token_of(client, f"/reports/{r.a_hostile}")
            # Each agency moves its own status (per-agency status, migration 0004).
            status = "in_review"
            moved = client.post(
                f"/reports/{r.a_hostile}/status", data={"status": status, "csrf_token": token}
            )
            noted = client.post(
                f"/reports/{r.a_hostile}/notes", data={"text": "on postgres", "csrf_token": token}
            )
            assert (moved.status_code, noted.status_code) == (303, 303)
        admin = env.client()
        login(admin, AGENCY_B, "admin")
        assert admin.get("/audit?action=change_status").status_code == 200
        with env.session() as session:
            assert (
                session.scalar(select(Report.status).where(Report.reference == r.a_hostile))
                == "in_review"
            )
            actions = set(session.scalars(select(AuditEntry.action)))
        assert {"view_report", "view_evidence", "export", "change_status", "add_note"} <= actions
    finally:
        env.engine.dispose()
