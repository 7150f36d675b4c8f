"""The fault suite's stacks and its results file.

Which faults and databases run comes from the environment, so that the normal test run takes
a fast subset and `make chaos` everything:

| variable | default | `make chaos` |
|---|---|---|
| `CHAOS_FAULTS` | `actions,worker,sink` | `all` (also rasa, bot, database and the exact-moment kills) |
| `CHAOS_DATABASES` | `sqlite` | `sqlite,postgresql` |
| `CHAOS_REPORTERS` | `3` | `3` (reports filed at once per fault) |
| `CHAOS_RESULTS` | unset | `results/chaos.md` (the table of numbers per fault) |

One stack runs at a time (Rasa needs about 1 GB); it is reused by every fault on its database.
PostgreSQL is the development machines' server (SCAMREPORT_TEST_POSTGRES_URL, default
postgres@127.0.0.1:5432): the suite creates its own database there and drops it afterwards. When
PostgreSQL is asked for and unreachable, the suite fails rather than skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.chaos.harness import ChaosStack, chaos_stack
from tests.chaos.ledger import Tally, markdown
from tests.conftest import _postgres_server_url

ALL_FAULTS = (
    "rasa",
    "actions",
    "bot",
    "worker",
    "database",
    "sink",
    "actions-at-commit",
    "rasa-at-commit",
)
FAST_FAULTS = ("actions", "worker", "sink")


def _listed(variable: str, default: str, known: tuple[str, ...]) -> list[str]:
    value = os.environ.get(variable, default).strip()
    names = list(known) if value == "all" else [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise pytest.UsageError(f"{variable}: unknown {unknown}; choose from {list(known)}")
    return names


def chaos_faults() -> list[str]:
    return _listed("CHAOS_FAULTS", ",".join(FAST_FAULTS), ALL_FAULTS)


def chaos_databases() -> list[str]:
    return _listed("CHAOS_DATABASES", "sqlite", ("sqlite", "postgresql"))


def chaos_reporters() -> int:
    return int(os.environ.get("CHAOS_REPORTERS", "3"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if {"database", "fault_name"} <= set(metafunc.fixturenames):
        cases = [(d, f) for d in chaos_databases() for f in chaos_faults()]
        metafunc.parametrize(("database", "fault_name"), cases, ids=[f"{d}-{f}" for d, f in cases])


class StackPool:
    """One chaos stack at a time, started on first use and kept for its database's faults."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.current: tuple[str, ChaosStack] | None = None
        self._exits = ExitStack()

    def get(self, database: str) -> ChaosStack:
        if self.current is not None and self.current[0] == database:
            return self.current[1]
        self.close()
        self._exits = ExitStack()
        data_dir = self.base / database
        data_dir.mkdir(parents=True, exist_ok=True)
        url = (
            f"sqlite:///{data_dir / 'scamreport.db'}"
            if database == "sqlite"
            else self._exits.enter_context(_postgres_database())
        )
        chaos = self._exits.enter_context(
            chaos_stack(data_dir, database=database, database_url=url)
        )
        self.current = (database, chaos)
        return chaos

    def close(self) -> None:
        self.current = None
        self._exits.close()


class _postgres_database:  # noqa: N801 - used as a context manager like a function
    """A fresh database on the development PostgreSQL server, dropped on exit."""

    def __init__(self) -> None:
        self.server = _postgres_server_url()
        self.name = f"scamreport_chaos_{uuid.uuid4().hex[:10]}"

    def __enter__(self) -> str:
        admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        finally:
            admin.dispose()
        return self.server.set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *exc: object) -> None:
        admin = create_engine(self.server, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        finally:
            admin.dispose()


@pytest.fixture(scope="session")
def stack_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackPool]:
    pool = StackPool(tmp_path_factory.mktemp("chaos"))
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def chaos_for(stack_pool: StackPool) -> Callable[[str], ChaosStack]:
    return stack_pool.get


@pytest.fixture(scope="session")
def tallies() -> Iterator[list[Tally]]:
    found: list[Tally] = []
    yield found
    target = os.environ.get("CHAOS_RESULTS")
    if target and found:
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(markdown(found))
