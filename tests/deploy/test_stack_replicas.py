"""`scamreport stack run --replicas N` on this machine, and the kill tests.

Real Rasa replicas (two; `make scale` three, SCALE_REPLICAS) with the deployment endpoints
(tracker store on this machine's PostgreSQL, lock store on its Redis), a real action server,
behind Debian's HAProxy with the bundle's configuration. Conversations spread over the
replicas; one replica is killed (SIGKILL) in the middle of them; every conversation goes on
with its history, no turn lost and none counted twice, and every reporter's report is stored
once (tests/deploy/scale.py). The last test does it through the bot: Telegram users of the
stand-in keep filing reports while a replica is killed under their load.
"""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.identity import pseudonym_for
from scamreport.channel import UPDATE_ID_KEY
from scamreport.cli.stack import STANDIN_TOKEN, Service
from scamreport.cli.stack_replicated import ReplicatedStack, servers_up
from scamreport.settings import RASA_AUTH_TOKEN, RASA_CHANNEL_TOKEN, get_settings
from scamreport.storage.database import make_engine, make_session_factory, upgrade_database
from scamreport.storage.models import Report
from telegram_standin.driver import Driver
from tests.chaos.reporter import Outcome, fake_shop_answers
from tests.deploy.scale import (
    MID_FORM_SECTION,
    UNDER_LOAD_SECTION,
    Reporter,
    ScaleResult,
    Steps,
    TelegramReporter,
    TimedChatUser,
    UnderLoadResult,
    asked_slots,
    load_markdown,
    markdown,
    out_of_order,
    pseudonyms,
    record,
    scale_load_reporters,
    scale_replicas,
    scale_reporters,
    scale_results,
    seconds_to_answer,
    taken_twice_or_late,
)
from tests.rasa_rest import RasaClient

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

SENDERS = [f"{index:02d}" + "cd" * 31 for index in range(8)]
TURNS = (
    "hello",
    "someone called saying he was from the police and I paid S$1,200",
    "yesterday",
)
# Form answers each reporter gives before the kill: every conversation is mid-form then.
ANSWERS_BEFORE_KILL = 3
# Through the bot: the replica is killed once the reporters have sent this many messages each
# on average (/start, the consent, the story, two answers: mid-form; a report takes about 14).
MESSAGES_BEFORE_LOAD_KILL = 5
# Fixed Telegram users: HAProxy hashes their pseudonyms the same way every run.
FIRST_USER_ID = 6_140_001


class PatientReplicatedStack(ReplicatedStack):
    """Replicas given 20 minutes to load: on a shared 2-core machine N models loading at once,
    beside other tests, took more than the 7 minutes one Rasa gets (as benchmarks/replicas.py)."""

    def replica_rasa(self, index: int) -> Service:
        return replace(super().replica_rasa(index), startup_seconds=1200)


@pytest.fixture(scope="module")
def replicated(
    tmp_path_factory: pytest.TempPathFactory, postgres_database_factory: Callable[[], str]
) -> Iterator[ReplicatedStack]:
    database_url = postgres_database_factory()
    upgrade_database(database_url)
    stack = PatientReplicatedStack(
        data_dir=Path(tmp_path_factory.mktemp("replicated")),
        replicas=scale_replicas(),
        action_servers=1,
        database_url=database_url,
        extra_env={"TRACKER_STORE_URL": postgres_database_factory()},
    )
    try:
        stack.start_assistant()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def every_replica_up(replicated: ReplicatedStack) -> ReplicatedStack:
    """The stack with every replica running: those an earlier test killed are started again."""
    dead = [
        name
        for name, service in replicated.services.items()
        if name.startswith("rasa-") and service.process and service.process.poll() is not None
    ]
    for service in [replicated.restart(name, wait=False) for name in dead]:
        replicated.wait_ready(service)
    replicated.wait_for_backends()
    return replicated


def replica_names(stack: ReplicatedStack) -> list[str]:
    return [f"rasa-{index}" for index in range(1, stack.replicas + 1)]


def sessions_per_replica(stack: ReplicatedStack) -> dict[str, int]:
    text = requests.get(stack.metrics_url, timeout=5).text
    pattern = r'^haproxy_server_sessions_total\{proxy="rasa",server="([^"]+)"\} (\d+)$'
    return {server: int(count) for server, count in re.findall(pattern, text, re.M)}


def tracker_events(stack: ReplicatedStack, sender: str) -> list[dict[str, object]]:
    """``sender``'s tracker events, read through HAProxy from whichever replica."""
    response = requests.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.secrets[RASA_AUTH_TOKEN]},
        timeout=60,
    )
    response.raise_for_status()
    return list(response.json()["events"])


def user_texts(stack: ReplicatedStack, sender: str) -> list[str]:
    """The user messages in ``sender``'s tracker, read through HAProxy from whichever replica."""
    return [str(e["text"]) for e in tracker_events(stack, sender) if e["event"] == "user"]


def replica_of(stack: ReplicatedStack, sender: str) -> str:
    """The replica HAProxy sends ``sender``'s conversation to: the one whose session counter
    a read of its tracker (hashed like its messages) moves. Call it with no other traffic."""
    before = sessions_per_replica(stack)
    user_texts(stack, sender)
    after = sessions_per_replica(stack)
    served = [name for name, count in after.items() if count > before.get(name, 0)]
    assert len(served) == 1, f"{sender}: sessions {before} -> {after}"
    return served[0]


@pytest.mark.full  # make test: the report-level kill test below checks the trackers too
def test_conversations_survive_a_replica_killed_mid_conversation(
    every_replica_up: ReplicatedStack,
) -> None:
    replicated = every_replica_up
    client = RasaClient(
        replicated.rasa_url, channel_token=replicated.secrets[RASA_CHANNEL_TOKEN], timeout=120
    )
    for text in TURNS[:2]:
        for sender in SENDERS:
            assert client.send(sender, text), f"no answer to {text!r} for {sender}"
    before = sessions_per_replica(replicated)
    assert sorted(before) == replica_names(replicated)
    assert sum(1 for count in before.values() if count > 0) >= 2, f"replicas serve: {before}"
    # The busiest replica: with three, a fixed set of ids need not reach every one.
    victim = max(before, key=lambda name: before[name])

    replicated.kill(victim)
    # The next turn of every conversation, at once: HAProxy redispatches what reached the dead
    # replica, and its health checks take it out within a few seconds.
    for sender in SENDERS:
        assert client.send(sender, TURNS[2]), f"no answer after the kill for {sender}"
    deadline = time.monotonic() + 20
    survivors = replicated.replicas - 1
    while servers_up(replicated.metrics_url, "rasa") != survivors and time.monotonic() < deadline:
        time.sleep(0.5)
    assert servers_up(replicated.metrics_url, "rasa") == survivors, "HAProxy took it out"

    for sender in SENDERS:
        # Every turn once, in order, whichever replica served it.
        assert user_texts(replicated, sender) == list(TURNS), sender


def test_reports_survive_a_replica_killed_mid_form(every_replica_up: ReplicatedStack) -> None:
    """Reporters file whole reports at once; a replica is killed when every one is mid-form.
    Each still gets one reference, and the database holds one report per reporter, with its
    fields and one set of deliveries."""
    stack = every_replica_up
    token = stack.secrets[RASA_CHANNEL_TOKEN]
    reporters = [
        Reporter.over(stack.rasa_url, channel_token=token, pseudonym=pseudonym)
        for pseudonym in pseudonyms(scale_reporters())
    ]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(reporters)) as pool:
        list(pool.map(lambda reporter: reporter.begin(ANSWERS_BEFORE_KILL), reporters))
        placed = {r.pseudonym: replica_of(stack, r.pseudonym) for r in reporters}
        assert len(set(placed.values())) >= 2, f"conversations on two replicas: {placed}"
        load = Counter(placed.values())
        victim = max(load, key=lambda name: load[name])
        on_victim = [p for p, replica in placed.items() if replica == victim]
        stack.kill(victim)
        # Every conversation's next answer at once, while HAProxy still counts the dead replica.
        list(pool.map(Reporter.finish, reporters))
    seconds = time.monotonic() - started

    deadline = time.monotonic() + 20
    while servers_up(stack.metrics_url, "rasa") != stack.replicas - 1:
        assert time.monotonic() < deadline, "HAProxy took the dead replica out"
        time.sleep(0.5)
    for reporter in reporters:
        replica = replica_of(stack, reporter.pseudonym)
        if placed[reporter.pseudonym] != victim:
            assert replica == placed[reporter.pseudonym], "only the dead replica's moved"
        # Every message once, in order, whichever replica took it.
        assert user_texts(stack, reporter.pseudonym) == reporter.sent, reporter.transcript()

    session_factory = make_session_factory(make_engine(stack.database_url or ""))
    with session_factory() as session:
        reports = session.scalars(
            select(Report)
            .where(Report.pseudonym.in_([r.pseudonym for r in reporters]))
            .options(selectinload(Report.deliveries))
        ).all()
        every_report = session.scalar(select(func.count()).select_from(Report))
        per_conversation = Counter(report.pseudonym for report in reports)
        deliveries = {
            report.reference: sorted(
                (d.agency_code, d.payload_format, d.transport) for d in report.deliveries
            )
            for report in reports
        }
        fields = {
            report.pseudonym: (
                report.reference,
                report.scam_type,
                report.amount_lost,
                report.currency,
            )
            for report in reports
        }
    delivery_sets = {tuple(rows) for rows in deliveries.values()}
    result = ScaleResult(
        replicas=stack.replicas,
        reporters=len(reporters),
        killed=victim,
        on_killed=len(on_victim),
        referenced=sum(1 for r in reporters if len(r.references()) == 1),
        filed=len(reports),
        duplicates=sum(count - 1 for count in per_conversation.values()),
        lost=sum(1 for r in reporters if r.pseudonym not in per_conversation),
        delivery_sets="; ".join(
            ", ".join(f"{agency}/{body}" for agency, body, _ in rows) for rows in delivery_sets
        ),
        seconds=seconds,
    )
    if (path := scale_results()) is not None:
        record(path, MID_FORM_SECTION, markdown(result))

    assert (result.duplicates, result.lost) == (0, 0), result
    assert every_report == len(reporters), "no report from anywhere else"
    for reporter in reporters:
        assert len(reporter.references()) == 1, reporter.transcript()
        reference = reporter.references().pop()
        assert fields[reporter.pseudonym] == (
            reference,
            "fake_authority",
            Decimal("5000"),
            "SGD",
        ), reporter.transcript()
    for reference, rows in deliveries.items():
        assert rows and len(rows) == len(set(rows)), f"{reference}: {rows}"
    assert len(delivery_sets) == 1, f"one plan for one story: {deliveries}"
    assert "sg-spf" in {agency for agency, _, _ in next(iter(delivery_sets))}


@pytest.fixture
def bot_in_front(every_replica_up: ReplicatedStack) -> Iterator[ReplicatedStack]:
    """The Telegram stand-in and the real bot (default settings), talking to HAProxy."""
    stack = every_replica_up
    stack.start(stack.telegram_standin())
    stack.start(stack.bot(token=STANDIN_TOKEN, api_url=stack.standin_url))
    try:
        yield stack
    finally:
        for name in ("bot", "telegram"):
            try:
                stack.kill(name, signal.SIGTERM)
            except subprocess.TimeoutExpired:
                stack.kill(name)


def seconds_until_taken_out(stack: ReplicatedStack, since: float, timeout: float = 30.0) -> float:
    """Seconds from ``since`` until HAProxy counts one replica fewer as up (inf if never)."""
    deadline = time.monotonic() + timeout
    while servers_up(stack.metrics_url, "rasa") != stack.replicas - 1:
        if time.monotonic() > deadline:
            return float("inf")
        time.sleep(0.25)
    return time.monotonic() - since


def event_counts(outcomes: list[Outcome]) -> str:
    seen: Counter[str] = Counter()
    for outcome in outcomes:
        seen.update(outcome.events)
    return ", ".join(f"{name} {count}" for name, count in sorted(seen.items())) or "-"


# Last in the module: its reports stay in the database the tests above count.
@pytest.mark.full  # make test: the REST-level kill test above covers the replicas' side
def test_reports_through_the_bot_survive_a_replica_killed_under_load(
    bot_in_front: ReplicatedStack,
) -> None:
    """Telegram users file whole reports at once through the stand-in and the bot; the busiest
    replica is SIGKILLed while they keep sending. Each gets one reference, the database holds
    one report per reporter, their questions arrive in order, and Rasa takes no message twice."""
    stack = bot_in_front
    steps = Steps()
    users = [
        TimedChatUser(
            Driver(stack.standin_url),
            {"id": FIRST_USER_ID + index, "first_name": f"R{index}", "language_code": "en"},
        )
        for index in range(scale_load_reporters())
    ]
    reporters = [
        TelegramReporter(
            user=user,
            name=f"reporter-{index}",
            answers=fake_shop_answers(f"Load Shop {index}"),
            on_step=steps.hook,
        )
        for index, user in enumerate(users)
    ]
    before = sessions_per_replica(stack)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(reporters)) as pool:
        running = [pool.submit(reporter.run) for reporter in reporters]
        under_load = steps.wait_for(len(reporters) * MESSAGES_BEFORE_LOAD_KILL, timeout=1200)
        served = sessions_per_replica(stack)
        victim = max(served, key=lambda name: served[name] - before.get(name, 0))
        mid_conversation = sum(1 for r in reporters if r.step not in ("", "submitted"))
        killed_at = time.monotonic()
        stack.kill(victim)
        detected = seconds_until_taken_out(stack, killed_at)
        outcomes = [future.result() for future in running]
    seconds = time.monotonic() - started

    key = get_settings(stack.env).pseudonym_key
    pseudonym_of = {user.id: pseudonym_for(user.id, key) for user in users}
    session_factory = make_session_factory(make_engine(stack.database_url or ""))
    with session_factory() as session:
        reports = session.scalars(
            select(Report).where(Report.pseudonym.in_(list(pseudonym_of.values())))
        ).all()
        stored = Counter(report.pseudonym for report in reports)
        fields = {report.reference: (report.shop_name, report.country) for report in reports}
    taken_twice = sum(
        taken_twice_or_late(tracker_events(stack, pseudonym), UPDATE_ID_KEY)
        for pseudonym in pseudonym_of.values()
    )
    recoveries = [
        seconds_to_answer(user, killed_at)
        for user, reporter in zip(users, reporters, strict=True)
        if reporter.outcome.reference is not None
    ]
    result = UnderLoadResult(
        replicas=stack.replicas,
        reporters=len(reporters),
        killed=victim,
        mid_conversation=mid_conversation,
        referenced=sum(1 for o in outcomes if o.reference is not None),
        filed=len(reports),
        duplicates=sum(count - 1 for count in stored.values()),
        lost=sum(
            1
            for user, outcome in zip(users, outcomes, strict=True)
            if outcome.reference is None or outcome.reference not in fields
        ),
        out_of_order=out_of_order([asked_slots(user) for user in users]),
        taken_twice=taken_twice,
        seen=event_counts(outcomes),
        detected_seconds=detected,
        recovery_seconds=max((r for r in recoveries if r is not None), default=None),
        seconds=seconds,
    )
    if (path := scale_results()) is not None:
        record(path, UNDER_LOAD_SECTION, load_markdown(result))

    transcripts = "\n\n".join(f"[{o.name}] {o.error}\n{o.transcript()}" for o in outcomes)
    assert under_load, f"the reporters stalled before the kill: {steps.sent} messages"
    assert mid_conversation >= len(reporters) // 2, f"killed under load: {result}"
    assert detected < 30, "HAProxy took the dead replica out"
    assert [o.error for o in outcomes if o.error] == [], transcripts
    assert (result.lost, result.duplicates) == (0, 0), f"{result}\n{transcripts}"
    assert result.referenced == result.filed == len(reporters), result
    for index, (user, outcome) in enumerate(zip(users, outcomes, strict=True)):
        assert stored[pseudonym_of[user.id]] == 1, outcome.transcript()
        assert fields[outcome.reference or ""] == (f"Load Shop {index}", "MY"), outcome.transcript()
    assert result.out_of_order == 0, f"{result}\n{transcripts}"
    assert result.taken_twice == 0, result
