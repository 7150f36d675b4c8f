"""The database is migrated once, by a start step, not by every process on start (issue 16).

`scamreport db upgrade` (the deployment's migrate job) and `scamreport stack run` migrate; the
long-running processes (bot, action server, console, forwarding worker) only check at start
that the schema is at head, and refuse to start otherwise, unless SCAMREPORT_MIGRATE_ON_START=1
(a process started on its own for development).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scamreport.cli import stack as stack_module
from scamreport.cli.stack import Service, Stack, StackError, free_port
from scamreport.settings import PROJECT_ROOT, SettingsError, get_settings
from scamreport.storage.database import upgrade_database
from tests.schema_state import at_head, revisions_of

REFUSAL = "the database is not migrated: run `scamreport db upgrade`"
# Drawn per run: no secret value is written in the code.
SECRET = secrets.token_urlsafe(24)


def _processes() -> dict[str, list[str]]:
    """Each long-running process as the stack and the deployment start it."""
    dead = f"http://127.0.0.1:{free_port()}"
    return {
        "bot": [sys.executable, "-m", "bot", "--rasa-url", dead, "--base-url", f"{dead}/bot"],
        "action server": [sys.executable, "-m", "action_server", "--port", str(free_port())],
        "console": [sys.executable, "-m", "scamreport", "console", "--port", str(free_port())],
        "worker": [sys.executable, "-m", "scamreport", "worker", "--poll-seconds", "0.2"],
    }


def _environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SCAMREPORT_ENV", "SCAMREPORT_MIGRATE_ON_START")
    }
    return {
        **env,
        "SCAMREPORT_DATA_DIR": str(data_dir),
        "TELEGRAM_BOT_TOKEN": "1234567:start-step-token",
        "ACTION_SERVER_TOKEN": SECRET,
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


@pytest.mark.parametrize("name", ["bot", "action server", "console", "worker"])
@pytest.mark.parametrize("revision", [None, "0001"])
def test_a_process_refuses_a_database_that_is_not_at_head(
    name: str, revision: str | None, tmp_path: Path
) -> None:
    env = _environment(tmp_path)
    url = get_settings(env).database_url
    if revision is not None:
        upgrade_database(url, revision)
    before = revisions_of(url)
    process = subprocess.run(
        _processes()[name],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 1, process.stdout + process.stderr
    assert REFUSAL in process.stderr
    at = "no revision" if revision is None else revision
    assert f"it is at {at}" in process.stderr
    # It checked and left the schema alone.
    assert revisions_of(url) == before


def test_migrate_on_start_lets_a_process_started_alone_migrate_a_fresh_file(
    tmp_path: Path,
) -> None:
    env = _environment(tmp_path, SCAMREPORT_MIGRATE_ON_START="1")
    url = get_settings(env).database_url
    worker = subprocess.run(
        [sys.executable, "-m", "scamreport", "worker", "--once"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert "forwarding worker:" in worker.stdout
    assert at_head(url)


@pytest.mark.parametrize(("text", "expected"), [("1", True), ("true", True), ("0", False)])
def test_migrate_on_start_is_read_as_a_switch(text: str, expected: bool) -> None:
    assert get_settings({"SCAMREPORT_MIGRATE_ON_START": text}).migrate_on_start is expected
    assert get_settings({}).migrate_on_start is False


def test_a_malformed_migrate_on_start_is_refused() -> None:
    with pytest.raises(SettingsError, match="SCAMREPORT_MIGRATE_ON_START"):
        get_settings({"SCAMREPORT_MIGRATE_ON_START": "sometimes"})


def test_the_stack_migrates_once_before_its_first_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "var"
    url = f"sqlite:///{data_dir / 'scamreport.db'}"
    migrations: list[str] = []

    def counted_upgrade(database_url: str) -> None:
        migrations.append(database_url)
        upgrade_database(database_url)

    monkeypatch.setattr(stack_module, "upgrade_database", counted_upgrade)
    with Stack(data_dir=data_dir, database_url=url, extra_env={"SCAMREPORT_ENV": "test"}) as stack:
        assert revisions_of(url) == ()
        worker = stack.start(stack.forwarding_worker())
        assert at_head(url)
        # The worker only checked: it runs and stays up.
        deadline = time.monotonic() + 60
        assert worker.log_path is not None and worker.process is not None
        while "forwarding worker:" not in worker.log_path.read_text():
            assert worker.process.poll() is None, worker.log_path.read_text()
            assert time.monotonic() < deadline, worker.log_path.read_text()
            time.sleep(0.2)
        stack.restart("worker", wait=False)
        stack.start(Service(name="idle", argv=[sys.executable, "-c", "pass"], health_url=None))
        assert migrations == [url]
        time.sleep(1)
        assert stack.services["worker"].process.poll() is None
        assert REFUSAL not in worker.log_path.read_text()


def test_the_stack_starts_nothing_when_it_cannot_migrate(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    with Stack(
        data_dir=tmp_path / "var", database_url=url, extra_env={"SCAMREPORT_ENV": "test"}
    ) as stack:
        idle = Service(name="idle", argv=[sys.executable, "-c", "pass"], health_url=None)
        with pytest.raises(StackError, match="the database could not be migrated"):
            stack.start(idle)
        assert stack.services == {}
