"""`make bench` still runs: its smoke version (forwarding through real worker and sink
processes, 20 reports) writes its JSON and table. Fails only when the benchmark breaks, never
on a timing; the full run is `make bench` (docs/performance.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scamreport.settings import PROJECT_ROOT


def test_the_benchmark_smoke_run_writes_its_results(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--out", str(tmp_path), "--doc", str(doc)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((tmp_path / "forwarding.json").read_text())
    (config,) = result["configs"].values()
    (run,) = config["runs"]
    assert run["deliveries"] > 0 and run["statuses"].get("delivered", 0) > 0
    assert "| sqlite workers=1 failures=30% |" in doc.read_text()
