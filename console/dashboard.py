"""The dashboard's numbers: reports per day by scam type, money lost by country and currency,
reports per triage flag, the most-reported indicators of the week; all within the viewer's
scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from console.access import Viewer, report_scope
from scamreport import triage
from scamreport.storage.models import Indicator, Report
from scamreport.taxonomy import LINKABLE_KINDS


def _day_expression(dialect_name: str) -> Any:
    # Literals, not bound parameters: PostgreSQL matches a GROUP BY expression to the selected
    # one only when both are written the same, and two bound parameters are not.
    if dialect_name == "postgresql":
        return func.date(func.timezone(literal_column("'UTC'"), Report.created_at))
    # SQLite stores UTC text; date() returns 'YYYY-MM-DD'.
    return func.date(Report.created_at)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


@dataclass(frozen=True)
class DailyCounts:
    days: list[date]
    # scam type -> count per day (aligned with ``days``)
    series: dict[str, list[int]]


def reports_per_day(
    session: Session, *, viewer: Viewer, today: date, days: int = 30
) -> DailyCounts:
    first = today - timedelta(days=days - 1)
    day = _day_expression(session.get_bind().dialect.name)
    rows = session.execute(
        select(day, Report.scam_type, func.count())
        .where(Report.created_at >= start_of_day(first), report_scope(viewer))
        .group_by(day, Report.scam_type)
    ).all()
    all_days = [first + timedelta(days=offset) for offset in range(days)]
    position = {d: i for i, d in enumerate(all_days)}
    series: dict[str, list[int]] = {}
    for raw_day, scam_type, count in rows:
        index = position.get(_as_date(raw_day))
        if index is None:
            continue
        series.setdefault(scam_type, [0] * days)[index] += count
    return DailyCounts(days=all_days, series=dict(sorted(series.items())))


@dataclass(frozen=True)
class MoneyLost:
    country: str
    currency: str
    amount: Decimal
    reports: int


def money_lost(session: Session, *, viewer: Viewer, since: date | None = None) -> list[MoneyLost]:
    """Sum lost per (country, currency), biggest first within each currency."""
    conditions = [
        Report.amount_lost.is_not(None),
        Report.currency.is_not(None),
        report_scope(viewer),
    ]
    if since is not None:
        conditions.append(Report.created_at >= start_of_day(since))
    country = func.coalesce(Report.country, literal_column("'??'"))
    rows = session.execute(
        select(country, Report.currency, func.sum(Report.amount_lost), func.count())
        .where(*conditions)
        .group_by(country, Report.currency)
    ).all()
    items = [
        MoneyLost(country=country, currency=currency, amount=Decimal(total), reports=count)
        for country, currency, total, count in rows
    ]
    return sorted(items, key=lambda item: (item.currency, -item.amount))


def flag_counts(session: Session, *, viewer: Viewer, since: date) -> dict[str, int]:
    """How many reports created since ``since`` carry each triage flag (every flag, in
    ``triage.FLAGS`` order, zero included)."""
    rows = session.execute(
        select(Report.triage_flags, func.count())
        .where(
            Report.triage_flags != "",
            Report.created_at >= start_of_day(since),
            report_scope(viewer),
        )
        .group_by(Report.triage_flags)
    ).all()
    counts = dict.fromkeys(triage.FLAGS, 0)
    # One row per combination of flags ("minor,ongoing"): a handful, split here.
    for stored, count in rows:
        for flag in triage.decode(stored):
            counts[flag] += count
    return counts


@dataclass(frozen=True)
class TopIndicator:
    kind: str
    value: str
    reports: int


def top_indicators(
    session: Session, *, viewer: Viewer, since: datetime, limit: int = 10
) -> list[TopIndicator]:
    """The indicators named by the most reports created since ``since``."""
    reports = func.count(func.distinct(Indicator.report_id))
    # The week's reports first (a subquery the planner cannot turn around), then their
    # indicators through the (report_id, kind, value) index.
    recent = select(Report.id).where(Report.created_at >= since, report_scope(viewer))
    rows = session.execute(
        select(Indicator.kind, Indicator.value, reports)
        .where(Indicator.report_id.in_(recent), Indicator.kind.in_(LINKABLE_KINDS))
        .group_by(Indicator.kind, Indicator.value)
        .order_by(reports.desc(), Indicator.kind, Indicator.value)
        .limit(limit)
    ).all()
    return [TopIndicator(kind=kind, value=value, reports=count) for kind, value, count in rows]
