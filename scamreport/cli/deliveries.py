"""`scamreport deliveries`: list the forwarding outbox, and retry dead-lettered deliveries."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from sqlalchemy import Engine

from scamreport.forwarding.outbox import (
    DeliveryView,
    count_by_status,
    list_deliveries,
    retry_deliveries,
)
from scamreport.settings import SettingsError, get_settings
from scamreport.storage.codes import DELIVERY_STATUSES
from scamreport.storage.database import (
    SchemaNotCurrentError,
    make_engine,
    make_session_factory,
    require_current_schema,
)
from scamreport.storage.types import utcnow

_ERROR_COLUMN = 70


def _stamp(value: datetime | None) -> str:
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


def _line(view: DeliveryView) -> str:
    when = _stamp(view.delivered_at if view.status == "delivered" else view.next_attempt_at)
    error = (view.last_error or "").replace("\n", " ")
    if len(error) > _ERROR_COLUMN:
        error = error[: _ERROR_COLUMN - 3] + "..."
    return (
        f"{view.id:>6}  {view.status:9}  {view.attempts:>3}  {view.agency_code:18} "
        f"{view.transport + '/' + view.payload_format:13} {view.reference:12}  {when:19}  {error}"
    )


def _engine() -> Engine:
    settings = get_settings()
    require_current_schema(settings.database_url, migrate=settings.migrate_on_start)
    return make_engine(settings.database_url)


def run_list(args: argparse.Namespace) -> int:
    try:
        engine = _engine()
    except (SettingsError, SchemaNotCurrentError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        with make_session_factory(engine)() as session:
            views = list_deliveries(
                session, statuses=args.status, agency_code=args.agency, limit=args.limit
            )
            counts = count_by_status(session)
    finally:
        engine.dispose()
    if args.json:
        print(
            json.dumps(
                {"counts": counts, "deliveries": [v.to_json_dict() for v in views]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    summary = ", ".join(f"{status} {counts.get(status, 0)}" for status in DELIVERY_STATUSES)
    print(f"deliveries: {summary}")
    if not views:
        print("(none match)")
        return 0
    print(
        f"{'id':>6}  {'status':9}  {'try':>3}  {'agency':18} {'via':13} {'reference':12}  "
        f"{'next attempt/delivered':19}  last error"
    )
    for view in views:
        print(_line(view))
    return 0


def run_retry(args: argparse.Namespace) -> int:
    if not args.ids and not args.all_dead:
        print("error: name delivery ids or pass --all-dead", file=sys.stderr)
        return 2
    try:
        engine = _engine()
    except (SettingsError, SchemaNotCurrentError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        with make_session_factory(engine)() as session:
            outcome = retry_deliveries(session, ids=args.ids, all_dead=args.all_dead, now=utcnow())
    finally:
        engine.dispose()
    for delivery_id, reason in sorted(outcome.refused.items()):
        print(f"delivery {delivery_id} not retried: {reason}", file=sys.stderr)
    if outcome.revived:
        ids = ", ".join(str(delivery_id) for delivery_id in outcome.revived)
        print(f"{len(outcome.revived)} deliveries queued again: {ids}")
    else:
        print("no deliveries queued again")
    return 1 if outcome.refused else 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "deliveries", help="list deliveries to agencies; `deliveries retry` revives dead ones"
    )
    parser.add_argument(
        "--status",
        action="append",
        choices=DELIVERY_STATUSES,
        help="only deliveries with this status (repeatable)",
    )
    parser.add_argument("--agency", help="only deliveries to this agency code")
    parser.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run_list)
    commands = parser.add_subparsers(dest="deliveries_command")
    retry = commands.add_parser(
        "retry", help="queue deliveries again with a fresh allowance of attempts"
    )
    retry.add_argument("ids", nargs="*", type=int, help="delivery ids")
    retry.add_argument("--all-dead", action="store_true", help="every dead-lettered delivery")
    retry.set_defaults(handler=run_retry)
