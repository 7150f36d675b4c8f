"""Faults lose nothing: reports filed on Telegram while a process is killed with SIGKILL, the
database is locked or restarted, or the agency fails 30% of requests.

Each case runs CHAOS_REPORTERS reporters at once through the whole product (see conftest.py
for which faults run by default and in `make chaos`). It passes only when every reporter got a
reference (after clear messages while the fault lasted), every referenced report is stored
once and arrived exactly once at each of its agencies, and no message went unanswered.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.chaos.conftest import chaos_reporters
from tests.chaos.harness import ChaosStack, faults, run_scenario
from tests.chaos.ledger import Tally, tally

pytestmark = pytest.mark.e2e


def test_a_fault_loses_nothing(
    chaos_for: Callable[[str], ChaosStack], tallies: list[Tally], database: str, fault_name: str
) -> None:
    chaos = chaos_for(database)
    fault = faults(database)[fault_name]
    scenario = run_scenario(chaos, fault, reporters=chaos_reporters())
    try:
        result = tally(chaos, scenario)
    finally:
        fault.teardown(chaos)
    tallies.append(result)

    troubled = [o for o in scenario.outcomes if o.error or o.reference is None] or scenario.outcomes
    evidence = "\n\n".join(f"--- {o.name} ---\n{o.transcript()}" for o in troubled[:2])
    report = "\n".join(result.problems) + f"\nlogs: {chaos.stack.log_dir}\n{evidence}"
    assert result.strikes == len(fault.triggers), report
    assert result.clean, report
    assert result.attempted == result.referenced == result.delivered, report
