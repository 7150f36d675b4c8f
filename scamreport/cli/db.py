"""`scamreport db upgrade` and `scamreport db current`: the database's schema migrations.

Migrating is a start step (`scamreport stack run` does it before starting anything, the
deployment's migrate job in production); the long-running processes only check that the
schema is at head when they start.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from scamreport.settings import SettingsError, get_settings
from scamreport.storage.database import (
    MigrationError,
    current_revisions,
    head_revisions,
    make_engine,
    upgrade_database,
)


def _database_url(args: argparse.Namespace) -> str:
    return str(args.database_url or get_settings().database_url)


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def run_upgrade(args: argparse.Namespace) -> int:
    try:
        url = _database_url(args)
        upgrade_database(url, args.revision)
    except (SettingsError, MigrationError, SQLAlchemyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"database {_shown(url)} upgraded to {args.revision}", flush=True)
    return 0


def run_current(args: argparse.Namespace) -> int:
    try:
        url = _database_url(args)
        engine = make_engine(url)
        try:
            current = current_revisions(engine)
        finally:
            engine.dispose()
        heads = head_revisions()
    except (SettingsError, MigrationError, SQLAlchemyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    at_head = current == heads
    print(f"database: {_shown(url)}")
    print(f"current: {', '.join(current) if current else '(none: never migrated)'}")
    print(f"head: {', '.join(heads)}")
    print(
        "the schema is at head"
        if at_head
        else "the schema is NOT at head: run `scamreport db upgrade`"
    )
    return 0 if at_head or not args.check else 3


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("db", help="migrate the database or show its schema revision")
    commands = parser.add_subparsers(dest="db_command", required=True)
    upgrade = commands.add_parser(
        "upgrade",
        help="bring the schema up to date (safe while other processes run or migrate)",
    )
    upgrade.add_argument(
        "--revision", default="heads", help="the revision to migrate to (default: heads)"
    )
    current = commands.add_parser(
        "current", help="print the database's revision(s) and whether they are the head"
    )
    current.add_argument(
        "--check", action="store_true", help="exit with 3 when the schema is not at head"
    )
    for command in (upgrade, current):
        command.add_argument(
            "--database-url", help="the database (default: DATABASE_URL, else var/scamreport.db)"
        )
    upgrade.set_defaults(handler=run_upgrade)
    current.set_defaults(handler=run_current)
