"""Running a console command's work in one database session (`users`, `taxii-keys`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from sqlalchemy.orm import Session

from scamreport.registry import RegistryError
from scamreport.settings import SettingsError, get_settings
from scamreport.storage.database import (
    make_engine,
    make_session_factory,
    session_scope,
    upgrade_database,
)


def run_in_session(
    work: Callable[[Session, argparse.Namespace], int],
    args: argparse.Namespace,
    *,
    refusals: tuple[type[Exception], ...],
) -> int:
    """Brings the schema up to date, runs ``work`` in a committed session and returns its exit
    code; a refusal (``refusals``, a registry or settings error) is printed and exits 1."""
    try:
        settings = get_settings()
        upgrade_database(settings.database_url, "heads")
        engine = make_engine(settings.database_url)
        try:
            with session_scope(make_session_factory(engine)) as session:
                return work(session, args)
        finally:
            engine.dispose()
    except (*refusals, RegistryError, SettingsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
