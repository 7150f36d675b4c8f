"""Sign-in hardening: no open redirect, an atomic throttle under concurrency (SQLite and
PostgreSQL), a bounded hashing pool, the password policy and the absolute session lifetime."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from console_fixtures import (
    AGENCY_A,
    PASSWORD,
    ConsoleEnv,
    build_console_env,
    csrf_token_of,
    email_of,
    login,
)
from sqlalchemy import select, update

from console.config import ConsoleConfig
from console.db import state
from console.passwords import check_password_strength
from console.users import UserError, create_user
from scamreport.storage.models import AuditEntry, ConsoleSession, LoginThrottle
from scamreport.storage.types import utcnow


def _post_login(client, email: str, password: str, **kwargs):  # type: ignore[no-untyped-def]
    token = csrf_token_of(client)
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, **kwargs
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ConsoleEnv]:
    """The seeded console on a SQLite file or a fresh PostgreSQL database."""
    url = None
    if request.param == "postgres":
        factory: Callable[[], str] = request.getfixturevalue("postgres_database_factory")
        url = factory()
    # No attempt gives up waiting for a hashing slot, however slow the machine.
    config = ConsoleConfig(hash_concurrency=4, hash_wait_seconds=600)
    env = build_console_env(tmp_path, database_url=url, config=config)
    yield env
    env.engine.dispose()


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/ /evil.example",
        "//evil.example",
        "/\\evil.example",
        "/\\\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        " /reports",
        "/\x00/evil.example",
        "/\x7f/evil.example",
    ],
)
def test_sign_in_never_redirects_off_site(console_env: ConsoleEnv, target: str) -> None:
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
    if "\x00" in target:  # refused before anything else: no field accepts a NUL
        assert response.status_code == 400
        return
    assert response.headers["Location"] == "/reports"
    # Signed in already, the GET form of the same link also stays on the site.
    assert client.get("/login", query_string={"next": target}).headers["Location"] == "/reports"


def test_the_reported_open_redirect_is_closed(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    response = client.get("/login?next=/%09/evil.example")
    assert response.headers["Location"] == "/reports"
    assert client.get("/login?next=/dashboard%3Fdays%3D7").headers["Location"] == (
        "/dashboard?days=7"
    )


def _concurrently(count: int, attempt: Callable[[int], int]) -> Counter[int]:
    """Runs ``attempt(i)`` for i in range(count) in threads released together; status codes."""
    barrier = threading.Barrier(count)
    codes: list[int] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        barrier.wait()
        code = attempt(index)
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(codes)


def test_simultaneous_wrong_passwords_get_exactly_the_allowed_checks(
    any_db_env: ConsoleEnv,
) -> None:
    email = email_of(AGENCY_A, "analyst")
    clients = [any_db_env.client() for _ in range(30)]
    tokens = [csrf_token_of(client) for client in clients]

    def attempt(index: int) -> int:
        return (
            clients[index]
            .post(
                "/login",
                data={
                    "email": email,
                    "password": "wrong guess number one",
                    "csrf_token": tokens[index],
                },
            )
            .status_code
        )

    codes = _concurrently(30, attempt)
    assert codes == Counter({401: 5, 429: 25})
    with any_db_env.session() as session:
        actions = Counter(session.scalars(select(AuditEntry.action)))
    assert actions["login_failed"] == 5 and actions["login_throttled"] == 25


def test_one_address_cannot_spread_guesses_over_many_accounts(any_db_env: ConsoleEnv) -> None:
    clients = [any_db_env.client() for _ in range(26)]
    tokens = [csrf_token_of(client) for client in clients]

    def attempt(index: int) -> int:
        return (
            clients[index]
            .post(
                "/login",
                data={
                    "email": f"random{index}@nowhere.test",
                    "password": "wrong guess number two",
                    "csrf_token": tokens[index],
                },
            )
            .status_code
        )

    assert _concurrently(26, attempt) == Counter({401: 20, 429: 6})
    # The same limit holds for a real account from that address, even with the right password.
    assert (
        _post_login(any_db_env.client(), email_of(AGENCY_A, "admin"), PASSWORD).status_code == 429
    )
    # Another address is not affected.
    other = any_db_env.client()
    ok = _post_login(
        other, email_of(AGENCY_A, "admin"), PASSWORD, environ_base={"REMOTE_ADDR": "10.1.1.1"}
    )
    assert ok.status_code == 302


def test_one_account_is_limited_across_addresses(console_env: ConsoleEnv) -> None:
    email = email_of(AGENCY_A, "supervisor")
    codes = Counter(
        _post_login(
            console_env.client(),
            email,
            "wrong guess number three",
            environ_base={"REMOTE_ADDR": f"10.0.0.{index}"},
        ).status_code
        for index in range(22)
    )
    assert codes == Counter({401: 20, 429: 2})


def test_a_busy_hashing_pool_answers_503_and_gives_the_attempt_back(
    tmp_path: Path,
) -> None:
    env = build_console_env(
        tmp_path, config=ConsoleConfig(hash_concurrency=1, hash_wait_seconds=0.0)
    )
    try:
        pool = state(env.app).hashing
        client = env.client()
        with pool.slot():  # another sign-in is hashing
            busy = _post_login(client, email_of(AGENCY_A, "analyst"), PASSWORD)
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "5"
        assert "busy" in busy.get_data(as_text=True)
        with env.session() as session:
            assert set(session.scalars(select(LoginThrottle.attempts))) == {0}
        assert _post_login(client, email_of(AGENCY_A, "analyst"), PASSWORD).status_code == 302
    finally:
        env.engine.dispose()


def test_the_hashing_pool_never_runs_more_hashes_than_its_slots(tmp_path: Path) -> None:
    env = build_console_env(
        tmp_path, config=ConsoleConfig(hash_concurrency=2, hash_wait_seconds=600)
    )
    pool = state(env.app).hashing
    running = 0
    peak = 0
    lock = threading.Lock()
    real_slot = pool.slot

    class CountingSlot:
        def __enter__(self) -> None:
            nonlocal running, peak
            self.inner = real_slot()
            self.inner.__enter__()
            with lock:
                running += 1
                peak = max(peak, running)

        def __exit__(self, *exc: object) -> None:
            nonlocal running
            with lock:
                running -= 1
            self.inner.__exit__(*exc)

    pool.slot = CountingSlot  # type: ignore[method-assign]
    try:
        clients = [env.client() for _ in range(12)]
        tokens = [csrf_token_of(client) for client in clients]

        def attempt(index: int) -> int:
            return (
                clients[index]
                .post(
                    "/login",
                    data={
                        "email": f"someone{index}@nowhere.test",
                        "password": "a wrong password",
                        "csrf_token": tokens[index],
                    },
                    environ_base={"REMOTE_ADDR": f"10.2.0.{index}"},
                )
                .status_code
            )

        assert _concurrently(12, attempt) == Counter({401: 12})
        assert peak == 2
    finally:
        env.engine.dispose()


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("password1234", "common"),
        ("Password1234", "common"),
        ("qwertyuiop12", "common"),
        ("iloveyou12345", "easy to guess"),
        ("aaaaaaaaaaaaaaa", "easy to guess"),
        ("short", "at least 12"),
        (" padded passphrase words ", "spaces"),
    ],
)
def test_weak_passwords_are_refused(password: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        check_password_strength(password)


def test_a_password_made_of_the_users_own_address_is_refused(console_env: ConsoleEnv) -> None:
    with console_env.session() as session, pytest.raises(UserError, match="easy to guess"):
        create_user(
            session,
            email="tan.wei@spf.gov.sg",
            password="tan.wei.spf.gov",
            agency_code=AGENCY_A,
            role="analyst",
        )


def test_passphrases_are_accepted() -> None:
    for password in (PASSWORD, "a long passphrase 42", "violet kettle under ninety stairs"):
        check_password_strength(password)


def test_an_active_session_still_ends_at_its_lifetime(console_env: ConsoleEnv) -> None:
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    with console_env.session() as session:
        # Active a moment ago, signed in 13 hours ago (the default lifetime is 12 hours).
        session.execute(
            update(ConsoleSession).values(
                created_at=utcnow() - timedelta(hours=13), last_seen_at=utcnow()
            )
        )
        session.commit()
    response = client.get("/reports")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "time limit" in client.get(response.headers["Location"]).get_data(as_text=True)
    with console_env.session() as session:
        row = session.scalars(select(ConsoleSession)).one()
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "session_expired")
        ).one()
    assert row.ended_at is not None and entry.details == {"why": "lifetime"}


def test_session_lifetime_comes_from_the_environment() -> None:
    assert ConsoleConfig.from_env({}).session_lifetime == timedelta(hours=12)
    assert ConsoleConfig.from_env({"CONSOLE_SESSION_MAX_HOURS": "8"}).session_lifetime == (
        timedelta(hours=8)
    )
