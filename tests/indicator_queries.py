"""Reports by indicator, for tests and scripts/bench_storage.py: no adapter lists them (the
bot's /check counts them: scamreport.storage.repository.count_reports_by_indicator)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scamreport.storage.codes import INDICATOR_KINDS
from scamreport.storage.models import Indicator, Report


def find_reports_by_indicator(
    session: Session, *, kind: str, value: str, limit: int | None = None
) -> list[Report]:
    """Reports naming the indicator (normal form), newest first."""
    if kind not in INDICATOR_KINDS:
        raise ValueError(f"unknown indicator kind {kind!r}")
    statement = (
        select(Report)
        .join(Indicator, Indicator.report_id == Report.id)
        .where(Indicator.kind == kind, Indicator.value == value)
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))
