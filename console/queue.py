"""The report queue: the viewer's reports, filtered, searched, sorted and paged.

Kept fast at 100,000 reports by indexes of migration 0002_console (created_at, amount_lost,
deliveries(agency_code, report_id)), by counting totals only up to a cap, and by full-text
search through the database's own index (console.search).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from console.access import Viewer, report_scope
from console.agency_status import viewer_status_expression, viewer_statuses
from console.filters import ANY_FLAG, QueueFilters
from console.search import story_matches
from scamreport.languages import DEFAULT_LANGUAGE
from scamreport.storage.models import Delivery, Evidence, Indicator, Report

SEARCH_COUNT_CAP = 1_000


def _order_by(sort: str) -> tuple[Any, ...]:
    if sort == "oldest":
        return (Report.created_at.asc(), Report.id.asc())
    if sort == "amount_desc":
        return (Report.amount_lost.desc().nulls_last(), Report.id.desc())
    if sort == "amount_asc":
        return (Report.amount_lost.asc().nulls_last(), Report.id.asc())
    return (Report.created_at.desc(), Report.id.desc())


def filter_conditions(viewer: Viewer, filters: QueueFilters, dialect_name: str) -> list[Any]:
    """The WHERE conditions on ``Report`` for the viewer's scope and ``filters``."""
    conditions: list[Any] = [report_scope(viewer)]
    if filters.scam_type:
        conditions.append(Report.scam_type == filters.scam_type)
    if filters.country:
        conditions.append(Report.country == filters.country)
    if filters.status:
        conditions.append(viewer_status_expression(viewer) == filters.status)
    if filters.created_from is not None:
        conditions.append(Report.created_at >= filters.created_from)
    if filters.created_before is not None:
        conditions.append(Report.created_at < filters.created_before)
    if filters.amount_min is not None:
        conditions.append(Report.amount_lost >= filters.amount_min)
    if filters.amount_max is not None:
        conditions.append(Report.amount_lost <= filters.amount_max)
    if filters.currency:
        conditions.append(Report.currency == filters.currency)
    if filters.has_evidence is not None:
        has_evidence = exists(select(Evidence.id).where(Evidence.report_id == Report.id))
        conditions.append(has_evidence if filters.has_evidence else ~has_evidence)
    if filters.agency and viewer.sees_all_agencies:
        conditions.append(
            exists(
                select(Delivery.id).where(
                    Delivery.report_id == Report.id, Delivery.agency_code == filters.agency
                )
            )
        )
    if filters.flag == ANY_FLAG:
        conditions.append(Report.triage_flags != "")
    elif filters.flag:
        conditions.append(flag_condition(filters.flag))
    if filters.language == DEFAULT_LANGUAGE:
        # Reports stored before migration 0013 have no language: they were all in English.
        conditions.append(or_(Report.language == filters.language, Report.language.is_(None)))
    elif filters.language:
        conditions.append(Report.language == filters.language)
    if filters.q:
        conditions.append(story_matches(filters.q, dialect_name))
    return conditions


def flag_condition(flag: str) -> Any:
    """``reports.triage_flags`` (comma separated) names ``flag``."""
    delimited = literal(",") + Report.triage_flags + literal(",")
    # "!= ''" first: it lets the database walk only the flagged reports (a partial index).
    return and_(Report.triage_flags != "", delimited.contains(f",{flag},", autoescape=True))


def queue_statement(viewer: Viewer, filters: QueueFilters, dialect_name: str) -> Select[Any]:
    """``SELECT reports`` for the queue, in the chosen order (no paging)."""
    return (
        select(Report)
        .where(*filter_conditions(viewer, filters, dialect_name))
        .order_by(*_order_by(filters.sort))
    )


def count_capped(session: Session, statement: Select[Any], cap: int) -> tuple[int, bool]:
    """How many rows ``statement`` returns, counting at most ``cap`` (and whether it hit it)."""
    limited = statement.order_by(None).with_only_columns(Report.id).limit(cap + 1).subquery()
    total = session.scalar(select(func.count()).select_from(limited)) or 0
    return min(total, cap), total > cap


def count_all(session: Session, statement: Select[Any]) -> int:
    counted = statement.order_by(None).with_only_columns(Report.id).subquery()
    return session.scalar(select(func.count()).select_from(counted)) or 0


@dataclass(frozen=True)
class QueueRow:
    report: Report
    evidence_count: int
    indicator_count: int
    # The status as the viewer sees it (their agency's own; admins: the shared status).
    status: str


@dataclass(frozen=True)
class QueuePage:
    rows: Sequence[QueueRow]
    page: int
    per_page: int
    total: int
    total_capped: bool

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or (self.total_capped and len(self.rows) == self.per_page)

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.rows else 0


def queue_page(
    session: Session,
    *,
    viewer: Viewer,
    filters: QueueFilters,
    page: int = 1,
    per_page: int = 50,
    count_cap: int = 10_000,
) -> QueuePage:
    """One page of the viewer's queue, with evidence and indicator counts per report."""
    dialect_name = session.get_bind().dialect.name
    statement = queue_statement(viewer, filters, dialect_name)
    page = max(1, page)
    if filters.q and dialect_name == "postgresql":
        # The GIN index counts every match quickly, while a LIMIT makes PostgreSQL walk the
        # table re-computing tsvectors instead.
        total, capped = count_all(session, statement), False
    else:
        # SQLite: counting every match of a common word costs more than the page itself, so
        # a search counts up to a lower cap ("1,000+ reports").
        cap = min(count_cap, SEARCH_COUNT_CAP) if filters.q else count_cap
        total, capped = count_capped(session, statement, cap)
    reports = list(session.scalars(statement.offset((page - 1) * per_page).limit(per_page)))
    ids = [report.id for report in reports]
    evidence_counts: dict[int, int] = {}
    indicator_counts: dict[int, int] = {}
    if ids:
        evidence_counts = dict(
            session.execute(
                select(Evidence.report_id, func.count())
                .where(Evidence.report_id.in_(ids))
                .group_by(Evidence.report_id)
            ).all()
        )
        indicator_counts = dict(
            session.execute(
                select(Indicator.report_id, func.count())
                .where(Indicator.report_id.in_(ids))
                .group_by(Indicator.report_id)
            ).all()
        )
    statuses = viewer_statuses(session, viewer=viewer, report_ids=ids)
    rows = [
        QueueRow(
            report=report,
            evidence_count=evidence_counts.get(report.id, 0),
            indicator_count=indicator_counts.get(report.id, 0),
            status=statuses[report.id].status,
        )
        for report in reports
    ]
    return QueuePage(rows=rows, page=page, per_page=per_page, total=total, total_capped=capped)
