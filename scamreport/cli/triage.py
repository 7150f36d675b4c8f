"""`scamreport triage refresh`: recompute every report's triage flags (scamreport.triage).

Flags are stored with a report whenever it is written; after a change of the flag rules or of
a large-loss threshold, this brings the reports already stored up to date.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import select
from sqlalchemy.orm import Session

from scamreport import triage
from scamreport.settings import get_settings
from scamreport.storage.database import (
    SchemaNotCurrentError,
    make_engine,
    make_session_factory,
    require_current_schema,
)
from scamreport.storage.models import Report

_BATCH = 1000


def refresh_flags(session: Session) -> tuple[int, int]:
    """Recomputes the flags of every report; returns (reports read, reports changed)."""
    read = changed = 0
    last_id = 0
    while True:
        reports = list(
            session.scalars(
                select(Report).where(Report.id > last_id).order_by(Report.id).limit(_BATCH)
            )
        )
        if not reports:
            return read, changed
        for report in reports:
            flags = triage.encode(triage.flags_of(report))
            if report.triage_flags != flags:
                report.triage_flags = flags
                changed += 1
        read += len(reports)
        last_id = reports[-1].id
        session.commit()
        session.expunge_all()


def run_refresh(args: argparse.Namespace) -> int:
    settings = get_settings()
    try:
        require_current_schema(settings.database_url, migrate=settings.migrate_on_start)
    except SchemaNotCurrentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            read, changed = refresh_flags(session)
    finally:
        engine.dispose()
    print(f"triage flags: {read} report(s) read, {changed} changed")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command = subparsers.add_parser("triage", help="the reports' triage flags")
    actions = command.add_subparsers(dest="triage_command", required=True)
    refresh = actions.add_parser(
        "refresh", help="recompute every report's flags (after a threshold changed)"
    )
    refresh.set_defaults(handler=run_refresh)
