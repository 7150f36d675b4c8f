"""rasa_runtime.evaluate: Rasa's command lines in evaluate.sh's order, the model loaded once.

Whether its result folders are the same as separate `rasa test` runs' was checked by running
scripts/evaluate.sh before and after (docs/performance.md, "Cold start"); that takes minutes.
"""

from __future__ import annotations

from typing import Any

import pytest

from rasa_runtime.evaluate import argument_parser, commands, load_once, main


def parsed(*argv: str) -> Any:
    return argument_parser().parse_args(argv)


def test_nlu_runs_come_first_in_order_then_core() -> None:
    args = parsed(
        "--model", "m.tar.gz",
        "--core", "stories.yml", "out/core",
        "--nlu", "a.yml", "out/a",
        "--nlu", "b.yml", "out/b",
    )  # fmt: skip
    assert commands(args) == [
        ["test", "nlu", "--nlu", "a.yml", "--model", "m.tar.gz", "--out", "out/a"],
        ["test", "nlu", "--nlu", "b.yml", "--model", "m.tar.gz", "--out", "out/b"],
        ["test", "core", "--model", "m.tar.gz", "--stories", "stories.yml", "--out", "out/core"],
    ]


def test_the_agent_is_loaded_once_per_model_file(tmp_path: Any) -> None:
    loads: list[tuple[Any, ...]] = []

    def original(cls: type, model_path: str, *args: Any, **kwargs: Any) -> object:
        loads.append((model_path, *args, *kwargs.values()))
        return object()

    load = load_once(original)
    model = tmp_path / "m.tar.gz"
    first = load(object, str(model))
    assert load(object, str(tmp_path / "." / "m.tar.gz")) is first
    assert load(object, str(tmp_path / "other.tar.gz")) is not first
    load(object, str(model), endpoints="e")  # other arguments: loaded as asked
    assert len(loads) == 3


def test_nothing_to_run_is_an_error() -> None:
    with pytest.raises(SystemExit) as done:
        main(["--model", "m.tar.gz"])
    assert done.value.code == 2
