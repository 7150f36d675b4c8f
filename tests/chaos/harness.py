"""The whole product under faults: one stack, reporters filing reports, a fault striking them.

A stack here is everything `make run` starts except the console: the action server, Rasa (with
its persistent tracker store), the Telegram stand-in, `python -m bot`, the agency sink and the
forwarding worker, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from scamreport.cli.stack import Service, Stack, free_port
from scamreport.forwarding.dev import sink_environment
from scamreport.registry import load_registry
from scamreport.storage.database import make_engine, make_session_factory
from telegram_standin.driver import Driver
from tests.bot.conftest import PSEUDONYM_KEY
from tests.chaos.proxy import ActionProxy
from tests.chaos.reporter import Outcome, Progress, Reporter, fake_shop_answers

BOT_ARGS = [
    "--replay-interval",
    "1",
    "--outbox-interval",
    "1",
    "--rasa-timeout",
    "20",
    "--rate-per-minute",
    "120",
    "--rate-burst",
    "30",
]
# Quick retries so that a scenario's deliveries settle in seconds, not the production hour.
FORWARDING_ENV = {
    "FORWARDING_MAX_ATTEMPTS": "40",
    "FORWARDING_BACKOFF_BASE_SECONDS": "0.5",
    "FORWARDING_BACKOFF_MAX_SECONDS": "3",
    "FORWARDING_CONNECT_TIMEOUT_SECONDS": "2",
    "FORWARDING_READ_TIMEOUT_SECONDS": "5",
    "FORWARDING_LEASE_SECONDS": "15",
    "FORWARDING_BATCH_SIZE": "5",
    # An agency that was down is tried again within a second of its circuit opening.
    "FORWARDING_CIRCUIT_COOLDOWN_SECONDS": "1",
    "FORWARDING_CIRCUIT_MAX_COOLDOWN_SECONDS": "2",
}
SINK_FAILURE_RATE = 0.3
STARTUP_SECONDS = 600.0


class ProxiedStack(Stack):
    """A Stack whose Rasa calls the action server through an ActionProxy."""

    proxy: ActionProxy | None = None

    def endpoints_file(self) -> Path:
        path = super().endpoints_file()
        if self.proxy is not None:
            path.write_text(path.read_text().replace(self.action_url, self.proxy.url))
        return path

    def rasa_server(self) -> Service:
        # The shared development machines can be slow: allow Rasa 10 minutes to load.
        return replace(super().rasa_server(), startup_seconds=STARTUP_SECONDS)

    def action_server(self) -> Service:
        return replace(super().action_server(), startup_seconds=STARTUP_SECONDS)


@dataclass
class ChaosStack:
    stack: ProxiedStack
    proxy: ActionProxy
    database: str  # "sqlite" or "postgresql"
    database_url: str
    sink_port: int
    smtp_port: int
    sessions: sessionmaker[Session]
    driver: Driver
    user_ids: Iterator[int]
    shop_numbers: Iterator[int]

    @property
    def sink_store_path(self) -> Path:
        return self.stack.data_dir / "sink" / "received.db"

    def sqlite_path(self) -> Path:
        database = make_url(self.database_url).database
        if self.database != "sqlite" or not database:
            raise ValueError("not a SQLite stack")
        return Path(database)

    def start_sink(self, *, failure_rate: float = 0.0) -> None:
        service = self.stack.agency_sink(port=self.sink_port, smtp_port=self.smtp_port)
        if failure_rate:
            extra = ["--failure-rate", str(failure_rate), "--failure-seed", "20240301"]
            service = replace(service, argv=[*service.argv, *extra])
        if "sink" in self.stack.services:
            self.stack.kill("sink", sig=15)
        self.stack.start(service)


@contextlib.contextmanager
def chaos_stack(data_dir: Path, *, database: str, database_url: str) -> Iterator[ChaosStack]:
    sink_port, smtp_port = free_port(), free_port()
    env = {
        **sink_environment(
            load_registry(),
            f"http://127.0.0.1:{sink_port}",
            secrets.token_urlsafe(32),
            smtp_port=smtp_port,
        ),
        **FORWARDING_ENV,
        "PSEUDONYM_KEY": PSEUDONYM_KEY,
        "SCAMREPORT_ENV": "test",
    }
    with ProxiedStack(data_dir=data_dir, database_url=database_url, extra_env=env) as stack:
        proxy = ActionProxy(stack.action_url).start()
        stack.proxy = proxy
        stack.start_assistant()
        stack.start_telegram_standin_and_bot(args=BOT_ARGS)
        chaos = ChaosStack(
            stack=stack,
            proxy=proxy,
            database=database,
            database_url=database_url,
            sink_port=sink_port,
            smtp_port=smtp_port,
            sessions=make_session_factory(make_engine(database_url)),
            driver=Driver(stack.standin_url),
            user_ids=iter(range(8_000_001, 9_000_000)),
            shop_numbers=iter(range(1, 1_000_000)),
        )
        chaos.start_sink()
        stack.start(stack.forwarding_worker())
        try:
            yield chaos
        finally:
            proxy.shutdown()


# --- faults ---


@dataclass(frozen=True)
class Trigger:
    """Strike right after a reporter sends ``step`` (a slot's answer, "submit", "submitted")."""

    step: str
    delay: float = 0.0


@dataclass
class Fault:
    name: str
    description: str
    strike: Callable[[ChaosStack], None]
    recover: Callable[[ChaosStack], None]
    triggers: Sequence[Trigger] = ()
    down_seconds: float = 5.0
    setup: Callable[[ChaosStack], None] = lambda chaos: None
    teardown: Callable[[ChaosStack], None] = lambda chaos: None


def sigkill(name: str) -> Callable[[ChaosStack], None]:
    return lambda chaos: chaos.stack.kill(name)


def restart(name: str) -> Callable[[ChaosStack], None]:
    return lambda chaos: chaos.stack.restart(name)


def sigkill_at_commit(name: str) -> Callable[[ChaosStack], None]:
    """SIGKILL ``name`` when the next report is stored but Rasa has not yet heard back."""

    def strike(chaos: ChaosStack) -> None:
        chaos.proxy.arm("action_submit_report", lambda: chaos.stack.kill(name))
        if not chaos.proxy.struck.wait(600):
            raise AssertionError("no report was submitted while the proxy was armed")

    return strike


class SqliteLock:
    """Holds an exclusive lock on the SQLite database for ``seconds`` (longer than the
    components' 30 s busy timeout, so some of their writes fail rather than wait)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.thread: threading.Thread | None = None
        self.holding = threading.Event()

    def strike(self, chaos: ChaosStack) -> None:
        path = chaos.sqlite_path()
        self.holding.clear()
        self.thread = threading.Thread(target=self._hold, args=(path,), daemon=True)
        self.thread.start()
        if not self.holding.wait(60):
            raise AssertionError("could not take the SQLite lock within 60 s")

    def _hold(self, path: Path) -> None:
        connection = sqlite3.connect(str(path), timeout=60, isolation_level=None)
        try:
            connection.execute("BEGIN EXCLUSIVE")
            self.holding.set()
            time.sleep(self.seconds)
            connection.execute("COMMIT")
        finally:
            connection.close()

    def recover(self, chaos: ChaosStack) -> None:
        if self.thread is not None:
            self.thread.join(self.seconds + 60)


def postgres_cluster() -> list[str]:
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir())
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"]


def postgres_crash(chaos: ChaosStack) -> None:
    """Stops PostgreSQL the way a crash would (immediate mode: no clean shutdown)."""
    subprocess.run([*postgres_cluster(), "stop", "-m", "immediate"], check=True, timeout=60)


def postgres_start(chaos: ChaosStack) -> None:
    subprocess.run([*postgres_cluster(), "start"], check=True, timeout=120)


def flaky_sink(chaos: ChaosStack) -> None:
    chaos.start_sink(failure_rate=SINK_FAILURE_RATE)


def plain_sink(chaos: ChaosStack) -> None:
    chaos.start_sink()


def nothing(chaos: ChaosStack) -> None:
    return None


# A question the opening leaves open (it already says what was ordered and that nothing came).
MID_INTERVIEW = Trigger("amount_lost")
AT_SUBMIT = Trigger("submit", delay=0.05)
BEFORE_SUMMARY = Trigger("contact_permission")


def faults(database: str) -> dict[str, Fault]:
    """Every fault of the suite, by name."""
    found = {
        "rasa": Fault(
            "rasa",
            "SIGKILL Rasa mid-interview and while a report is being submitted",
            sigkill("rasa"),
            restart("rasa"),
            (MID_INTERVIEW, AT_SUBMIT),
        ),
        "actions": Fault(
            "actions",
            "SIGKILL the action server mid-interview and while a report is being submitted",
            sigkill("actions"),
            restart("actions"),
            (MID_INTERVIEW, AT_SUBMIT),
        ),
        "actions-at-commit": Fault(
            "actions-at-commit",
            "SIGKILL the action server the moment a report is stored, before Rasa hears back",
            sigkill_at_commit("actions"),
            restart("actions"),
            (BEFORE_SUMMARY,),
        ),
        "rasa-at-commit": Fault(
            "rasa-at-commit",
            "SIGKILL Rasa the moment a report is stored, before it records the answer",
            sigkill_at_commit("rasa"),
            restart("rasa"),
            (BEFORE_SUMMARY,),
        ),
        "bot": Fault(
            "bot",
            "SIGKILL the bot mid-interview and while a report is being submitted",
            sigkill("bot"),
            restart("bot"),
            (MID_INTERVIEW, AT_SUBMIT),
        ),
        "worker": Fault(
            "worker",
            "SIGKILL the forwarding worker just after a report got its reference",
            sigkill("worker"),
            restart("worker"),
            (Trigger("submitted", delay=0.2),),
        ),
        "sink": Fault(
            "sink",
            f"the agency sink fails {SINK_FAILURE_RATE:.0%} of requests (500 before or after "
            "storing) for the whole scenario",
            nothing,
            nothing,
            setup=flaky_sink,
            teardown=plain_sink,
            down_seconds=0,
        ),
    }
    if database == "sqlite":
        lock = SqliteLock(seconds=35)
        found["database"] = Fault(
            "database",
            "an exclusive lock on the SQLite file for 35 s (beyond the 30 s busy timeout), "
            "mid-interview and at submission",
            lock.strike,
            lock.recover,
            (Trigger("payment_method"), AT_SUBMIT),
            down_seconds=0,
        )
    else:
        found["database"] = Fault(
            "database",
            "PostgreSQL stopped in immediate mode (a crash) for 5 s, then started, "
            "mid-interview and at submission",
            postgres_crash,
            postgres_start,
            (MID_INTERVIEW, AT_SUBMIT),
        )
    return found


# --- running one fault ---


@dataclass
class Scenario:
    fault: Fault
    outcomes: list[Outcome] = field(default_factory=list)
    strikes: int = 0
    missed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def run_scenario(chaos: ChaosStack, fault: Fault, *, reporters: int) -> Scenario:
    """Files ``reporters`` reports at once while ``fault`` strikes; returns what happened."""
    scenario = Scenario(fault)
    progress = Progress()
    started = time.monotonic()
    fault.setup(chaos)
    people = [
        Reporter(
            user=chaos.driver.user(next(chaos.user_ids), first_name=f"R{number}"),
            name=f"{fault.name}-{number}",
            answers=fake_shop_answers(f"MaskKing {next(chaos.shop_numbers)}"),
            on_step=progress.hook,
        )
        for number in range(reporters)
    ]
    controller = threading.Thread(target=_strike_all, args=(chaos, scenario, progress), daemon=True)
    controller.start()
    threads = [threading.Thread(target=person.run, daemon=True) for person in people]
    for thread in threads:
        thread.start()
        time.sleep(3)  # reporters at different steps when the fault strikes
    for thread in threads:
        thread.join(1200)
    progress.close()
    controller.join(600)
    scenario.outcomes = [person.outcome for person in people]
    scenario.seconds = time.monotonic() - started
    return scenario


def _strike_all(chaos: ChaosStack, scenario: Scenario, progress: Progress) -> None:
    fault = scenario.fault
    seen = 0
    for trigger in fault.triggers:
        moment = progress.wait_for(trigger.step, after=seen, timeout=900)
        if moment is None:
            scenario.missed.append(trigger.step)
            continue
        seen = moment
        time.sleep(trigger.delay)
        try:
            fault.strike(chaos)
            scenario.strikes += 1
            time.sleep(fault.down_seconds)
        except Exception as error:  # noqa: BLE001 - reported by the test
            scenario.errors.append(f"strike: {type(error).__name__}: {error}")
        finally:
            try:
                fault.recover(chaos)
            except Exception as error:  # noqa: BLE001 - reported by the test
                scenario.errors.append(f"recover: {type(error).__name__}: {error}")


def event_totals(outcomes: Sequence[Outcome]) -> Counter[str]:
    total: Counter[str] = Counter()
    for outcome in outcomes:
        total.update(outcome.events)
    return total
