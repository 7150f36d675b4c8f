"""The ``extraction`` and ``largest`` suites (issue 13): their offline pieces (the share of a
turn, the memory bounds, the verdict per process, the tables) and their smoke runs. Fail only
when the benchmark breaks, never on a timing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.extraction import LONG_STORY_CHARS, long_story, script_messages, shares
from benchmarks.largest import largest_within, memory_bounds, mib
from benchmarks.report import broken, extraction_section, largest_section
from scamreport.cli.stack import CURRENT_MODEL
from scamreport.settings import PROJECT_ROOT


def _smoke(tmp_path: Path, suites: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", "--suites", suites, "--smoke"]
        + ["--out", str(tmp_path), "--doc", str(tmp_path / "performance.md")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_long_story_is_about_telegrams_limit_and_the_script_is_read() -> None:
    assert len(long_story()) == LONG_STORY_CHARS
    kinds = [kind for _, kind, _ in script_messages()]
    assert kinds[:2] == ["greet", "story"] and kinds[-1] == "long_story" and "form" in kinds


def _message(kind: str, median: float) -> dict[str, Any]:
    return {"kind": kind, "reading_ms": {"median": median}}


def test_the_share_of_a_turn_comes_from_the_latency_result_beside_it(tmp_path: Path) -> None:
    read = [_message("story", 1.0), _message("form", 0.2), _message("form", 0.4)]
    assert shares(read, tmp_path)["story_share"] is None
    assert "latency" in shares(read, tmp_path)["why_no_share"]
    latency = {"legs": {"after:rest": {"kinds": {"story": {"p50": 200.0}, "form": {"p50": 100}}}}}
    (tmp_path / "latency.json").write_text(json.dumps(latency))
    result = shares(read, tmp_path)
    assert result["story_share"] == 0.005 and result["form_share"] == 0.003
    assert "why_no_share" not in result


def test_the_memory_bounds_are_the_deployments_limits() -> None:
    assert mib("768Mi") == 768 and mib("3Gi") == 3072
    bounds = memory_bounds()
    assert {"rasa", "actions", "bot", "telegram"} <= set(bounds)
    assert bounds["telegram"]["mib"] is None
    assert all(bounds[p]["mib"] for p in ("rasa", "actions", "bot")), bounds


def _send(path: str, chars: int, handled: bool, rasa: float) -> dict[str, Any]:
    return {
        "path": path,
        "chars": chars,
        "handled": handled,
        "how": "answered" if handled else "ReadTimeout: timed out",
        "seconds": 1.0,
        "rss_mib_peak": {"rasa": rasa, "bot": 100.0, "actions": 150.0, "telegram": 20.0},
    }


def test_a_process_is_bounded_by_its_first_failure_or_its_memory() -> None:
    bounds = {
        "rasa": {"mib": 1000.0, "source": "x"},
        "bot": {"mib": 500.0, "source": "y"},
        "telegram": {"mib": None, "source": "none"},
    }
    sends = [
        _send("rest", 1_000, True, 700.0),
        _send("telegram", 1_000, True, 700.0),
        _send("rest", 4_000, True, 1200.0),
        _send("telegram", 4_000, True, 700.0),
        _send("rest", 16_000, True, 700.0),
        _send("telegram", 16_000, False, 700.0),
    ]
    verdict = largest_within(sends, bounds)
    assert verdict["rasa"]["largest_chars_handled"] == 1_000
    assert "bound" in verdict["rasa"]["stopped_at"]
    assert verdict["bot"]["largest_chars_handled"] == 4_000
    assert "timed out" in verdict["bot"]["stopped_at"]
    document = {"message_bounds": _bounds(), "sends": sends, "largest": verdict}
    text = "\n".join(largest_section(document))
    assert "| 16,000 | telegram | **no** |" in text and "| bot | 4,000 chars |" in text


def _bounds() -> dict[str, Any]:
    return {
        "source": "s",
        "MAX_NLU_CHARS": 2000,
        "MAX_STORY_CHARS": 100000,
        "MAX_REQUEST_BYTES": 1,
        "telegram_max_chars": 4096,
    }


def test_runs_that_measured_nothing_are_broken(tmp_path: Path) -> None:
    (tmp_path / "extraction.json").write_text(json.dumps({"messages": []}))
    (tmp_path / "largest.json").write_text(json.dumps({"sends": []}))
    assert broken(tmp_path, ["extraction", "largest"]) == [
        "extraction: no message read",
        "largest: no message sent",
    ]


def test_the_extraction_smoke_run_writes_its_results(tmp_path: Path) -> None:
    done = _smoke(tmp_path, "extraction", timeout=120)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    result = json.loads((tmp_path / "extraction.json").read_text())
    assert len(result["messages"]) == len(script_messages())
    assert all(m["reading_ms"]["n"] == result["rounds"] for m in result["messages"])
    assert result["shares"]["story_share"] is None and result["shares"]["why_no_share"]
    assert "### Extraction's share of a turn" in (tmp_path / "performance.md").read_text()
    assert "\n".join(extraction_section(result))


# make test: tests/security/test_long_messages.py sends 100 kB and 1 MB messages through the real
# stack, and the verdict, bounds and table are tested above without processes.
@pytest.mark.full
@pytest.mark.e2e
def test_the_largest_smoke_run_writes_its_results(tmp_path: Path) -> None:
    # `make test` trains first: without a model this fails, never skips.
    assert CURRENT_MODEL.exists(), f"no trained model at {CURRENT_MODEL}: run `make train`"
    done = _smoke(tmp_path, "largest", timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    result = json.loads((tmp_path / "largest.json").read_text())
    assert sorted({(s["path"], s["chars"]) for s in result["sends"]}) == [
        ("rest", 1_000),
        ("rest", 4_000),
        ("telegram", 1_000),
        ("telegram", 4_000),
    ]
    assert all(isinstance(s["handled"], bool) and s["how"] for s in result["sends"])
    assert set(result["largest"]) == {"rasa", "actions", "bot", "telegram"}
    assert (
        "### The largest message each process handles" in (tmp_path / "performance.md").read_text()
    )
