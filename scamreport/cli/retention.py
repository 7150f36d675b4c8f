"""`scamreport retention purge`: delete what is older than the retention period.

Reports (with everything attached), drafts, kept messages, idle reporters, their evidence files
and Rasa's record of old conversations. Run it daily (cron, a Kubernetes CronJob); the period is
SCAMREPORT_RETENTION_DAYS (365 by default), stated to reporters in the privacy notice.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from scamreport.settings import get_settings
from scamreport.storage.database import (
    SchemaNotCurrentError,
    compact_after_erasure,
    make_engine,
    make_session_factory,
    require_current_schema,
    scrub_deleted_content,
    session_scope,
)
from scamreport.storage.erasure import purge_older_than
from scamreport.storage.evidence_files import EvidenceFiles
from scamreport.storage.tracker_store import TrackerStore
from scamreport.storage.types import utcnow


def run_purge(args: argparse.Namespace) -> int:
    settings = get_settings()
    days = args.days or settings.retention_days
    try:
        require_current_schema(settings.database_url, migrate=settings.migrate_on_start)
    except SchemaNotCurrentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            scrub_deleted_content(session)
            erasure = purge_older_than(session, days=days)
        compact_after_erasure(engine)
    finally:
        engine.dispose()
    failed = EvidenceFiles(settings.evidence_dir).remove_all(erasure.orphaned_files)
    events = 0
    if settings.tracker_store_url:
        tracker = TrackerStore(settings.tracker_store_url)
        try:
            events = tracker.erase_older_than(utcnow() - timedelta(days=days))
        finally:
            tracker.dispose()
    print(
        f"retention {days} days: deleted {erasure.reports_deleted} report(s), "
        f"{erasure.drafts_deleted} draft file record(s), {erasure.messages_deleted} kept "
        f"message(s), {len(erasure.orphaned_files) - len(failed)} evidence file(s), "
        f"{events} conversation event(s)"
    )
    if failed:
        print(f"could not delete {len(failed)} evidence file(s); run again")
        return 1
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    retention = subparsers.add_parser("retention", help="delete what is older than the period")
    actions = retention.add_subparsers(dest="retention_command", required=True)
    purge = actions.add_parser("purge", help="delete reports and conversations past retention")
    purge.add_argument(
        "--days", type=int, default=None, help="override SCAMREPORT_RETENTION_DAYS (default 365)"
    )
    purge.set_defaults(handler=run_purge)
