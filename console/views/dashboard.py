"""The dashboard: reports per day by scam type, money lost, triage flags, the week's top
indicators."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from flask import Blueprint, render_template

from console import audit, charts
from console.dashboard import (
    flag_counts,
    money_lost,
    reports_per_day,
    start_of_day,
    top_indicators,
)
from console.db import db
from console.views.common import client_ip, current_viewer, int_arg
from scamreport.presentation import describe_amount
from scamreport.storage.types import utcnow
from scamreport.taxonomy import SCAM_TYPES
from scamreport.triage import LABELS as FLAG_LABELS

blueprint = Blueprint("dashboard", __name__)

PERIODS = (7, 30, 90, 365)
DEFAULT_DAYS = 30


@blueprint.get("/dashboard")
def dashboard() -> Any:
    viewer = current_viewer()
    session = db()
    today = utcnow().date()
    days = int_arg("days", DEFAULT_DAYS)
    if days not in PERIODS:
        days = DEFAULT_DAYS
    daily = reports_per_day(session, viewer=viewer, today=today, days=days)
    colours = {code: charts.colour_for(i) for i, code in enumerate(SCAM_TYPES)}
    losses = money_lost(session, viewer=viewer, since=today - timedelta(days=days - 1))
    by_currency: dict[str, list[Any]] = defaultdict(list)
    for item in losses:
        by_currency[item.currency].append(item)
    # Currencies with the most reports first; each chart compares countries in one currency.
    money_charts = [
        {
            "currency": currency,
            "total": sum(item.amount for item in items),
            "reports": sum(item.reports for item in items),
            "svg": charts.horizontal_bars(
                [
                    (
                        item.country,
                        item.amount,
                        f"{describe_amount(item.amount, currency)} ({item.reports})",
                    )
                    for item in items[:12]
                ],
                label=f"Money lost in {currency} by country",
            ),
        }
        for currency, items in sorted(
            by_currency.items(), key=lambda pair: -sum(i.reports for i in pair[1])
        )[:6]
    ]
    first_day = today - timedelta(days=days - 1)
    flags = flag_counts(session, viewer=viewer, since=first_day)
    week_start = start_of_day(today - timedelta(days=6))
    top = top_indicators(session, viewer=viewer, since=week_start)
    audit.record(
        session, action="view_dashboard", viewer=viewer, ip=client_ip(), details={"days": days}
    )
    session.commit()
    largest = max((item.reports for item in top), default=0)
    return render_template(
        "dashboard.html",
        daily_svg=charts.stacked_bars(daily.days, daily.series, colours),
        legend=[(code, colours[code]) for code in daily.series],
        swatch=charts.swatch,
        total_reports=sum(sum(values) for values in daily.series.values()),
        days=days,
        periods=PERIODS,
        money_charts=money_charts,
        top=[(item, charts.bar(item.reports, largest)) for item in top],
        flags=flags,
        flag_labels=FLAG_LABELS,
        first_day=first_day,
        week_start=week_start,
    )
