"""One real stack for the security tests, started as `make run` starts it.

Action server, Rasa, the Telegram stand-in and `python -m bot`, through scamreport.cli.stack.Stack,
on a fresh SQLite database. Tests reach the services only as an outsider on the same machine
could (HTTP to their ports), or as the reporter does (through the stand-in).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from scamreport.cli.stack import Stack
from scamreport.storage.database import make_engine, make_session_factory
from telegram_standin.driver import Driver
from tests.bot.conftest import PSEUDONYM_KEY


@pytest.fixture(scope="session")
def secure_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data_dir = tmp_path_factory.mktemp("secure-stack")
    with Stack(
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'scamreport.db'}",
        extra_env={"PSEUDONYM_KEY": PSEUDONYM_KEY, "SCAMREPORT_ENV": "test"},
    ) as stack:
        stack.start_assistant()
        stack.start_telegram_standin_and_bot(args=["--rasa-timeout", "60"])
        yield stack


@pytest.fixture(scope="session")
def secure_db(secure_stack: Stack) -> sessionmaker[Session]:
    assert secure_stack.database_url is not None
    return make_session_factory(make_engine(secure_stack.database_url))


@pytest.fixture(scope="session")
def secure_driver(secure_stack: Stack) -> Driver:
    driver = Driver(secure_stack.standin_url, timeout=120)
    driver.wait_bot_ready()
    return driver
