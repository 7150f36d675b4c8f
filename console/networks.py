"""Networks: clusters of reports joined by shared indicators, and their graphs.

Two reports are linked when they name the same phone number, IBAN, crypto wallet, handle or
e-mail address, or a URL on the same registrable domain. Big shared platforms (facebook.com,
t.me, bit.ly, ...) would join unrelated reports, so on those only the exact URL links.
Everything is computed inside the viewer's scope: a link through a report the viewer may not
see is not shown and does not join clusters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from console.access import Viewer, report_scope
from scamreport.storage.models import Indicator, Report

LINK_KINDS: tuple[str, ...] = ("phone", "iban", "crypto_wallet", "handle", "email", "url")
SHARED_PLATFORM_DOMAINS: frozenset[str] = frozenset(
    {
        "bit.ly",
        "discord.com",
        "facebook.com",
        "fb.com",
        "github.io",
        "google.com",
        "instagram.com",
        "linkedin.com",
        "line.me",
        "medium.com",
        "t.me",
        "telegram.me",
        "telegram.org",
        "tiktok.com",
        "tinyurl.com",
        "twitter.com",
        "wa.me",
        "whatsapp.com",
        "x.com",
        "youtube.com",
    }
)
MAX_CLUSTER_REPORTS = 150
MAX_BFS_ROUNDS = 6

_BY_DOMAIN = and_(
    Indicator.kind == "url",
    Indicator.registrable_domain.is_not(None),
    Indicator.registrable_domain.not_in(sorted(SHARED_PLATFORM_DOMAINS)),
)
LINK_KIND = case((_BY_DOMAIN, literal("domain")), else_=Indicator.kind)
LINK_VALUE = case((_BY_DOMAIN, Indicator.registrable_domain), else_=Indicator.value)

LinkKey = tuple[str, str]


def link_key(indicator: Indicator) -> LinkKey | None:
    """The (kind, value) by which ``indicator`` links reports, or None when it links nothing."""
    if indicator.kind not in LINK_KINDS:
        return None
    domain = indicator.registrable_domain
    if indicator.kind == "url" and domain and domain not in SHARED_PLATFORM_DOMAINS:
        return ("domain", domain)
    return (indicator.kind, indicator.value)


@dataclass
class Cluster:
    report_ids: set[int] = field(default_factory=set)
    keys: set[LinkKey] = field(default_factory=set)

    @property
    def size(self) -> int:
        return len(self.report_ids)


def _window(since: datetime | None, until: datetime | None) -> list[Any]:
    conditions: list[Any] = []
    if since is not None:
        conditions.append(Report.created_at >= since)
    if until is not None:
        conditions.append(Report.created_at < until)
    return conditions


def shared_link_pairs(
    session: Session,
    *,
    viewer: Viewer,
    since: datetime | None = None,
    until: datetime | None = None,
    scam_type: str | None = None,
) -> list[tuple[int, str, str]]:
    """(report id, link kind, link value) for every link key two or more reports share."""
    conditions = [Indicator.kind.in_(LINK_KINDS), report_scope(viewer), *_window(since, until)]
    if scam_type:
        conditions.append(Report.scam_type == scam_type)
    base = (
        select(
            Indicator.report_id.label("report_id"),
            LINK_KIND.label("link_kind"),
            LINK_VALUE.label("link_value"),
        )
        .join(Report, Report.id == Indicator.report_id)
        .where(*conditions)
    )
    links = base.cte("links")
    shared = (
        select(links.c.link_kind, links.c.link_value)
        .group_by(links.c.link_kind, links.c.link_value)
        .having(func.count(func.distinct(links.c.report_id)) >= 2)
        .cte("shared")
    )
    statement = (
        select(links.c.report_id, links.c.link_kind, links.c.link_value)
        .join(
            shared,
            and_(
                links.c.link_kind == shared.c.link_kind,
                links.c.link_value == shared.c.link_value,
            ),
        )
        .distinct()
    )
    return [(row[0], row[1], row[2]) for row in session.execute(statement)]


def clusters_from_pairs(pairs: Iterable[tuple[int, str, str]]) -> list[Cluster]:
    """Joins reports that share a key (union-find); biggest clusters first."""
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    first_report_of: dict[LinkKey, int] = {}
    keys_of: dict[int, set[LinkKey]] = defaultdict(set)
    for report_id, kind, value in pairs:
        parent.setdefault(report_id, report_id)
        key = (kind, value)
        keys_of[report_id].add(key)
        other = first_report_of.setdefault(key, report_id)
        root_a, root_b = find(report_id), find(other)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    clusters: dict[int, Cluster] = defaultdict(Cluster)
    for report_id, keys in keys_of.items():
        cluster = clusters[find(report_id)]
        cluster.report_ids.add(report_id)
        cluster.keys |= keys
    return sorted(clusters.values(), key=lambda c: (-c.size, -max(c.report_ids)))


def find_clusters(
    session: Session,
    *,
    viewer: Viewer,
    since: datetime | None = None,
    until: datetime | None = None,
    scam_type: str | None = None,
) -> list[Cluster]:
    pairs = shared_link_pairs(session, viewer=viewer, since=since, until=until, scam_type=scam_type)
    return clusters_from_pairs(pairs)


def _key_condition(keys: Sequence[LinkKey]) -> Any:
    """Indicators carrying any of ``keys`` (one ``kind = ? AND value IN (...)`` per kind, so
    the (kind, value) and registrable_domain indexes are used)."""
    values_by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, value in keys:
        values_by_kind[kind].append(value)
    parts = []
    for kind, values in sorted(values_by_kind.items()):
        if kind == "domain":
            parts.append(and_(_BY_DOMAIN, Indicator.registrable_domain.in_(values)))
        else:
            parts.append(and_(Indicator.kind == kind, Indicator.value.in_(values)))
    return or_(*parts) if parts else literal(False)


def cluster_around(
    session: Session, *, viewer: Viewer, report: Report, limit: int = MAX_CLUSTER_REPORTS
) -> tuple[Cluster, bool]:
    """The cluster containing ``report`` (breadth-first through shared keys, in scope), and
    whether it was cut at ``limit`` reports."""
    cluster = Cluster(report_ids={report.id})
    frontier = {report.id}
    truncated = False
    for _ in range(MAX_BFS_ROUNDS):
        if not frontier:
            break
        rows = session.execute(
            select(Indicator.report_id, LINK_KIND, LINK_VALUE).where(
                Indicator.report_id.in_(frontier), Indicator.kind.in_(LINK_KINDS)
            )
        ).all()
        new_keys = {(kind, value) for _, kind, value in rows} - cluster.keys
        if not new_keys:
            break
        cluster.keys |= new_keys
        found = session.execute(
            select(Indicator.report_id)
            .where(_key_condition(sorted(new_keys)), report_scope(viewer, Indicator.report_id))
            .distinct()
            .order_by(Indicator.report_id.desc())
            .limit(limit + 1)
        ).scalars()
        frontier = set()
        for report_id in found:
            if report_id in cluster.report_ids:
                continue
            if len(cluster.report_ids) >= limit:
                truncated = True
                break
            cluster.report_ids.add(report_id)
            frontier.add(report_id)
    return cluster, truncated


def graph_json(
    session: Session,
    *,
    clusters: Sequence[Cluster],
    seed_id: int | None = None,
    max_reports: int = MAX_CLUSTER_REPORTS,
) -> dict[str, Any]:
    """Nodes (reports and the keys two or more of them share) and links, for network.js.

    At most ``max_reports`` reports are drawn: whole clusters in the order given, and of a
    cluster too big to fit, its newest reports (highest ids) and the seed."""
    chosen: list[int] = []
    for cluster in clusters:
        room = max_reports - len(chosen)
        if room <= 0:
            break
        members = sorted(cluster.report_ids, reverse=True)
        if seed_id in cluster.report_ids:
            members.remove(seed_id)
            members.insert(0, seed_id)
        chosen.extend(members[:room])
    report_ids = sorted(set(chosen))
    if not report_ids:
        return {"nodes": [], "links": [], "truncated": False}
    total = sum(cluster.size for cluster in clusters)
    reports = {
        report.id: report
        for report in session.scalars(select(Report).where(Report.id.in_(report_ids)))
    }
    rows = session.execute(
        select(Indicator.report_id, LINK_KIND, LINK_VALUE).where(
            Indicator.report_id.in_(report_ids), Indicator.kind.in_(LINK_KINDS)
        )
    ).all()
    reports_of: dict[LinkKey, set[int]] = defaultdict(set)
    for report_id, kind, value in rows:
        reports_of[(kind, value)].add(report_id)
    nodes: list[dict[str, Any]] = []
    links: list[dict[str, str]] = []
    for report_id in report_ids:
        report = reports[report_id]
        nodes.append(
            {
                "id": f"r{report_id}",
                "type": "report",
                "label": report.reference,
                "reference": report.reference,
                "scam_type": report.scam_type,
                "status": report.status,
                "country": report.country,
                "seed": report_id == seed_id,
            }
        )
    for index, (key, members) in enumerate(sorted(reports_of.items())):
        if len(members) < 2:
            continue
        node_id = f"k{index}"
        nodes.append({"id": node_id, "type": "indicator", "kind": key[0], "label": key[1]})
        links.extend({"source": f"r{rid}", "target": node_id} for rid in sorted(members))
    return {"nodes": nodes, "links": links, "truncated": total > len(report_ids)}
