"""A bare Rasa 3.6.21 assistant, created and trained by the benchmark: the yardstick.

It is `rasa init`'s project (copied from Rasa's own template, as `rasa init` does) with its
sample custom action switched on: "are you a bot?" runs ``action_hello_world`` on a rasa-sdk
action server instead of answering with a response. The trained model is kept in
var/bench/bare-<rasa version>/ and reused while the template and this file are unchanged.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

from scamreport.cli.stack import APP_PYTHON, RASA_PYTHON, Service, Stack, free_port
from scamreport.settings import PROJECT_ROOT

RASA_VERSION = "3.6.21"
RASA_BIN = PROJECT_ROOT / ".venv" / "rasa" / "bin" / "rasa"
ACTIONS = """from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class ActionHelloWorld(Action):
    def name(self) -> Text:
        return "action_hello_world"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text="Hello World!")
        return []
"""


def template_dir() -> Path:
    found = subprocess.run(
        [str(RASA_PYTHON), "-c", "import rasa.cli, os; print(os.path.dirname(rasa.cli.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return Path(found) / "initial_project"


def project_dir() -> Path:
    return PROJECT_ROOT / "var" / "bench" / f"bare-{RASA_VERSION}"


def _fingerprint(template: Path) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(template.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(template).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_trained(log: Path) -> tuple[Path, float | None]:
    """The bare project and its model; returns (model, training seconds or None if reused)."""
    template = template_dir()
    target = project_dir()
    stamp = target / "fingerprint"
    model = target / "models" / "bare.tar.gz"
    fingerprint = _fingerprint(template)
    if model.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return model, None
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(template, target, ignore=shutil.ignore_patterns("__pycache__"))
    # Its own module name: the action server runs from the project root, where `actions` is
    # the project's package.
    (target / "bare_actions.py").write_text(ACTIONS)
    domain = (target / "domain.yml").read_text()
    (target / "domain.yml").write_text(domain + "\nactions:\n  - action_hello_world\n")
    rules = (target / "data" / "rules.yml").read_text()
    (target / "data" / "rules.yml").write_text(
        rules.replace(
            "  - intent: bot_challenge\n  - action: utter_iamabot",
            "  - intent: bot_challenge\n  - action: action_hello_world",
        )
    )
    stories = target / "tests" / "test_stories.yml"
    stories.write_text(stories.read_text().replace("utter_iamabot", "action_hello_world"))
    started = time.monotonic()
    with log.open("ab") as out:
        subprocess.run(
            [str(RASA_BIN), "train", "--fixed-model-name", "bare", "--out", "models"],
            cwd=target,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"},
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
        )
    stamp.write_text(fingerprint)
    return model, time.monotonic() - started


def services(stack: Stack, model: Path) -> tuple[Service, Service, str]:
    """The bare assistant's action server (rasa-sdk) and Rasa, and Rasa's URL."""
    target = project_dir()
    action_port, rasa_port = free_port(), free_port()
    endpoints = target / "bench-endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n')
    actions = Service(
        name="bare-actions",
        argv=[
            str(APP_PYTHON),
            "-m",
            "rasa_sdk",
            "--actions",
            "bare_actions",
            "--port",
            str(action_port),
        ],
        health_url=f"http://127.0.0.1:{action_port}/health",
        env={"SANIC_HOST": "127.0.0.1", "PYTHONPATH": str(target)},
        startup_seconds=120,
    )
    rasa = Service(
        name="bare-rasa",
        argv=[
            str(RASA_BIN),
            "run",
            "--model",
            str(model),
            "--port",
            str(rasa_port),
            "--interface",
            "127.0.0.1",
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(target / "credentials.yml"),
        ],
        health_url=f"http://127.0.0.1:{rasa_port}/webhooks/rest/",
        startup_seconds=420,
    )
    return actions, rasa, f"http://127.0.0.1:{rasa_port}"
