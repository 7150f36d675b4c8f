"""rasa_runtime.nlg, loaded by Rasa itself from an endpoint config as endpoints.yml names it
and given the domain's responses as Rasa's agent gives them (run in .venv/rasa): each
language's words, English by default, buttons in an action's order. The stack tests
(tests/bot, tests/e2e, tests/conversations) use it for every reply."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scamreport.cli.stack import NLG_ENDPOINT
from scamreport.settings import PROJECT_ROOT
from tests.rasa_runtime.test_patches import RASA_PYTHON, in_rasa_env

pytestmark = pytest.mark.skipif(
    not RASA_PYTHON.exists(), reason="needs the Rasa environment (.venv/rasa; `make env`)"
)

GENERATE = """
import asyncio, json, sys
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.nlg.generator import NaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

domain = Domain.from_yaml('''
version: "3.1"
responses:
  utter_hi:
    - text: "Hello {name}"
  utter_pick:
    - text: "Pick one"
      buttons:
        - {title: "Apple", payload: "/a"}
        - {title: "Bread", payload: "/b"}
''')
# As Rasa's agent does: the generator is built before the model's domain is loaded
# (Agent.__init__), and a templated generator gets the responses afterwards (Agent.load_model).
nlg = NaturalLanguageGenerator.create(read_endpoint_config(sys.argv[1], "nlg"), None)
assert isinstance(nlg, TemplatedNaturalLanguageGenerator)
nlg.responses = domain.responses

async def answers():
    out = {}
    for language in ("zh", "en", "", "xx"):
        metadata = {"language": language} if language else {}
        tracker = DialogueStateTracker.from_events("s", [UserUttered("hi", metadata=metadata)])
        out[language or "none"] = [
            await nlg.generate("utter_hi", tracker, "rest", name="Ann"),
            await nlg.generate("utter_pick", tracker, "rest", button_order=["/b", "/a"]),
        ]
    print(json.dumps(out, ensure_ascii=False))

asyncio.run(answers())
"""


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("nlg")
    locales = folder / "locales"
    (locales / "en").mkdir(parents=True)
    (locales / "zh").mkdir()
    (locales / "zh" / "responses.yml").write_text(
        "responses:\n"
        '  utter_hi:\n    - text: "你好 {name}"\n'
        '  utter_pick:\n    - text: "选一个"\n      buttons:\n'
        '        - {title: "苹果", payload: "/a"}\n        - {title: "面包", payload: "/b"}\n',
        encoding="utf-8",
    )
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(NLG_ENDPOINT + f'  locales: "{locales}"\n')
    script = folder / "generate.py"
    script.write_text(GENERATE)
    return json.loads(
        in_rasa_env(str(script), str(endpoints), env={"PYTHONPATH": str(PROJECT_ROOT)})
    )


def test_a_response_is_in_the_language_the_message_carries(answers: dict[str, Any]) -> None:
    assert answers["zh"][0] == {"text": "你好 Ann"}
    assert answers["en"][0] == {"text": "Hello Ann"}


def test_no_language_or_an_unknown_one_is_english(answers: dict[str, Any]) -> None:
    assert answers["none"][0] == {"text": "Hello Ann"}
    assert answers["xx"][0] == {"text": "Hello Ann"}


def test_buttons_follow_the_order_an_action_asks_with_their_own_titles(
    answers: dict[str, Any],
) -> None:
    assert answers["zh"][1]["buttons"] == [
        {"title": "面包", "payload": "/b"},
        {"title": "苹果", "payload": "/a"},
    ]
    assert [b["title"] for b in answers["en"][1]["buttons"]] == ["Bread", "Apple"]


def test_the_project_endpoints_use_the_localised_generator() -> None:
    for path in (PROJECT_ROOT / "endpoints.yml", PROJECT_ROOT / "deploy/rasa/endpoints.yml"):
        assert "rasa_runtime.nlg.LocalisedNaturalLanguageGenerator" in Path(path).read_text()
