"""Accounts, sessions, CSRF and the login rate limit."""

from __future__ import annotations

from datetime import timedelta

from console_fixtures import (
    AGENCY_A,
    PASSWORD,
    ConsoleEnv,
    csrf_token_of,
    email_of,
    login,
)
from sqlalchemy import select, update

from console import create_app
from console.config import ConsoleConfig
from scamreport.settings import get_settings
from scamreport.storage.models import (
    AuditEntry,
    ConsoleSession,
    ConsoleUser,
    LoginAttempt,
    LoginThrottle,
    Report,
    StatusChange,
)
from scamreport.storage.types import utcnow


def _post_login(client, email: str, password: str, **kwargs):  # type: ignore[no-untyped-def]
    token = csrf_token_of(client)
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, **kwargs
    )


def _audit_actions(env: ConsoleEnv) -> list[str]:
    with env.session() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_passwords_are_stored_as_argon2id_hashes(console_env: ConsoleEnv) -> None:
    with console_env.session() as session:
        hashes = list(session.scalars(select(ConsoleUser.password_hash)))
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(PASSWORD not in h for h in hashes)


def test_login_sets_a_session_cookie_that_scripts_cannot_read(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    response = _post_login(client, email_of(AGENCY_A, "analyst").upper(), PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/reports"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development/test: plain HTTP on the loopback
    assert client.get("/reports").status_code == 200
    assert _audit_actions(console_env)[-2:] == ["login", "view_queue"]


def test_outside_development_the_cookie_is_secure_and_host_bound(console_env: ConsoleEnv) -> None:
    settings = get_settings(
        {
            "SCAMREPORT_ENV": "production",
            "PSEUDONYM_KEY": "p" * 32,
            "CONSOLE_SECRET_KEY": "s" * 32,
            "DATABASE_URL": console_env.settings.database_url,
            "SCAMREPORT_DATA_DIR": str(console_env.settings.data_dir),
        }
    )
    app = create_app(settings, session_factory=console_env.session_factory, config=ConsoleConfig())
    client = app.test_client()
    page = client.get("/login", base_url="https://console.police.test")
    html = page.get_data(as_text=True)
    marker = 'name="csrf_token" value="'
    token = html[html.index(marker) + len(marker) :].split('"', 1)[0]
    response = client.post(
        "/login",
        data={"email": email_of(AGENCY_A, "analyst"), "password": PASSWORD, "csrf_token": token},
        base_url="https://console.police.test",
        headers={"Referer": "https://console.police.test/login"},
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-console=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    assert "Strict-Transport-Security" in response.headers


def test_wrong_password_and_unknown_user_get_the_same_answer(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    wrong = _post_login(client, email_of(AGENCY_A, "analyst"), "not the password at all")
    unknown = _post_login(client, "nobody@police.test", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong e-mail or password." in wrong.get_data(as_text=True)
    assert "Wrong e-mail or password." in unknown.get_data(as_text=True)
    assert client.get("/reports").status_code == 302
    assert _audit_actions(console_env) == ["login_failed", "login_failed"]


def test_a_password_typed_into_the_email_field_is_not_logged(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    assert _post_login(client, "my secret passphrase", "").status_code == 401
    assert _post_login(client, "my secret passphrase", "x").status_code == 401
    with console_env.session() as session:
        logged = [e.user_email for e in session.scalars(select(AuditEntry))]
        attempts = list(session.scalars(select(LoginAttempt.email)))
    assert logged and all("secret" not in (email or "") for email in logged)
    assert attempts and all("secret" not in email for email in attempts)


def test_five_failures_in_fifteen_minutes_refuse_even_the_right_password(
    console_env: ConsoleEnv,
) -> None:
    client = console_env.client()
    email = email_of(AGENCY_A, "analyst")
    for _ in range(5):
        assert _post_login(client, email, "guess guess guess").status_code == 401
    refused = _post_login(client, email, PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert client.get("/reports").status_code == 302

    # The limit is per address and e-mail: the same user elsewhere is not locked out ...
    elsewhere = console_env.client()
    assert (
        _post_login(
            elsewhere, email, PASSWORD, environ_base={"REMOTE_ADDR": "10.9.8.7"}
        ).status_code
        == 302
    )
    # ... and once the failures are older than the window, the user may sign in again.
    with console_env.session() as session:
        session.execute(
            update(LoginThrottle).values(window_started_at=utcnow() - timedelta(minutes=16))
        )
        session.commit()
    assert _post_login(client, email, PASSWORD).status_code == 302
    assert "login_throttled" in _audit_actions(console_env)


def test_a_successful_login_resets_the_failure_count(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    email = email_of(AGENCY_A, "analyst")
    for _ in range(4):
        _post_login(client, email, "guess guess guess")
    assert _post_login(client, email, PASSWORD).status_code == 302
    other = console_env.client()
    for _ in range(4):
        assert _post_login(other, email, "guess guess guess").status_code == 401
    assert _post_login(other, email, PASSWORD).status_code == 302


def test_an_idle_session_expires(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    assert client.get("/reports").status_code == 200
    with console_env.session() as session:
        session.execute(
            update(ConsoleSession).values(last_seen_at=utcnow() - timedelta(minutes=31))
        )
        session.commit()
    response = client.get("/reports")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed out after a period of inactivity" in page
    assert "session_expired" in _audit_actions(console_env)
    with console_env.session() as session:
        assert session.scalars(select(ConsoleSession)).one().ended_at is not None


def test_activity_keeps_a_session_alive_and_the_cookie_expires_with_it(
    console_env: ConsoleEnv,
) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    with console_env.session() as session:
        session.execute(
            update(ConsoleSession).values(last_seen_at=utcnow() - timedelta(minutes=29))
        )
        session.commit()
    response = client.get("/reports")
    assert response.status_code == 200
    assert "Expires=" in response.headers["Set-Cookie"]
    with console_env.session() as session:
        seen = session.scalars(select(ConsoleSession)).one().last_seen_at
    assert utcnow() - seen < timedelta(minutes=1)


def test_a_deactivated_user_is_signed_out(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    with console_env.session() as session:
        session.execute(update(ConsoleUser).values(active=False))
        session.commit()
    assert client.get("/reports").status_code == 302
    assert _post_login(client, email_of(AGENCY_A, "analyst"), PASSWORD).status_code == 401


def test_forms_without_a_csrf_token_are_refused(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    no_token = client.post(
        "/login", data={"email": email_of(AGENCY_A, "analyst"), "password": PASSWORD}
    )
    assert no_token.status_code == 400
    assert "security token" in no_token.get_data(as_text=True)

    login(client, AGENCY_A, "analyst")
    reference = console_env.reports.a_hostile
    for data in ({"status": "in_review"}, {"status": "in_review", "csrf_token": "forged"}):
        refused = client.post(f"/reports/{reference}/status", data=data)
        assert refused.status_code == 400
    assert client.post(f"/reports/{reference}/notes", data={"text": "x"}).status_code == 400
    assert client.post("/logout").status_code == 400
    with console_env.session() as session:
        assert session.scalar(select(Report.status).where(Report.reference == reference)) == (
            "received"
        )
        assert session.scalars(select(StatusChange)).first() is None
    # The same form with the page's token goes through.
    token = csrf_token_of(client, f"/reports/{reference}")
    accepted = client.post(
        f"/reports/{reference}/status", data={"status": "in_review", "csrf_token": token}
    )
    assert accepted.status_code == 303


def test_login_only_returns_to_pages_of_this_site(console_env: ConsoleEnv) -> None:
    for target, expected in (
        ("//evil.example/phish", "/reports"),
        ("https://evil.example/", "/reports"),
        ("/\\evil.example", "/reports"),
        ("/dashboard", "/dashboard"),
    ):
        client = console_env.client()
        token = csrf_token_of(client)
        response = client.post(
            "/login",
            data={
                "email": email_of(AGENCY_A, "analyst"),
                "password": PASSWORD,
                "csrf_token": token,
                "next": target,
            },
        )
        assert response.headers["Location"] == expected


def test_anonymous_visitors_are_sent_to_login_and_back(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    response = client.get("/dashboard?x=1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/dashboard")


def test_pages_carry_security_headers(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    response = client.get("/reports")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    # Static files may be cached (and revalidated); only pages with report data are no-store.
    assert client.get("/static/console.css").headers.get("Cache-Control") != "no-store"


def test_idle_timeout_is_configurable_from_the_environment() -> None:
    assert ConsoleConfig.from_env({}).idle_timeout == timedelta(minutes=30)
    config = ConsoleConfig.from_env(
        {"CONSOLE_IDLE_TIMEOUT_MINUTES": "10", "CONSOLE_LOGIN_MAX_FAILURES": "3"}
    )
    assert config.idle_timeout == timedelta(minutes=10)
    assert config.login_max_failures == 3
