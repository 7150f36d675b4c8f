"""The `scamreport` command (an adapter: it uses the core, the core never imports it).

Its own commands are listed here; adapters and development stand-ins add theirs through the
``scamreport.commands`` entry-point group (pyproject.toml): each entry names a
``register(subparsers)`` function, so this module never names an adapter.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

from scamreport.cli import (
    agencies,
    data_check,
    db,
    deliveries,
    evaluation,
    parse,
    retention,
    review,
    stack,
    triage,
    worker,
)
from scamreport.logs import LogFormatError, configure

COMMANDS = (
    parse,
    agencies,
    db,
    stack,
    deliveries,
    worker,
    data_check,
    evaluation,
    review,
    retention,
    triage,
)
COMMANDS_GROUP = "scamreport.commands"
CLI_LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scamreport", description="Scam-reporting assistant tools"
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    for entry in sorted(entry_points(group=COMMANDS_GROUP), key=lambda entry: entry.name):
        entry.load()(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        # The command names the process in JSON lines ("worker", "console"...).
        configure(
            args.command,
            os.environ,
            logging.WARNING,
            text_format=CLI_LOG_FORMAT,
            keep_existing=True,
        )
    except LogFormatError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return int(args.handler(args) or 0)
