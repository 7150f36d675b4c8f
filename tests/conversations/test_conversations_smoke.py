"""A handful of personas (marked ``smoke: true``) played through Telegram in the normal run.

Only what the bot already does today is asserted: the persona completes with a reference
number and the core fields are right. The strict, field-by-field grading of every persona is
`make converse` (results/conversations.md).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session, sessionmaker

from scamreport.cli.stack import Stack
from telegram_standin.driver import Driver
from tests.conversations.personas import Persona, load_personas, select
from tests.conversations.questions import Catalogue
from tests.conversations.run import play_one
from tests.conversations.simulator import Simulator

pytestmark = pytest.mark.e2e

CORE_FIELDS = ("scam_type", "country", "money_lost")
FIRST_USER_ID = 9_500_001
SMOKE = select(load_personas(), smoke=True)


@pytest.fixture(scope="module")
def simulator(telegram_stack: Stack, stack_driver: Driver) -> Simulator:
    token = (getattr(telegram_stack, "secrets", None) or {}).get("RASA_AUTH_TOKEN")
    return Simulator(stack_driver, Catalogue.load(telegram_stack.rasa_url, token))


@pytest.mark.parametrize("persona", SMOKE, ids=[p.id for p in SMOKE])
def test_a_smoke_persona_files_a_report_with_its_core_fields(
    persona: Persona, simulator: Simulator, stack_db: sessionmaker[Session]
) -> None:
    core = {k: v for k, v in persona.expect.items() if k in CORE_FIELDS}
    core_persona = Persona(**{**persona.__dict__, "expect": core})
    user_id = FIRST_USER_ID + SMOKE.index(persona)
    outcome = play_one(simulator, core_persona, user_id, stack_db, today=date.today())
    assert outcome.play.reference, f"{outcome.play.error}\n{outcome.play.text()}"
    assert not outcome.failing, (
        "; ".join(f.describe() for f in outcome.failing) + "\n" + outcome.play.text()
    )
