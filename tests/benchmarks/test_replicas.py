"""The replicas suite: its offline pieces (HAProxy's counters, CPU readings, the table), and its
smoke run (`python -m benchmarks --suites replicas --smoke`: N = 1 and 2 real Rasa replicas on
PostgreSQL + Redis behind HAProxy, 3 reporters). Fails only when the benchmark breaks, never on
a timing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.replicas import (
    cpu_ticks,
    default_action_servers,
    process_cpu_seconds,
    sessions_per_replica,
)
from benchmarks.report import broken, replicas_section
from scamreport.cli.stack import CURRENT_MODEL
from scamreport.settings import PROJECT_ROOT

METRICS = """\
# TYPE haproxy_server_sessions_total counter
haproxy_server_sessions_total{proxy="rasa",server="rasa-1"} 12
haproxy_server_sessions_total{proxy="rasa",server="rasa-2"} 7
haproxy_server_sessions_total{proxy="actions",server="actions-1"} 30
"""


def test_sessions_per_replica_reads_only_the_rasa_backend() -> None:
    assert sessions_per_replica(METRICS) == {"rasa-1": 12, "rasa-2": 7}


def test_cpu_readings_move_forward() -> None:
    total, idle = cpu_ticks()
    assert 0 <= idle <= total
    assert process_cpu_seconds(os.getpid()) > 0


def test_one_action_server_per_two_replicas() -> None:
    assert [default_action_servers([1, n]) for n in (1, 2, 3, 4, 16)] == [1, 1, 1, 2, 8]


def _spread(value: float) -> dict[str, object]:
    return {"median": value, "min": value, "max": value, "rounds": [value]}


def test_the_replicas_table_has_a_row_per_replica_count() -> None:
    row = {
        "messages_per_second": _spread(10.0),
        "p50_ms": _spread(900.0),
        "p95_ms": _spread(2000.0),
        "p99_ms": _spread(2500.0),
        "machine_cpu_busy_share": _spread(0.98),
        "errors": 0,
        "reporters_complete_in_order": 50,
        "trackers_exact": 50,
        "reporters": 50,
    }
    document = {
        "command": "python -m benchmarks --suites replicas",
        "machine": {"started_at": "now", "commit": "abc", "cpus": 2, "load_average": [1, 1, 1]},
        "replica_counts": [1, 2],
        "rounds": 1,
        "order": [[1, 2]],
        "reporters": 50,
        "turns_per_reporter": 4,
        "path": "REST",
        "stores": "PostgreSQL + Redis",
        "action_servers": 1,
        "counts": {"1": row, "2": {**row, "messages_per_second": _spread(12.0)}},
        "scaling": {"2_vs_1_msgs_per_s": _spread(1.2)},
        "replicas_ready_seconds": 60,
        "rasa_memory_mib_idle": {"rasa-1": 1100},
        "rasa_memory_mib_after": {"rasa-1": 1200},
    }
    text = "\n".join(replicas_section(document))
    assert "| 1 | 10 (10-10) | 1x |" in text
    assert "| 2 | 12 (12-12) | 1.2x (1.2-1.2) |" in text
    assert "50/50 | 50/50 |" in text


def test_a_replicas_run_that_measured_nothing_is_broken(tmp_path: Path) -> None:
    (tmp_path / "replicas.json").write_text(json.dumps({"skipped": "PostgreSQL unreachable"}))
    assert broken(tmp_path, ["replicas"]) == ["replicas: nothing measured (PostgreSQL unreachable)"]


# make test: tests/deploy/test_stack_replicas.py runs the same replicated stack for real, and
# the table per replica count is tested above without processes.
@pytest.mark.full
@pytest.mark.e2e
@pytest.mark.postgres
def test_the_replicas_smoke_run_writes_its_results(
    tmp_path: Path, postgres_database_factory: Callable[[], str]
) -> None:
    postgres_database_factory()  # skips when PostgreSQL is unreachable
    # `make test` trains first: without a model this fails, never skips.
    assert CURRENT_MODEL.exists(), f"no trained model at {CURRENT_MODEL}: run `make train`"
    if not (shutil.which("haproxy") or Path("/usr/sbin/haproxy").exists()):
        pytest.skip("no haproxy: `make deploy-tools`")
    doc = tmp_path / "performance.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--suites", "replicas", "--smoke"]
        + ["--out", str(tmp_path), "--doc", str(doc)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    result = json.loads((tmp_path / "replicas.json").read_text())
    assert sorted(result["counts"]) == ["1", "2"]
    for stats in result["counts"].values():
        assert stats["errors"] == 0
        assert stats["reporters_complete_in_order"] == stats["reporters"]
        assert stats["trackers_exact"] == stats["reporters"]
    (two,) = result["counts"]["2"]["runs"]
    assert sorted(two["haproxy_sessions_per_replica"]) == ["rasa-1", "rasa-2"]
    assert "### Scale-out: Rasa replicas behind HAProxy" in doc.read_text()
