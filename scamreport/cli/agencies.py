"""`scamreport agencies`: the agency registry."""

from __future__ import annotations

import argparse
import json

from scamreport.registry import RegistryError, load_registry


def run_agencies(args: argparse.Namespace) -> int:
    try:
        registry = load_registry()
    except RegistryError as error:
        print(f"error: {error}")
        return 1
    if args.json:
        print(json.dumps(registry.to_json_dict(), ensure_ascii=False, indent=2))
        return 0
    for agency in registry.agencies:
        print(f"{agency.code:24} {agency.country or '--':3} {agency.name}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("agencies", help="list the agency registry")
    parser.add_argument("--json", action="store_true", help="print the whole registry as JSON")
    parser.set_defaults(handler=run_agencies)
