"""Running a console command's work in one database session (`users`, `taxii-keys`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from sqlalchemy.orm import Session

from scamreport.registry import RegistryError
from scamreport.settings import SettingsError, get_settings
from scamreport.storage.database import (
    SchemaNotCurrentError,
    make_engine,
    make_session_factory,
    require_current_schema,
    session_scope,
)


def run_in_session(
    work: Callable[[Session, argparse.Namespace], int],
    args: argparse.Namespace,
    *,
    refusals: tuple[type[Exception], ...],
) -> int:
    """Checks that the schema is at head, runs ``work`` in a committed session and returns its
    exit code; a refusal (``refusals``, a registry or settings error, a schema not at head) is
    printed and exits 1."""
    try:
        settings = get_settings()
        require_current_schema(settings.database_url, migrate=settings.migrate_on_start)
        engine = make_engine(settings.database_url)
        try:
            with session_scope(make_session_factory(engine)) as session:
                return work(session, args)
        finally:
            engine.dispose()
    except (*refusals, RegistryError, SettingsError, SchemaNotCurrentError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
