"""Fixtures for the bot: the Telegram stand-in, a fake or real Rasa, and the bot itself.

Component tests run the real Application (handlers, rate limiter, update processor) on a
thread of the test process, against the stand-in and ``FakeRasa``. End-to-end tests (marked
e2e) run every process for real: action server, Rasa, the stand-in and ``python -m bot``,
sharing one Stack per test session.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.ext import Application

from bot.app import build_application, close_clients, start_background, stop_background
from bot.config import BotConfig
from bot.services import BotServices, create_services
from scamreport.settings import get_settings
from scamreport.storage.database import upgrade_database
from telegram_standin.driver import ChatUser, Driver
from telegram_standin.server import StandinServer
from tests.bot.fake_rasa import FakeRasa
from tests.conftest import PSEUDONYM_KEY

__all__ = ["PSEUDONYM_KEY"]

TOKEN = "4242424242:AAHstandinTestTokenDoNotLog_0123456789"


class BotRunner:
    """The bot's Application on its own event loop and thread, polling like `run_polling`."""

    def __init__(self, services: BotServices) -> None:
        self.services = services
        self.loop = asyncio.new_event_loop()
        self.application: Application | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.ready = threading.Event()
        self.failure: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._start())
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            self.failure = error
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self._stop())
        self.loop.close()

    async def _start(self) -> None:
        application = build_application(self.services)
        self.application = application
        await application.initialize()
        await start_background(application)
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        await application.start()

    async def _stop(self) -> None:
        application = self.application
        assert application is not None and application.updater is not None
        await application.updater.stop()
        await application.stop()
        await stop_background(application)
        await application.shutdown()
        await close_clients(application)

    def start(self) -> BotRunner:
        self.thread.start()
        self.ready.wait(30)
        if self.failure is not None:
            raise self.failure
        return self

    def call(self, coroutine: Any, timeout: float = 30) -> Any:
        """Runs a coroutine on the bot's loop (e.g. one outbox drain) and returns its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        if self.thread.is_alive() and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(30)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def standin() -> Iterator[StandinServer]:
    with StandinServer(token=TOKEN) as server:
        yield server


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa().start()
    yield fake
    fake.stop()


@pytest.fixture
def bot_config(data_dir: Path, standin: StandinServer, fake_rasa: FakeRasa) -> BotConfig:
    settings = get_settings(
        {
            "SCAMREPORT_DATA_DIR": str(data_dir),
            "PSEUDONYM_KEY": PSEUDONYM_KEY,
            "SCAMREPORT_ENV": "test",
        }
    )
    # The start step (`scamreport db upgrade`): the bot's main only checks the schema.
    upgrade_database(settings.database_url)
    return BotConfig(
        token=TOKEN,
        rasa_url=fake_rasa.url,
        base_url=standin.url,
        rasa_timeout=5.0,
        replay_interval=0.5,
        outbox_interval=0.3,
        settings=settings,
    )


@pytest.fixture
def make_bot(bot_config: BotConfig) -> Iterator[Callable[..., BotRunner]]:
    runners: list[BotRunner] = []

    def make(**overrides: Any) -> BotRunner:
        config = replace(bot_config, **overrides)
        runner = BotRunner(create_services(config)).start()
        runners.append(runner)
        return runner

    yield make
    for runner in runners:
        runner.stop()


@pytest.fixture
def bot(make_bot: Callable[..., BotRunner]) -> BotRunner:
    return make_bot()


@pytest.fixture
def driver(standin: StandinServer) -> Driver:
    return Driver(standin.url)


@pytest.fixture
def alex(driver: Driver, bot: BotRunner) -> ChatUser:
    driver.wait_bot_ready()
    return driver.user(5_550_001, first_name="Alex", username="alex_t")


@pytest.fixture
def db(bot: BotRunner) -> sessionmaker[Session]:
    return bot.services.sessions


def agree(user: ChatUser) -> None:
    user.send_text("/start")
    notice = user.wait_for("Do you agree")[-1]
    user.press(notice, "I agree")
    user.wait_for("what happened")


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


# The end-to-end fixtures (telegram_stack, stack_driver, stack_db, new_user) are shared by
# every folder that plays the real stack, so they live in tests/conftest.py.
