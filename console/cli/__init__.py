"""The console's commands of `scamreport`: `console` (serve it), `users` and `taxii-keys`.

The `scamreport` entry point finds ``register`` through the ``scamreport.commands`` entry-point
group (pyproject.toml), so the core never names the console. Building the parser loads neither
Flask nor the console app: each handler imports what it needs when it runs.
"""

from __future__ import annotations

import argparse

from console.cli import serve, taxii_keys, users


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for command in (serve, users, taxii_keys):
        command.register(subparsers)
