"""What the console's TAXII 2.1 API serves: one collection per agency, holding the STIX objects
of the reports routed to that agency (the objects of scamreport.forwarding.stix, as in the
deliveries and exports), with TAXII's filters and pages.

An object is added to an agency's collection when the first report holding it was routed there
(the earliest delivery row of that report for that agency); objects shared by several reports
(the system identity, the marking, extension definitions, the same phone number) appear once,
dated by their first report. Each object has one version: its ``modified`` (or ``created``,
or, for observables, which have neither, the date it was added).

Objects are listed in the order they were added (report by report, bundle order within one);
a page's ``next`` is an opaque cursor holding the position of its last object, so reports
routed or erased between two requests neither repeat nor skip objects of later pages. The
objects are built from the stored reports when a page needs them; the earlier objects a page
must know (to list shared ones once) are known by their ids, kept per report in memory.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from stix2.utils import format_datetime, parse_into_datetime

from scamreport.forwarding.stix import STIX_CONTENT_TYPE, report_objects
from scamreport.storage.models import Delivery, Report

TAXII_CONTENT_TYPE = "application/taxii+json;version=2.1"
# Page sizes: what a request without ``limit`` gets, and the most one may ask for.
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
# Fixed namespace of the collection ids (never change it: clients keep the ids).
_COLLECTION_NAMESPACE = uuid.UUID("5d7f2c1e-3b7a-5c56-9a51-0f6f0b1d9a11")
_REPORTS_PER_QUERY = 200


class FilterError(ValueError):
    """A filter or paging argument is malformed (answered 400)."""


def collection_id(agency_code: str) -> str:
    """The agency's collection id: the same on every server and every run."""
    return str(uuid.uuid5(_COLLECTION_NAMESPACE, agency_code))


def taxii_timestamp(value: datetime) -> str:
    """``2024-03-12T08:15:00.123456Z``: UTC with microseconds, as TAXII 2.1 recommends."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(value: str) -> datetime:
    try:
        return parse_into_datetime(value.strip()).astimezone(timezone.utc)
    except (ValueError, TypeError) as error:
        raise FilterError(f"{value!r} is not an RFC 3339 timestamp") from error


class _RoutedReport:
    """A report of the collection; its STIX objects are built only when one is needed."""

    def __init__(self, report: Report, routed_at: datetime) -> None:
        self.report = report
        self.routed_at = routed_at
        self._objects: list[Any] | None = None

    def objects(self) -> list[Any]:
        if self._objects is None:
            self._objects = report_objects(self.report)
        return self._objects


class _ObjectIds:
    """The ids of each report's objects, in bundle order, kept for the reports seen lately.

    A page needs the ids of every earlier object (to list a shared object once) but the objects
    of its own reports only; building a report's objects costs some 2.5 ms, reading its ids
    from here nothing. The ids depend only on the reference and the indicators (STIX ids are
    derived from them), which make the key, so a changed report never gets stale ids.
    """

    def __init__(self, max_reports: int) -> None:
        self._max_reports = max_reports
        self._ids: OrderedDict[tuple[Any, ...], tuple[str, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, routed: _RoutedReport) -> tuple[str, ...]:
        report = routed.report
        key = (
            report.reference,
            tuple((i.kind, i.value, i.registrable_domain) for i in report.indicators),
        )
        with self._lock:
            found = self._ids.get(key)
            if found is not None:
                self._ids.move_to_end(key)
                return found
        ids = tuple(str(obj["id"]) for obj in routed.objects())
        with self._lock:
            self._ids[key] = ids
            while len(self._ids) > self._max_reports:
                self._ids.popitem(last=False)
        return ids


# About 1 KiB a report: some 50 MiB per worker at most.
_OBJECT_IDS = _ObjectIds(max_reports=50_000)


@dataclass(frozen=True)
class CollectionObject:
    """One object of a collection and where it stands in the collection's order."""

    date_added: datetime
    report_id: int
    position: int
    id: str
    source: _RoutedReport

    @property
    def stix(self) -> Any:
        return self.source.objects()[self.position]

    @property
    def type(self) -> str:
        return self.id.split("--", 1)[0]

    @property
    def version(self) -> str:
        stamp = self.stix.get("modified") or self.stix.get("created")
        return format_datetime(stamp) if stamp is not None else taxii_timestamp(self.date_added)

    @property
    def key(self) -> tuple[datetime, int, int]:
        return (self.date_added, self.report_id, self.position)

    def body(self) -> dict[str, Any]:
        return json.loads(self.stix.serialize())

    def manifest_entry(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date_added": taxii_timestamp(self.date_added),
            "version": self.version,
            "media_type": STIX_CONTENT_TYPE,
        }


def _routed_reports(session: Session, agency_code: str) -> list[tuple[int, datetime]]:
    """(report id, when it was first routed to the agency), oldest first."""
    routed_at = func.min(Delivery.created_at).label("routed_at")
    rows = session.execute(
        select(Delivery.report_id, routed_at)
        .where(Delivery.agency_code == agency_code)
        .group_by(Delivery.report_id)
        .order_by(routed_at, Delivery.report_id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def _load_reports(session: Session, ids: Sequence[int]) -> dict[int, Report]:
    rows = session.scalars(
        select(Report).where(Report.id.in_(ids)).options(selectinload(Report.indicators))
    ).all()
    return {report.id: report for report in rows}


def collection_objects(session: Session, agency_code: str) -> Iterator[CollectionObject]:
    """Every object of the agency's collection, in the order they were added (objects are
    built when a caller first reads one's content)."""
    routed = _routed_reports(session, agency_code)
    seen: set[str] = set()
    for start in range(0, len(routed), _REPORTS_PER_QUERY):
        chunk = routed[start : start + _REPORTS_PER_QUERY]
        reports = _load_reports(session, [report_id for report_id, _ in chunk])
        for report_id, routed_at in chunk:
            report = reports.get(report_id)
            if report is None:  # erased since the first query
                continue
            source = _RoutedReport(report, routed_at)
            for position, object_id in enumerate(_OBJECT_IDS.of(source)):
                if object_id in seen:
                    continue
                seen.add(object_id)
                yield CollectionObject(
                    date_added=routed_at,
                    report_id=report_id,
                    position=position,
                    id=object_id,
                    source=source,
                )


def encode_cursor(item: CollectionObject) -> str:
    raw = f"{taxii_timestamp(item.date_added)}|{item.report_id}|{item.position}"
    return base64.urlsafe_b64encode(raw.encode("ascii")).decode("ascii").rstrip("=")


def decode_cursor(token: str) -> tuple[datetime, int, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        stamp, report_id, position = raw.split("|")
        return (parse_timestamp(stamp), int(report_id), int(position))
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise FilterError("next is not a cursor this server gave") from error


def _split(value: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in (value or "").split(",") if part.strip())


@dataclass(frozen=True)
class Filters:
    """TAXII 2.1 filters (section 3.4) and paging of one request."""

    limit: int = DEFAULT_PAGE_SIZE
    added_after: datetime | None = None
    after_key: tuple[datetime, int, int] | None = None
    types: frozenset[str] = field(default_factory=frozenset)
    ids: frozenset[str] = field(default_factory=frozenset)
    # Timestamps asked for by match[version] ("first", "last" and "all" match every object,
    # each having one version).
    versions: frozenset[datetime] = field(default_factory=frozenset)
    spec_versions: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_args(cls, args: Any, *, object_id: str | None = None) -> Filters:
        """From the query arguments (``request.args``); ``object_id`` from the URL."""
        raw_limit = args.get("limit")
        limit = DEFAULT_PAGE_SIZE
        if raw_limit is not None:
            if not (raw_limit.isascii() and raw_limit.isdigit()) or len(raw_limit) > 9:
                raise FilterError("limit must be a whole number of at least 1")
            if int(raw_limit) < 1:
                raise FilterError("limit must be a whole number of at least 1")
            limit = min(int(raw_limit), MAX_PAGE_SIZE)
        added_after = args.get("added_after")
        token = args.get("next")
        versions: set[datetime] = set()
        for version in _split(args.get("match[version]")):
            if version not in ("first", "last", "all"):
                versions.add(parse_timestamp(version))
        ids = set(_split(args.get("match[id]")))
        if object_id is not None:
            ids = {object_id} if not ids or object_id in ids else {""}
        return cls(
            limit=limit,
            added_after=None if added_after is None else parse_timestamp(added_after),
            after_key=None if not token else decode_cursor(token),
            types=_split(args.get("match[type]")),
            ids=frozenset(ids),
            versions=frozenset(versions),
            spec_versions=_split(args.get("match[spec_version]")),
        )

    def matches(self, item: CollectionObject) -> bool:
        if self.after_key is not None and item.key <= self.after_key:
            return False
        if self.added_after is not None and item.date_added <= self.added_after:
            return False
        if self.types and item.type not in self.types:
            return False
        if self.ids and item.id not in self.ids:
            return False
        if self.spec_versions and str(item.stix.get("spec_version", "2.1")) not in (
            self.spec_versions
        ):
            return False
        return not self.versions or parse_timestamp(item.version) in self.versions


@dataclass(frozen=True)
class Page:
    items: list[CollectionObject]
    more: bool

    @property
    def next(self) -> str | None:
        return encode_cursor(self.items[-1]) if self.more and self.items else None

    def headers(self) -> dict[str, str]:
        """X-TAXII-Date-Added-First and -Last of the page (none for an empty page)."""
        if not self.items:
            return {}
        return {
            "X-TAXII-Date-Added-First": taxii_timestamp(self.items[0].date_added),
            "X-TAXII-Date-Added-Last": taxii_timestamp(self.items[-1].date_added),
        }


def page_of(objects: Iterable[CollectionObject], filters: Filters) -> Page:
    """The first ``filters.limit`` matching objects, and whether more follow."""
    items: list[CollectionObject] = []
    for item in objects:
        if not filters.matches(item):
            continue
        if len(items) == filters.limit:
            return Page(items=items, more=True)
        items.append(item)
    return Page(items=items, more=False)
