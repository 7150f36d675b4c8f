"""`python -m bot --mode webhook`: updates with Telegram's secret header are served, others refused."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from scamreport.cli.stack import free_port
from scamreport.settings import PROJECT_ROOT, get_settings
from scamreport.storage.database import upgrade_database
from telegram_standin.driver import Driver
from telegram_standin.server import StandinServer
from tests.bot.conftest import PSEUDONYM_KEY, TOKEN
from tests.bot.fake_rasa import FakeRasa

SECRET = "webhook-secret_0123456789abcdef"


@pytest.fixture
def webhook_bot(
    tmp_path: Path, standin: StandinServer, fake_rasa: FakeRasa
) -> Iterator[tuple[str, Path]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    log = tmp_path / "bot.log"
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "SCAMREPORT_DATA_DIR": str(tmp_path / "var"),
        "SCAMREPORT_ENV": "test",
        "PSEUDONYM_KEY": PSEUDONYM_KEY,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    # The start step (`scamreport db upgrade`): the bot only checks that the schema is at head.
    upgrade_database(get_settings(env).database_url)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "--mode",
                "webhook",
                "--rasa-url",
                fake_rasa.url,
                "--base-url",
                standin.url,
                "--webhook-listen",
                "127.0.0.1",
                "--webhook-port",
                str(port),
                "--webhook-url",
                url,
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        Driver(standin.url).wait_bot_ready(timeout=60)
        yield url, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_webhook_updates_need_the_secret_header(
    webhook_bot: tuple[str, Path], standin: StandinServer, fake_rasa: FakeRasa
) -> None:
    url, log = webhook_bot
    driver = Driver(standin.url)
    assert driver.webhook()["has_secret"]
    alex = driver.user(6_660_001)
    alex.send_text("hello through the webhook")
    assert alex.wait_for("You said: hello through the webhook", timeout=30)

    forged = {
        "update_id": 999_001,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": 6_660_001, "type": "private"},
            "from": {"id": 6_660_001, "is_bot": False, "first_name": "Mallory"},
            "text": "forged without the secret",
        },
    }
    refused = requests.post(url, json=forged, timeout=10)
    assert refused.status_code == 403
    wrong = requests.post(
        url,
        json=forged,
        timeout=10,
        headers={"X-Telegram-Bot-Api-Secret-Token": "guessed-secret-value"},
    )
    assert wrong.status_code == 403
    alex.send_text("still here")
    alex.wait_for("You said: still here", timeout=30)
    assert not any("forged" in message for _, message, _ in fake_rasa.received)
    text = log.read_text()
    assert TOKEN not in text and SECRET not in text
