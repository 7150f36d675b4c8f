"""Several `rasa test nlu` / `rasa test core` runs on one model, in one process (.venv/rasa).

    python -m rasa_runtime.evaluate --model M --nlu FILE OUT [--nlu FILE OUT ...] [--core STORIES OUT]

runs, in this order, `rasa test nlu --nlu FILE --model M --out OUT` for each --nlu and then
`rasa test core --model M --stories STORIES --out OUT`, each through Rasa's own command line
(its parser, defaults and evaluation functions, so each OUT gets exactly the files that command
writes), with two differences: the model is loaded once for all of them instead of once per
command (Rasa's ``Agent.load`` is memoised for this process; evaluation only reads the agent),
and rasa_runtime.patches are applied as the launcher applies them. Matplotlib's figures are
closed between commands, so each command's plots start as in a fresh process.
scripts/evaluate.sh uses it; the first failing command ends the run with its exit status.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def commands(args: argparse.Namespace) -> list[list[str]]:
    """Rasa's command lines, in the order they run."""
    runs = [
        ["test", "nlu", "--nlu", data, "--model", args.model, "--out", out]
        for data, out in args.nlu or []
    ]
    if args.core:
        stories, out = args.core
        runs.append(["test", "core", "--model", args.model, "--stories", stories, "--out", out])
    return runs


def load_once(original: Callable[..., Any]) -> Callable[..., Any]:
    """Agent.load that returns the agent already loaded from the same model file."""
    agents: dict[str, Any] = {}

    def load(cls: type, model_path: str, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            return original(cls, model_path, *args, **kwargs)
        key = str(Path(model_path).resolve())
        if key not in agents:
            agents[key] = original(cls, model_path)
        return agents[key]

    load.__wrapped__ = original  # type: ignore[attr-defined]
    return load


def close_figures() -> None:
    # Imported only if Rasa imported it: importing pyplot first could pick another backend.
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


def run_rasa(argv: Sequence[str]) -> int:
    """Rasa's `main` on ``argv``; its exit status (0 when it returns)."""
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *argv]
    try:
        rasa_main()
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0


def argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rasa_runtime.evaluate")
    parser.add_argument("--model", required=True)
    parser.add_argument("--nlu", nargs=2, action="append", metavar=("FILE", "OUT"))
    parser.add_argument("--core", nargs=2, metavar=("STORIES", "OUT"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = argument_parser()
    args = parser.parse_args(argv)
    runs = commands(args)
    if not runs:
        parser.error("nothing to run: give --nlu and/or --core")
    from rasa_runtime.patches import apply_or_warn

    apply_or_warn()
    from rasa.core.agent import Agent

    Agent.load = classmethod(load_once(Agent.load.__func__))  # type: ignore[method-assign]
    for run in runs:
        print("rasa " + " ".join(run), file=sys.stderr, flush=True)
        status = run_rasa(run)
        close_figures()
        if status:
            return status
    return 0


if __name__ == "__main__":
    sys.exit(main())
