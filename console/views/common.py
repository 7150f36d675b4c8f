"""Helpers shared by the views: the signed-in viewer, permission checks, paging arguments."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import abort, g, request

from console.access import Viewer
from console.agency_status import StatusView, viewer_statuses
from console.db import db
from scamreport.storage.models import Report

F = TypeVar("F", bound=Callable[..., Any])


def current_viewer() -> Viewer:
    viewer: Viewer | None = g.get("viewer")
    if viewer is None:  # the before-request hook lets no anonymous request get here
        abort(401)
    return viewer


def requires(permission: str) -> Callable[[F], F]:
    """Answers 403 unless the signed-in viewer's role has ``permission``."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_viewer().can(permission):
                abort(403, description="Your role does not allow this.")
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


# No whole-number argument (page, days, ...) goes past this: an OFFSET of 10**30 overflows
# the databases' integers.
MAX_INT_ARG = 100_000


def int_arg(name: str, default: int, *, minimum: int = 1, maximum: int = MAX_INT_ARG) -> int:
    """The whole-number argument ``name`` clamped to [minimum, maximum]; ``default`` when it
    is missing or not a whole number."""
    raw = request.args.get(name)
    if raw is None or len(raw) > 32:
        return default
    try:
        value = int(raw)
    except ValueError:
        return default
    return min(max(value, minimum), maximum)


def status_of(report: Report) -> str:
    """The report's status as the signed-in viewer sees it (for templates); the statuses of
    the reports a page lists are read in one query the first time one is asked for."""
    cache: dict[int, StatusView] = g.setdefault("viewer_statuses", {})
    if report.id not in cache:
        listed: list[int] = g.get("listed_report_ids") or []
        wanted = {report.id, *listed} - set(cache)
        cache.update(viewer_statuses(db(), viewer=current_viewer(), report_ids=wanted))
    return cache[report.id].status


def list_reports(reports: Iterable[Report]) -> None:
    """Tells status_of which reports the page lists (so it reads their statuses at once)."""
    g.listed_report_ids = [report.id for report in reports]


def client_ip() -> str:
    return request.remote_addr or "unknown"
