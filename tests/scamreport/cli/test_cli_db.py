"""`scamreport db upgrade` and `scamreport db current` on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from scamreport.cli import main
from scamreport.settings import PROJECT_ROOT
from scamreport.storage.database import head_revisions, upgrade_database
from tests.schema_state import at_head, revisions_of


def _upgrade_then_current(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    (head,) = head_revisions()

    assert main(["db", "current", "--database-url", url]) == 0
    before = capsys.readouterr().out
    assert "current: (none: never migrated)" in before
    assert f"head: {head}" in before
    assert "the schema is NOT at head: run `scamreport db upgrade`" in before
    assert main(["db", "current", "--check", "--database-url", url]) == 3
    capsys.readouterr()

    assert main(["db", "upgrade", "--database-url", url]) == 0
    assert "upgraded to heads" in capsys.readouterr().out
    assert revisions_of(url) == (head,)

    assert main(["db", "current", "--check", "--database-url", url]) == 0
    after = capsys.readouterr().out
    assert f"current: {head}" in after
    assert "the schema is at head" in after

    # A second upgrade finds nothing to do.
    assert main(["db", "upgrade", "--database-url", url]) == 0
    assert revisions_of(url) == (head,)


def test_upgrade_and_current_on_an_empty_sqlite_file(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _upgrade_then_current(sqlite_url, capsys)


def test_upgrade_and_current_on_a_postgres_database(
    postgres_database_factory: Callable[[], str], capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres_database_factory()
    _upgrade_then_current(url, capsys)


def test_current_shows_an_old_revision_as_behind(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    upgrade_database(sqlite_url, "0001")
    assert main(["db", "current", "--check", "--database-url", sqlite_url]) == 3
    out = capsys.readouterr().out
    assert "current: 0001" in out
    assert "NOT at head" in out


def test_upgrade_reads_database_url_from_the_environment_as_the_migrate_job_does(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'deploy' / 'scamreport.db'}"
    # The deployment's migrate job: DATABASE_URL alone, SCAMREPORT_ENV unset.
    env = {k: v for k, v in os.environ.items() if k not in ("SCAMREPORT_ENV", "DATABASE_URL")}
    env["DATABASE_URL"] = url
    command = [sys.executable, "-m", "scamreport", "db"]
    upgrade = subprocess.run(
        [*command, "upgrade"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert upgrade.returncode == 0, upgrade.stderr
    assert at_head(url)
    check = subprocess.run(
        [*command, "current", "--check"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    assert "the schema is at head" in check.stdout


def test_an_unreachable_database_is_an_error_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    assert main(["db", "current", "--database-url", url]) == 1
    assert main(["db", "upgrade", "--database-url", url]) == 1
    err = capsys.readouterr().err
    assert err.count("error:") == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["retention", "purge"],
        ["triage", "refresh"],
        ["deliveries"],
        ["users", "list"],
        ["taxii-keys", "list"],
    ],
)
def test_other_commands_refuse_a_database_that_is_not_migrated(
    argv: list[str],
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("SCAMREPORT_MIGRATE_ON_START", raising=False)
    assert main(argv) == 1
    assert "the database is not migrated: run `scamreport db upgrade`" in capsys.readouterr().err
    assert revisions_of(sqlite_url) == ()
    # The development opt-in migrates first, then the command runs.
    monkeypatch.setenv("SCAMREPORT_MIGRATE_ON_START", "1")
    assert main(argv) == 0
    assert at_head(sqlite_url)
