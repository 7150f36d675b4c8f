"""The `scamreport` command (an adapter: it uses the core, the core never imports it)."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from scamreport.cli import (
    agencies,
    console,
    data_check,
    deliveries,
    evaluation,
    parse,
    retention,
    review,
    sink,
    stack,
    taxii_keys,
    triage,
    users,
    worker,
)

COMMANDS = (
    parse,
    agencies,
    stack,
    deliveries,
    worker,
    sink,
    console,
    users,
    taxii_keys,
    data_check,
    evaluation,
    review,
    retention,
    triage,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scamreport", description="Scam-reporting assistant tools")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)
