"""`scamreport users` creates console accounts; `scamreport console` is registered."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from console.passwords import verify_password
from scamreport.cli import build_parser, main
from scamreport.storage.database import make_engine, make_session_factory, upgrade_database
from scamreport.storage.models import ConsoleUser


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SCAMREPORT_ENV", "test")
    monkeypatch.setenv("SCAMREPORT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", url)
    upgrade_database(url)  # the start step: the commands only check the schema
    return url


def _run(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def _users(url: str) -> list[ConsoleUser]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return list(session.scalars(select(ConsoleUser).order_by(ConsoleUser.email)))
    finally:
        engine.dispose()


def test_users_create_reads_the_password_from_stdin(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["users", "create", "--agency", "sg-spf", "--role", "analyst"]
    code = _run(
        monkeypatch,
        [*argv, "--email", "Tan.Wei@SPF.gov.sg", "--password-stdin"],
        "a long passphrase 42\n",
    )
    assert code == 0
    assert "created tan.wei@spf.gov.sg (analyst at sg-spf)" in capsys.readouterr().out
    (user,) = _users(cli_env)
    assert (user.email, user.agency_code, user.role, user.active) == (
        "tan.wei@spf.gov.sg",
        "sg-spf",
        "analyst",
        True,
    )
    assert verify_password(user.password_hash, "a long passphrase 42")
    assert not verify_password(user.password_hash, "a long passphrase 42\n")


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (
            ["--agency", "xx-nowhere", "--role", "analyst"],
            "a long passphrase 42\n",
            "unknown agency",
        ),
        (["--agency", "sg-spf", "--role", "analyst"], "short\n", "at least 12 characters"),
    ],
)
def test_users_create_refuses_bad_input(
    cli_env: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    stdin: str,
    message: str,
) -> None:
    code = _run(
        monkeypatch,
        ["users", "create", *argv, "--email", "x@police.test", "--password-stdin"],
        stdin,
    )
    assert code == 1
    assert message in capsys.readouterr().err
    assert _users(cli_env) == []


def test_users_create_refuses_a_duplicate_and_disable_works(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    create = ["users", "create", "--agency", "my-pdrm", "--role", "admin", "--email", "a@b.test"]
    assert _run(monkeypatch, [*create, "--password-stdin"], "a long passphrase 42\n") == 0
    assert _run(monkeypatch, [*create, "--password-stdin"], "a long passphrase 42\n") == 1
    assert "already exists" in capsys.readouterr().err
    assert _run(monkeypatch, ["users", "disable", "--email", "a@b.test"]) == 0
    assert [u.active for u in _users(cli_env)] == [False]
    assert _run(monkeypatch, ["users", "list"]) == 0
    assert "my-pdrm" in capsys.readouterr().out


def test_role_must_be_known() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(
            ["users", "create", "--agency", "sg-spf", "--role", "chief", "--email", "a@b.test"]
        )


def test_console_command_binds_the_loopback_by_default() -> None:
    args = build_parser().parse_args(["console"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    assert build_parser().parse_args(["console", "--port", "8123"]).port == 8123
