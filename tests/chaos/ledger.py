"""What a fault cost: the reports attempted, referenced, delivered, duplicated and lost.

Read from the three places that matter: what each reporter was told (their reference), the
database (reports and their outbox rows), and the agency sink's store (what agencies got).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from agency_sink.server import Received, SinkStore
from bot.identity import pseudonym_for
from scamreport.storage.models import Report
from tests.bot.conftest import PSEUDONYM_KEY
from tests.chaos.harness import ChaosStack, Scenario, event_totals
from tests.chaos.reporter import PRIMARY_DELIVERY

SETTLED = ("delivered", "dead")


@dataclass
class Tally:
    database: str
    fault: str
    description: str
    attempted: int = 0
    referenced: int = 0
    delivered: int = 0
    duplicates: int = 0
    lost: int = 0
    strikes: int = 0
    resent_copies: int = 0
    transcript_repeats: int = 0
    seconds: float = 0.0
    events: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems and self.lost == 0 and self.duplicates == 0


def _reports_by_conversation(
    sessions: sessionmaker[Session], pseudonyms: list[str]
) -> dict[str, list[Report]]:
    with sessions() as session:
        rows = session.scalars(
            select(Report)
            .where(Report.pseudonym.in_(pseudonyms))
            .options(selectinload(Report.deliveries), selectinload(Report.transcript))
            .order_by(Report.id)
        ).all()
        session.expunge_all()
    found: dict[str, list[Report]] = {pseudonym: [] for pseudonym in pseudonyms}
    for report in rows:
        found[report.pseudonym].append(report)
    return found


def _received(path: Path) -> list[Received]:
    store = SinkStore(path)
    try:
        return store.received()
    finally:
        store.close()


def wait_for_deliveries(
    chaos: ChaosStack, pseudonyms: list[str], *, timeout: float = 300.0
) -> dict[str, list[Report]]:
    """The conversations' reports once every delivery is delivered or dead (or at timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        reports = _reports_by_conversation(chaos.sessions, pseudonyms)
        rows = [d for found in reports.values() for r in found for d in r.deliveries]
        if all(d.status in SETTLED for d in rows) or time.monotonic() > deadline:
            return reports
        time.sleep(1.0)


def tally(chaos: ChaosStack, scenario: Scenario) -> Tally:
    fault = scenario.fault
    result = Tally(
        database=chaos.database,
        fault=fault.name,
        description=fault.description,
        attempted=len(scenario.outcomes),
        strikes=scenario.strikes,
        seconds=scenario.seconds,
        events=event_totals(scenario.outcomes),
    )
    result.problems += scenario.errors
    result.problems += [f"the fault never struck after step {step!r}" for step in scenario.missed]
    pseudonyms = [pseudonym_for(o.user_id, PSEUDONYM_KEY) for o in scenario.outcomes]
    reports = wait_for_deliveries(chaos, pseudonyms)
    received = _received(chaos.sink_store_path)
    for outcome, pseudonym in zip(scenario.outcomes, pseudonyms, strict=True):
        stored = reports[pseudonym]
        _check_reporter(result, outcome.name, outcome.reference, outcome.error, stored)
        for report in stored:
            _check_transcript(result, report)
            if report.reference == outcome.reference:
                _check_deliveries(result, report, received)
    if result.events["silence"]:
        result.problems.append(f"{result.events['silence']} message(s) got no answer at all")
    if result.events["told not understood"]:
        result.problems.append(
            f"{result.events['told not understood']} answer(s) were met with \"didn't "
            'understand" after the fault instead of the next step'
        )
    return result


def _check_reporter(
    result: Tally, name: str, reference: str | None, error: str | None, stored: list[Report]
) -> None:
    references = [r.reference for r in stored]
    if error:
        result.problems.append(f"{name}: {error}")
    if len(stored) > 1:
        result.duplicates += len(stored) - 1
        result.problems.append(f"{name}: one conversation, {len(stored)} reports {references}")
    if reference is None:
        result.lost += 1
        result.problems.append(f"{name}: never got a reference (stored: {references})")
        return
    result.referenced += 1
    if reference not in references:
        result.lost += 1
        result.problems.append(f"{name}: told {reference}, but it is not stored ({references})")


def _check_transcript(result: Tally, report: Report) -> None:
    """A message the reporter sent once appears once in the stored transcript."""
    said = [m.text for m in sorted(report.transcript, key=lambda m: m.seq) if m.sender == "user"]
    repeats = sum(1 for before, after in pairwise(said) if before == after)
    if repeats:
        result.transcript_repeats += repeats
        result.problems.append(
            f"{report.reference}: the stored transcript repeats user messages {repeats} time(s)"
        )
    if not said:
        result.problems.append(f"{report.reference}: the stored transcript has no user message")


def _check_deliveries(result: Tally, report: Report, received: list[Received]) -> None:
    planned = Counter((d.agency_code, d.payload_format) for d in report.deliveries)
    if PRIMARY_DELIVERY not in planned or max(planned.values()) > 1:
        result.problems.append(f"{report.reference}: planned deliveries {dict(planned)}")
    statuses = Counter(d.status for d in report.deliveries)
    if set(statuses) != {"delivered"}:
        result.problems.append(f"{report.reference}: outbox statuses {dict(statuses)}")
    arrived = [item for item in received if item.reference == report.reference]
    result.resent_copies += sum(item.copies - 1 for item in arrived)
    kinds = Counter((item.agency, item.payload_format) for item in arrived)
    extra = sum(count - 1 for count in kinds.values())
    missing = set(planned) - set(kinds)
    if extra:
        result.duplicates += extra
        result.problems.append(f"{report.reference}: arrived more than once: {dict(kinds)}")
    if missing:
        result.lost += 1
        result.problems.append(f"{report.reference}: never arrived at {sorted(missing)}")
    elif not extra:
        result.delivered += 1


# --- results/chaos.md ---

HEADER = (
    "| database | fault | attempted | referenced | delivered | duplicates | lost | strikes "
    "| transcript repeats | copies dropped by the agency | what reporters saw | seconds |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def markdown(tallies: list[Tally], *, title: str = "Fault suite results") -> str:
    lines = [
        f"# {title}",
        "",
        "Written by `make chaos` (tests/chaos). Each row: reporters filing a complete report "
        "each through the Telegram stand-in, the real bot, Rasa, the action server, the "
        "forwarding worker and the agency sink, while the fault strikes. *delivered*: reports "
        "that arrived exactly once at each of their agencies (every delivery planned in its "
        "outbox; here Royal Malaysia Police, JSON); *lost*: a reporter without a reference, a reference not stored, or a delivery "
        "that never arrived; *duplicates*: a second report from one conversation or a second "
        "copy under another idempotency key.",
        "",
        HEADER,
    ]
    for t in tallies:
        seen = ", ".join(f"{name} {count}" for name, count in sorted(t.events.items())) or "-"
        lines.append(
            f"| {t.database} | {t.fault} | {t.attempted} | {t.referenced} | {t.delivered} "
            f"| {t.duplicates} | {t.lost} | {t.strikes} | {t.transcript_repeats} "
            f"| {t.resent_copies} | {seen} "
            f"| {t.seconds:.0f} |"
        )
    lines += ["", "## Faults", ""]
    lines += [f"- **{t.fault}** ({t.database}): {t.description}" for t in tallies]
    problems = [(t, p) for t in tallies for p in t.problems]
    lines += ["", "## Problems", ""]
    lines += [f"- {t.database}/{t.fault}: {p}" for t, p in problems] or ["None."]
    return "\n".join(lines) + "\n"
