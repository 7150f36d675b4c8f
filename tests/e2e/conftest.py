"""A real action server and Rasa server for the whole e2e session, on a fresh SQLite file."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from scamreport.cli.stack import Stack
from scamreport.settings import RASA_CHANNEL_TOKEN
from scamreport.storage.database import make_engine, make_session_factory
from tests.rasa_rest import RasaClient


@pytest.fixture(scope="session")
def stack(telegram_stack: Stack) -> Stack:
    """The session's stack (tests/conftest.py): these tests talk to its Rasa over REST."""
    return telegram_stack


@pytest.fixture
def rasa(stack: Stack) -> RasaClient:
    return RasaClient(stack.rasa_url, channel_token=stack.secrets[RASA_CHANNEL_TOKEN])


@pytest.fixture(scope="session")
def db(stack: Stack) -> sessionmaker[Session]:
    assert stack.database_url is not None
    return make_session_factory(make_engine(stack.database_url))
