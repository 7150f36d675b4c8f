"""The bot's hot standby: two `python -m bot` processes in webhook mode on one PostgreSQL
database and one Telegram stand-in. One serves, the other waits on the advisory lock; the active
one is killed with SIGKILL and the standby takes over; a status notification is sent once."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import select

from scamreport.cli.stack import free_port
from scamreport.settings import PROJECT_ROOT
from scamreport.storage.database import make_engine, make_session_factory, upgrade_database
from scamreport.storage.models import Notification
from scamreport.storage.repository import enqueue_notification, get_or_create_reporter
from telegram_standin.driver import ChatUser, Driver
from telegram_standin.server import StandinServer
from tests.bot.conftest import PSEUDONYM_KEY, TOKEN, wait_until
from tests.bot.fake_rasa import FakeRasa

pytestmark = pytest.mark.postgres

# Drawn per run: no secret value is written in the code.
SECRET = secrets.token_urlsafe(24)
WAITING = "standby: another bot process is active"
TAKING_OVER = "taking over as the active bot process"


class BotProcess:
    """`python -m bot --mode webhook` on its own port, its log in a file."""

    def __init__(
        self, name: str, tmp_path: Path, database_url: str, standin: str, rasa: str
    ) -> None:
        self.log = tmp_path / f"{name}.log"
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/telegram"
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "DATABASE_URL": database_url,
            "SCAMREPORT_DATA_DIR": str(tmp_path / "var"),
            "SCAMREPORT_ENV": "test",
            "PSEUDONYM_KEY": PSEUDONYM_KEY,
            "PYTHONUNBUFFERED": "1",
        }
        self._out: IO[bytes] = self.log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "--mode",
                "webhook",
                "--rasa-url",
                rasa,
                "--base-url",
                standin,
                "--webhook-listen",
                "127.0.0.1",
                "--webhook-port",
                str(port),
                "--webhook-url",
                self.url,
                "--outbox-interval",
                "0.3",
                "--replay-interval",
                "0.5",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_log(self, line: str, timeout: float = 60.0) -> float:
        """Waits for ``line`` in the log; returns when it was seen (time.monotonic)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if line in self.text():
                return time.monotonic()
            if self.process.poll() is not None:
                raise AssertionError(f"the bot exited: {self.text()[-2000:]}")
            time.sleep(0.05)
        raise AssertionError(f"{line!r} not in the log: {self.text()[-2000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._out.close()


@pytest.fixture
def database_url(postgres_database_factory: Callable[[], str]) -> str:
    url = postgres_database_factory()
    upgrade_database(url)  # the deployment's `migrate` step
    return url


@pytest.fixture
def start_bot(
    tmp_path: Path, database_url: str, standin: StandinServer, fake_rasa: FakeRasa
) -> Iterator[Callable[[str], BotProcess]]:
    started: list[BotProcess] = []

    def start(name: str) -> BotProcess:
        bot = BotProcess(name, tmp_path, database_url, standin.url, fake_rasa.url)
        started.append(bot)
        return bot

    yield start
    for bot in started:
        bot.stop()


def queue_status_update(database_url: str, user: ChatUser, text: str) -> int:
    """What the console does when an analyst changes a report's status (the reporter allowed
    contact): one row in the outbox."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            reporter = get_or_create_reporter(
                session, pseudonym=f"standby-{user.id}", telegram_user_id=user.id
            )
            row = enqueue_notification(
                session, reporter_id=reporter.id, report_id=None, kind="status", text=text
            )
            session.commit()
            return row.id
    finally:
        engine.dispose()


def notification_status(database_url: str, notification_id: int) -> str | None:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            return session.scalar(
                select(Notification.status).where(Notification.id == notification_id)
            )
    finally:
        engine.dispose()


def sent_to(user: ChatUser, text: str) -> int:
    """How many messages holding ``text`` the user's chat received (everything read so far)."""
    return sum(text in message.body for message in user.seen)


def test_the_standby_takes_over_when_the_active_bot_is_killed_and_nothing_is_sent_twice(
    start_bot: Callable[[str], BotProcess],
    standin: StandinServer,
    fake_rasa: FakeRasa,
    database_url: str,
) -> None:
    driver = Driver(standin.url)
    first = start_bot("first")
    first.wait_log("active bot process")
    driver.wait_bot_ready(timeout=60)
    assert driver.webhook()["url"] == first.url
    second = start_bot("second")
    second.wait_log(WAITING)

    alex = driver.user(6_770_001, first_name="Alex")
    alex.send_text("hello while two bots run")
    alex.wait_for("You said: hello while two bots run", timeout=30)
    assert alex.replies(timeout=1.5) == []
    assert sent_to(alex, "You said: hello while two bots run") == 1

    first_note = "Your report SR-TEST-1 is now under review."
    first_id = queue_status_update(database_url, alex, first_note)
    alex.wait_for(first_note, timeout=30)
    wait_until(lambda: notification_status(database_url, first_id) == "sent", timeout=10)

    # The standby listens on no port and sends nothing while it waits.
    assert TAKING_OVER not in second.text()
    assert driver.webhook()["url"] == first.url

    first.process.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    first.process.wait(timeout=10)
    # Sent while no bot is up: the stand-in keeps it and delivers it to the new webhook.
    alex.send_text("hello after the crash")
    took_over_at = second.wait_log(TAKING_OVER, timeout=30)
    alex.wait_for("You said: hello after the crash", timeout=60)
    answered_at = time.monotonic()
    assert driver.webhook()["url"] == second.url

    second_note = "Your report SR-TEST-1 was sent to the police."
    second_id = queue_status_update(database_url, alex, second_note)
    alex.wait_for(second_note, timeout=30)
    wait_until(lambda: notification_status(database_url, second_id) == "sent", timeout=10)
    assert alex.replies(timeout=2.0) == []

    # Every message exactly once: the stand-in's record of what the bots sent to the chat.
    assert sent_to(alex, first_note) == 1
    assert sent_to(alex, second_note) == 1
    assert sent_to(alex, "You said: hello after the crash") == 1
    assert [text for _, text, _ in fake_rasa.received].count("hello after the crash") == 1
    for log in (first.text(), second.text()):
        assert TOKEN not in log and SECRET not in log and "hello" not in log
    print(
        f"\nstandby took the lock {took_over_at - killed_at:.1f} s after SIGKILL; "
        f"answered {answered_at - killed_at:.1f} s after it"
    )


def test_a_standby_on_an_in_memory_database_is_refused_with_a_reason(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": "sqlite://",
        "SCAMREPORT_DATA_DIR": str(tmp_path / "var"),
        "SCAMREPORT_ENV": "test",
        "PSEUDONYM_KEY": PSEUDONYM_KEY,
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--standby"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "in-memory SQLite database is not shared between processes" in result.stderr
