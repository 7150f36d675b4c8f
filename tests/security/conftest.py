"""One real stack for the security tests, started as `make run` starts it.

Action server, Rasa, the Telegram stand-in and `python -m bot`, through scamreport.cli.stack.Stack,
on a fresh SQLite database. Tests reach the services only as an outsider on the same machine
could (HTTP to their ports), or as the reporter does (through the stand-in).
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from scamreport.cli.stack import Stack
from scamreport.storage.database import make_engine, make_session_factory
from telegram_standin.driver import Driver


@pytest.fixture(scope="session")
def secure_stack(telegram_stack: Stack) -> Stack:
    """The session's stack, started the way `make run` starts it (tests/conftest.py)."""
    return telegram_stack


@pytest.fixture(scope="session")
def secure_db(secure_stack: Stack) -> sessionmaker[Session]:
    assert secure_stack.database_url is not None
    return make_session_factory(make_engine(secure_stack.database_url))


@pytest.fixture(scope="session")
def secure_driver(secure_stack: Stack) -> Driver:
    driver = Driver(secure_stack.standin_url, timeout=120)
    driver.wait_bot_ready()
    return driver
