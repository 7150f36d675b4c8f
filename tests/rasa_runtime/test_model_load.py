"""rasa_runtime.patches' load patch (a model built by one prediction, not a training step)
changes nothing a loaded model predicts (run in .venv/rasa with the trained model).

The default run loads the model once, patched, and checks that what the load left behind
(the labels' embeddings, the compiled prediction) agrees with a fresh computation: a
prediction state taken from the initial weights shows there. The `full` test loads it
patched and unpatched (in parallel) and compares every NLU and core prediction.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from scamreport.settings import PROJECT_ROOT

RASA_PYTHON = PROJECT_ROOT / ".venv" / "rasa" / "bin" / "python"
MODEL = PROJECT_ROOT / "models" / "current.tar.gz"
TOLERANCE = 1e-6


@pytest.fixture(autouse=True)
def rasa_and_a_model() -> None:
    """`make test` makes both first; without them these tests fail, never skip."""
    assert RASA_PYTHON.exists(), "no Rasa environment at .venv/rasa: run `make env`"
    assert MODEL.exists(), "no trained model at models/current.tar.gz: run `make train`"


class LoadCheck:
    """`python -m rasa_runtime.load_check` running in the Rasa environment."""

    def __init__(self, *flags: str) -> None:
        self.process = subprocess.Popen(
            [str(RASA_PYTHON), "-m", "rasa_runtime.load_check", "--model", str(MODEL), *flags],
            cwd=PROJECT_ROOT,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._result: dict[str, Any] | None = None

    def result(self) -> dict[str, Any]:
        if self._result is None:
            out, err = self.process.communicate(timeout=600)
            assert self.process.returncode == 0, err[-3000:]
            self._result = json.loads(out.strip().splitlines()[-1])
        return self._result

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


@pytest.fixture(scope="module")
def patched() -> Iterator[LoadCheck]:
    check = LoadCheck()
    yield check
    check.stop()


@pytest.fixture(scope="module")
def unpatched() -> Iterator[LoadCheck]:
    check = LoadCheck("--unpatched")
    yield check
    check.stop()


def differences(expected: Any, found: Any, path: str = "") -> list[str]:
    """Where two JSON documents differ: floats by more than TOLERANCE, the rest at all."""
    numbers = isinstance(expected, (int, float)) and isinstance(found, (int, float))
    if numbers and (isinstance(expected, float) or isinstance(found, float)):
        return [] if abs(expected - found) <= TOLERANCE else [f"{path}: {expected} {found}"]
    if isinstance(expected, list) and isinstance(found, list) and len(expected) == len(found):
        return [
            difference
            for index, (one, other) in enumerate(zip(expected, found, strict=True))
            for difference in differences(one, other, f"{path}[{index}]")
        ]
    if isinstance(expected, dict) and isinstance(found, dict) and expected.keys() == found.keys():
        return [
            difference
            for key in expected
            for difference in differences(expected[key], found[key], f"{path}.{key}")
        ]
    return [] if expected == found else [f"{path}: {expected!r} {found!r}"]


def test_the_patched_load_leaves_no_state_from_the_initial_weights(patched: LoadCheck) -> None:
    result = patched.result()
    assert "model-built-by-one-prediction" in result["applied"]
    # DIET (NLU) and TED (core), both loaded through the patch.
    assert set(result["consistency"]) == {"DIET", "TED"}
    for model, found in result["consistency"].items():
        assert found["labels_embed"] == 0.0, (model, found)
        # Compiled against eager on the same example: float32 rounding only. Measured with a
        # state left from the initial weights: 0.01-0.99.
        assert found["prediction"] < 1e-5, (model, found)
    assert result["traced_without_autograph"] == {"DIET": True, "TED": True}
    assert [len(result["nlu"]), len(result["core"]) > 0] == [13, True]


def test_differences_finds_what_differs() -> None:
    assert differences({"a": [1.0, "x"]}, {"a": [1.0 + 1e-7, "x"]}) == []
    assert differences({"a": [1.0, "x"]}, {"a": [1.001, "x"]}) == [".a[0]: 1.0 1.001"]
    assert differences([["greet", 0.9]], [["goodbye", 0.9]]) == ["[0][0]: 'greet' 'goodbye'"]
    assert differences([1.0], [1.0, 2.0]) == [": [1.0] [1.0, 2.0]"]


@pytest.mark.full
def test_a_model_loaded_with_the_patch_predicts_as_rasa_loads_it(
    patched: LoadCheck, unpatched: LoadCheck
) -> None:
    expected, found = unpatched.result(), patched.result()
    assert expected["applied"] == []
    assert differences(expected["nlu"], found["nlu"]) == []
    assert differences(expected["core"], found["core"]) == []
    # Entities and TED's own probabilities were compared, not only empty lists.
    assert any(message["entities"] for message in expected["nlu"])
    assert all(len(step["ted"]) > 1 for step in expected["core"])
    # Measured on the project's model: see docs/performance.md ("Cold start").
    assert found["seconds"]["load"] * 2 < expected["seconds"]["load"], (expected, found)
