"""rasa_runtime.patches: still needed by the installed Rasa, its hook point still there,
answering as Rasa does, faster, and applied by the launcher (run in .venv/rasa)."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

from scamreport.settings import PROJECT_ROOT

RASA_PYTHON = PROJECT_ROOT / ".venv" / "rasa" / "bin" / "python"
pytestmark = pytest.mark.skipif(
    not RASA_PYTHON.exists(), reason="needs the Rasa environment (.venv/rasa; `make env`)"
)


def in_rasa_env(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(RASA_PYTHON), *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return json.loads(in_rasa_env("-m", "rasa_runtime.patches", "--check"))


def test_the_patch_is_still_needed_and_its_hook_point_is_there(report: dict[str, Any]) -> None:
    # Fails after a Rasa upgrade: review rasa_runtime/patches.py against the new version
    # (does RemoteAction._validate_action_result still build a validator per reply?), then
    # update PATCHED_RASA_VERSION or delete the patch.
    assert report["rasa_version"] == report["patched_for"]
    assert report["hook_point"] == "ok"


def test_rasa_still_goes_on_after_a_failed_custom_action(report: dict[str, Any]) -> None:
    # Fails after a Rasa upgrade that stops swallowing a failed custom action (or moves the
    # hook): review the failed-action patch, then update it or delete it.
    assert report["failure_hook_point"] == "ok"
    assert report["applied"] == [
        "cached-action-response-validator",
        "failed-custom-action-ends-the-turn",
        "model-built-by-one-prediction",
    ]


def test_rasa_still_builds_a_loaded_model_with_a_training_step(report: dict[str, Any]) -> None:
    # Fails after a Rasa upgrade whose RasaModel.load no longer compiles and fits the model on
    # one example before load_weights (or moved it): review the load patch against the new
    # RasaModel.load, then update it or delete it. tests/rasa_runtime/test_model_load.py
    # checks that a model loaded with the patch predicts exactly as one loaded without it.
    assert report["load_hook_point"] == "ok"


def test_patched_validation_answers_as_rasa_does(report: dict[str, Any]) -> None:
    assert all(report["same_outcomes"]), report
    assert report["outcomes"] == ["ok"] * 3 + ["invalid"] * 5


def test_the_patch_removes_the_per_reply_cost(report: dict[str, Any]) -> None:
    # Measured 25.8 ms unpatched and 0.8 ms patched per form-validation reply (best of 3).
    timings = report["ms_per_reply"]
    assert timings["patched"] * 5 < timings["original"], timings
    assert report["installed"] is True


LAUNCH = """
import sys
import rasa_runtime.__main__ as launcher
from rasa_runtime import patches
sys.argv = ["rasa_runtime", "run", "--help"]
try:
    launcher.main()
except SystemExit:
    pass
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.utils.tensorflow.models import RasaModel
print(
    RemoteAction._validate_action_result is patches.validate_action_result,
    hasattr(MessageProcessor._run_action, "__wrapped__"),
    RasaModel.load.__func__ is patches.load_model_built_by_prediction,
)
"""


@pytest.mark.parametrize(
    ("switch", "applied"), [("", "True True True"), ("off", "False False False")]
)
def test_the_launcher_applies_it_unless_switched_off(switch: str, applied: str) -> None:
    assert in_rasa_env("-c", LAUNCH, env={"SCAMREPORT_RASA_PATCHES": switch}) == applied
