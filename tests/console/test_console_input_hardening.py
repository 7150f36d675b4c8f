"""Shared reports keep each agency's status apart; hostile input gets a 400 or is handled,
never a 500 (SQLite and PostgreSQL); CSV cells never start a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from console_fixtures import (
    AGENCY_A,
    AGENCY_B,
    ConsoleEnv,
    build_console_env,
    csrf_token_of,
    login,
)
from sqlalchemy import select, update

from console.agency_status import shared_status
from console.exports import neutralise_cell
from scamreport.storage.models import AgencyStatus, Evidence, Report


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ConsoleEnv]:
    url = None
    if request.param == "postgres":
        factory: Callable[[], str] = request.getfixturevalue("postgres_database_factory")
        url = factory()
    built = build_console_env(tmp_path, database_url=url)
    yield built
    built.engine.dispose()


def _move(env: ConsoleEnv, agency: str, role: str, status: str, reason: str = "") -> None:
    client = env.client()
    login(client, agency, role)
    reference = env.reports.both
    token = csrf_token_of(client, f"/reports/{reference}")
    response = client.post(
        f"/reports/{reference}/status",
        data={"status": status, "reason": reason, "csrf_token": token},
        follow_redirects=True,
    )
    assert "Status changed" in response.get_data(as_text=True)


def _shared(env: ConsoleEnv) -> tuple[str, str | None]:
    with env.session() as session:
        report = session.scalars(select(Report).where(Report.reference == env.reports.both)).one()
        return report.status, report.status_reason


def test_one_agencys_close_is_its_own(env: ConsoleEnv) -> None:
    reason = "Internal: suspect already charged in case KL-1234"
    _move(env, AGENCY_A, "supervisor", "closed", reason)
    # Agency B still has the report as received, sees neither the reason nor the closer.
    b = env.client()
    login(b, AGENCY_B, "analyst")
    page = b.get(f"/reports/{env.reports.both}").get_data(as_text=True)
    assert "KL-1234" not in page
    assert "supervisor@sg-spf" not in page
    assert "Other agencies working on this report keep their own status" in page
    assert env.reports.both in b.get("/reports?status=received").get_data(as_text=True)
    assert "KL-1234" not in b.get("/export/json").get_data(as_text=True)
    # The reporter is not told it is closed while agency B still works on it.
    assert _shared(env) == ("received", None)
    _move(env, AGENCY_B, "analyst", "in_review")
    assert _shared(env) == ("in_review", None)
    a = env.client()
    login(a, AGENCY_A, "analyst")
    page_a = a.get(f"/reports/{env.reports.both}").get_data(as_text=True)
    assert "KL-1234" in page_a and "analyst@my-pdrm" not in page_a
    # Once B closes too, the report is closed for the reporter.
    _move(env, AGENCY_B, "supervisor", "closed", "no further leads")
    assert _shared(env) == ("closed", None)
    with env.session() as session:
        rows = {
            row.agency_code: (row.status, row.reason, row.changed_by_email)
            for row in session.scalars(select(AgencyStatus))
        }
    assert rows == {
        AGENCY_A: ("closed", reason, "supervisor@sg-spf.police.test"),
        AGENCY_B: ("closed", "no further leads", "supervisor@my-pdrm.police.test"),
    }
    # An admin sees every agency's status and reason.
    admin = env.client()
    login(admin, AGENCY_A, "admin")
    admin_page = admin.get(f"/reports/{env.reports.both}").get_data(as_text=True)
    assert "KL-1234" in admin_page and "no further leads" in admin_page


def test_shared_status_rules() -> None:
    assert shared_status([]) == "received"
    assert shared_status(["closed", "received"]) == "received"
    assert shared_status(["closed", "referred", "in_review"]) == "referred"
    assert shared_status(["closed", "closed"]) == "closed"


BAD_QUERIES = [
    "/reports?date_to=9999-12-31",
    "/reports?date_from=0001-01-01&date_to=9999-12-31",
    "/reports?page=999999999999999999999999999999",
    "/reports?page=99999999999&per_page=200",
    "/reports?amount_min=1e999999",
    "/reports?amount_max=1e-999999",
    "/reports?amount_min=NaN&amount_max=-Infinity",
    "/reports?q=%00abc",
    "/reports?country=%00",
    "/indicators?kind=phone&value=%2B65%00",
    "/export/csv?date_to=9999-12-31",
    "/export/json?amount_min=1e999999",
    "/audit?since=9999-12-31&until=9999-12-31&page=1e99",
    "/audit?user=%00&page=99999999999999999999",
    "/dashboard?days=99999999999999999999",
    "/networks?days=-99999999999999999999",
]


def test_hostile_query_strings_get_no_500(env: ConsoleEnv) -> None:
    client = env.client()
    login(client, AGENCY_A, "admin")
    for path in BAD_QUERIES:
        response = client.get(path)
        assert response.status_code in (200, 400), (path, response.status_code)
        body = response.get_data(as_text=True)
        if "%00" in path:
            assert response.status_code == 400 and "NUL character" in body, path
        if path.startswith("/export/") and response.status_code == 400:
            assert "outside" in body or "at most" in body, path


def test_out_of_range_filters_are_named(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    page = client.get("/reports?date_to=9999-12-31&amount_min=1e999999").get_data(as_text=True)
    assert "is outside 1900-01-01 to 2999-12-31" in page
    assert "must be at most 999,999,999,999.99" in page


def test_nul_bytes_in_forms_get_400(env: ConsoleEnv) -> None:
    client = env.client()
    login(client, AGENCY_A, "supervisor")
    reference = env.reports.a_hostile
    token = csrf_token_of(client, f"/reports/{reference}")
    for path, data in (
        (f"/reports/{reference}/notes", {"text": "call\x00back"}),
        (f"/reports/{reference}/status", {"status": "closed", "reason": "dup\x00"}),
        ("/login", {"email": "x\x00@y.test", "password": "p"}),
    ):
        response = client.post(path, data={**data, "csrf_token": token})
        assert response.status_code == 400, path
        assert "NUL character" in response.get_data(as_text=True)


def test_a_file_name_with_cr_lf_downloads_under_a_safe_name(env: ConsoleEnv) -> None:
    with env.session() as session:
        session.execute(
            update(Evidence)
            .where(Evidence.id == env.reports.evidence_ids["document"])
            .values(filename='receipt\r\nSet-Cookie: x=1\r\n"../../evil".pdf')
        )
        session.commit()
    client = env.client()
    login(client, AGENCY_A, "analyst")
    response = client.get(
        f"/reports/{env.reports.a_hostile}/evidence/{env.reports.evidence_ids['document']}"
    )
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert not any(c.startswith("x=") for c in response.headers.getlist("Set-Cookie"))
    assert "receipt__Set-Cookie: x=1___.._.._evil_.pdf" in disposition


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "\n=1",
        '  =HYPERLINK("http://x")',
        "\u3000=1",
        "\u200b=1",
        "＝1+1",
        "＋1",
        "－1",
        "＠SUM(A1)",
        "﹦1",
        "\u22121",
    ],
)
def test_csv_cells_that_could_run_are_neutralised(value: str) -> None:
    assert neutralise_cell(value).startswith("'")


@pytest.mark.parametrize("value", ["hello", "SR-AAAA-BBBB", "5000 SGD", "a=b", ""])
def test_ordinary_csv_cells_are_left_alone(value: str) -> None:
    assert neutralise_cell(value) == value


def test_the_csv_export_neutralises_a_hostile_story(console_env: ConsoleEnv) -> None:
    with console_env.session() as session:
        session.execute(
            update(Report)
            .where(Report.reference == console_env.reports.a_phishing)
            .values(story=" ＝cmd|' /C calc'!A0", claimed_agency="\t@evil")
        )
        session.commit()
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    text = client.get("/export/csv").get_data(as_text=True).lstrip("\ufeff")
    rows = {row["reference"]: row for row in csv.DictReader(io.StringIO(text))}
    row = rows[console_env.reports.a_phishing]
    assert row["story"].startswith("'") and row["claimed_agency"].startswith("'")
