"""The authorisation matrix: every route, called as every role of two agencies and as an
anonymous visitor, answers what that caller may see and do, and nothing more."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from console_fixtures import (
    AGENCY_A,
    AGENCY_B,
    ROLES,
    SHARED_PHONE,
    ConsoleEnv,
    csrf_token_of,
    login,
)
from flask.testing import FlaskClient
from sqlalchemy import func, select

from scamreport.reference import normalise_reference
from scamreport.storage.models import Report, ReportNote

ANONYMOUS = None
CALLERS: list[tuple[str, str] | None] = [
    ANONYMOUS,
    *[(agency, role) for agency in (AGENCY_A, AGENCY_B) for role in ROLES],
]
PUBLIC_ENDPOINTS = {"auth.login", "static", "health"}
# Which agencies each seeded report is routed to.
ROUTED = {"a_hostile": {AGENCY_A}, "b_only": {AGENCY_B}, "both": {AGENCY_A, AGENCY_B}}


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    path: Callable[[ConsoleEnv], str]
    # The seeded report the request is about (None: not about one report).
    target: str | None = None
    form: Callable[[ConsoleEnv], dict[str, str]] = field(default=lambda env: {})
    # For listings: the report whose reference must show exactly when the caller may see it.
    lists: str | None = None


def ref(name: str) -> Callable[[ConsoleEnv], str]:
    return lambda env: getattr(env.reports, name)


def _next_status(env: ConsoleEnv, name: str) -> dict[str, str]:
    # A move every role may make from the current status (so allowed callers change it).
    with env.session() as session:
        status = session.scalar(select(Report.status).where(Report.reference == ref(name)(env)))
    return {"status": "referred" if status == "in_review" else "in_review"}


CASES: list[Case] = [
    Case("static", "GET", lambda env: "/static/console.css"),
    Case("auth.login", "GET", lambda env: "/login"),
    Case(
        "auth.login",
        "POST",
        lambda env: "/login",
        form=lambda env: {"email": "nobody@police.test", "password": "not the password"},
    ),
    Case("health", "GET", lambda env: "/healthz"),
    Case("index", "GET", lambda env: "/"),
    Case("reports.queue", "GET", lambda env: "/reports", lists="b_only"),
    Case("reports.queue", "GET", lambda env: "/reports?q=malaysian", lists="b_only"),
    *[
        Case("reports.report_page", "GET", lambda env, n=n: f"/reports/{ref(n)(env)}", target=n)
        for n in ROUTED
    ],
    *[
        Case(
            "reports.update_status",
            "POST",
            lambda env, n=n: f"/reports/{ref(n)(env)}/status",
            target=n,
            form=lambda env, n=n: _next_status(env, n),
        )
        for n in ROUTED
    ],
    *[
        Case(
            "reports.create_note",
            "POST",
            lambda env, n=n: f"/reports/{ref(n)(env)}/notes",
            target=n,
            form=lambda env: {"text": "checked the caller's number"},
        )
        for n in ROUTED
    ],
    Case(
        "reports.indicator",
        "GET",
        lambda env: f"/indicators?kind=phone&value={quote(SHARED_PHONE)}",
        lists="b_only",
    ),
    Case(
        "evidence.evidence_file",
        "GET",
        lambda env: (
            f"/reports/{env.reports.a_hostile}/evidence/{env.reports.evidence_ids['image']}?inline=1"
        ),
        target="a_hostile",
    ),
    Case(
        "evidence.evidence_file",
        "GET",
        lambda env: (
            f"/reports/{env.reports.a_hostile}/evidence/{env.reports.evidence_ids['document']}"
        ),
        target="a_hostile",
    ),
    # Evidence of one report asked for under another report's reference: never served.
    Case(
        "evidence.evidence_file",
        "GET",
        lambda env: f"/reports/{env.reports.b_only}/evidence/{env.reports.evidence_ids['image']}",
        target="nobody",
    ),
    Case("networks.overview", "GET", lambda env: "/networks?days=3650", lists="b_only"),
    *[
        Case(
            "networks.cluster", "GET", lambda env, n=n: f"/networks/report/{ref(n)(env)}", target=n
        )
        for n in ROUTED
    ],
    # The network of agency A's report reaches agency B's report only for those who see both.
    Case(
        "networks.cluster",
        "GET",
        lambda env: f"/networks/report/{env.reports.a_hostile}",
        target="a_hostile",
        lists="b_only",
    ),
    Case("dashboard.dashboard", "GET", lambda env: "/dashboard"),
    Case("exports.export", "GET", lambda env: "/export/csv", lists="b_only"),
    Case("exports.export", "GET", lambda env: "/export/json", lists="b_only"),
    Case("exports.export", "GET", lambda env: "/export/stix", lists="b_only"),
    Case("exports.export", "GET", lambda env: "/export/misp", lists="b_only"),
    *[
        Case(
            "exports.report_misp", "GET", lambda env, n=n: f"/reports/{ref(n)(env)}/misp", target=n
        )
        for n in ROUTED
    ],
    Case("audit_log.audit_log", "GET", lambda env: "/audit"),
    # The TAXII API takes API keys only (tests/console/test_console_taxii.py): a console
    # session, whoever's, is refused with 401 on every TAXII route.
    *[
        Case(f"taxii.{endpoint}", method, lambda env, path=path: "/taxii2/" + path, lists="b_only")
        for endpoint, method, path in (
            ("discovery", "GET", ""),
            ("api_root", "GET", "reports/"),
            ("collections", "GET", "reports/collections/"),
            ("collection", "GET", f"reports/collections/{AGENCY_A}/"),
            ("objects", "GET", f"reports/collections/{AGENCY_A}/objects/"),
            ("one_object", "GET", f"reports/collections/{AGENCY_A}/objects/report--x/"),
            ("versions", "GET", f"reports/collections/{AGENCY_A}/objects/report--x/versions/"),
            ("manifest", "GET", f"reports/collections/{AGENCY_A}/manifest/"),
            ("refuse_write", "POST", f"reports/collections/{AGENCY_A}/objects/"),
            ("refuse_write", "DELETE", f"reports/collections/{AGENCY_A}/objects/report--x/"),
        )
    ],
    # Last: signing out ends the caller's session.
    Case("auth.logout", "POST", lambda env: "/logout"),
]


def may_see(caller: tuple[str, str], target: str) -> bool:
    agency, role = caller
    if target == "nobody":
        return False
    return role == "admin" or agency in ROUTED[target]


def expected_status(case: Case, caller: tuple[str, str] | None) -> int:
    if case.endpoint == "auth.login" and case.method == "POST":
        return 401  # wrong credentials, whoever sends them
    if case.endpoint.startswith("taxii."):
        return 401  # no API key
    if caller is None:
        return 200 if case.endpoint in PUBLIC_ENDPOINTS else 302
    agency, role = caller
    if case.endpoint == "auth.login":
        return 302  # a signed-in user is sent on to the queue
    if case.endpoint in ("index", "auth.logout"):
        return 302
    if case.endpoint == "audit_log.audit_log":
        return 200 if role == "admin" else 403
    if case.target is not None and not may_see(caller, case.target):
        return 404
    if case.method == "POST":
        return 303
    return 200


def _status_of(env: ConsoleEnv, name: str) -> str:
    with env.session() as session:
        return session.scalar(select(Report.status).where(Report.reference == ref(name)(env))) or ""


def _notes_on(env: ConsoleEnv, name: str) -> int:
    with env.session() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(ReportNote)
                .join(Report, Report.id == ReportNote.report_id)
                .where(Report.reference == ref(name)(env))
            )
            or 0
        )


def _signed_in_client(env: ConsoleEnv, caller: tuple[str, str] | None) -> tuple[FlaskClient, str]:
    client = env.client()
    if caller is not None:
        login(client, *caller)
        return client, csrf_token_of(client, "/reports")
    return client, csrf_token_of(client, "/login")


def test_every_route_is_in_the_matrix(console_env: ConsoleEnv) -> None:
    routes = {
        (rule.endpoint, method)
        for rule in console_env.app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    covered = {(case.endpoint, case.method) for case in CASES}
    assert routes - covered == set(), "add the new route to CASES with who may call it"
    assert covered - routes == set()


@pytest.mark.parametrize(
    "caller", CALLERS, ids=lambda c: "anonymous" if c is None else f"{c[0]}-{c[1]}"
)
def test_authorisation_matrix(console_env: ConsoleEnv, caller: tuple[str, str] | None) -> None:
    env = console_env
    client, token = _signed_in_client(env, caller)
    failures: list[str] = []
    for case in CASES:
        path = case.path(env)
        before_status = _status_of(env, case.target) if case.target in ROUTED else None
        before_notes = _notes_on(env, case.target) if case.target in ROUTED else None
        if case.method == "POST":
            response = client.post(path, data={**case.form(env), "csrf_token": token})
        else:
            response = client.open(path, method=case.method)
        body = response.get_data(as_text=True) if response.mimetype != "image/png" else ""
        want = expected_status(case, caller)
        label = f"{case.method} {path}"
        if response.status_code != want:
            failures.append(f"{label}: {response.status_code}, expected {want}")
            continue
        location = response.headers.get("Location", "")
        if want == 302 and caller is None and "/login" not in location:
            failures.append(f"{label}: anonymous redirected to {location}")
        allowed_change = caller is not None and want == 303
        if case.endpoint == "reports.update_status":
            changed = _status_of(env, case.target or "") != before_status
            if changed != allowed_change:
                failures.append(f"{label}: status changed={changed}, allowed={allowed_change}")
        if case.endpoint == "reports.create_note":
            added = _notes_on(env, case.target or "") - (before_notes or 0)
            if added != (1 if allowed_change else 0):
                failures.append(f"{label}: {added} notes added, allowed={allowed_change}")
        if case.lists and caller is not None and want == 200:
            hidden = getattr(env.reports, case.lists)
            shown = hidden in body
            if shown != may_see(caller, case.lists):
                failures.append(f"{label}: {case.lists} shown={shown}")
        if case.target in ROUTED and want == 404:
            # A refused caller learns nothing about the report.
            reference = normalise_reference(ref(case.target)(env)) or ""
            story_fragment = "Malaysian" if case.target == "b_only" else "Interpol"
            if story_fragment in body:
                failures.append(f"{label}: refused page shows the report's story ({reference})")
    assert failures == []


def test_a_signed_out_session_cookie_no_longer_works(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    cookie = client.get_cookie("console_session")
    assert cookie is not None
    token = csrf_token_of(client, "/reports")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    # Replaying the old cookie (as a thief would) is refused: the session ended on the server.
    thief = console_env.client()
    thief.set_cookie("console_session", cookie.value)
    response = thief.get("/reports")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
