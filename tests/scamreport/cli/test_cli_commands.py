"""The `scamreport` entry point: adapters' commands come through the ``scamreport.commands``
entry-point group, and building the parser loads neither Flask nor the console app."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import entry_points

from scamreport.cli import COMMANDS_GROUP, build_parser

PROBE = """
import json, sys
from scamreport.cli import build_parser
args = build_parser().parse_args(sys.argv[1:])
print(json.dumps({"command": args.command, "loaded": sorted(
    name for name in ("flask", "console.app", "gunicorn", "console.taxii") if name in sys.modules
)}))
"""


def _loaded_after_parsing(*argv: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


def test_the_console_registers_its_commands_through_the_entry_point_group() -> None:
    names = {entry.name: entry.value for entry in entry_points(group=COMMANDS_GROUP)}
    assert names.get("console") == "console.cli:register"
    subcommands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"console", "users", "taxii-keys", "parse", "worker"} <= set(subcommands)


def test_a_core_command_does_not_load_flask_or_the_console_app() -> None:
    assert _loaded_after_parsing("parse", "call me on +6581234567") == {
        "command": "parse",
        "loaded": [],
    }


def test_parsing_a_console_command_does_not_load_flask_either() -> None:
    # The handler imports the app when it runs; parsing its arguments does not.
    assert _loaded_after_parsing("users", "list") == {"command": "users", "loaded": []}
