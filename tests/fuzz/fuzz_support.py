"""What every fuzz test shares: its size and seed, memory readings, and the results file.

- ``SCAMREPORT_FUZZ_CASES``: inputs per target (default 150 for the normal test run;
  ``make fuzz`` sets 10,000).
- ``SCAMREPORT_FUZZ_SEED``: the seed (default 20201120), printed with every failure.
- ``SCAMREPORT_FUZZ_NLU``: ``stub`` (default: a canned NLU answer, fast) or ``model`` (the
  trained Rasa model behind `scamreport parse --jsonl`, as `make fuzz` runs it).
- ``SCAMREPORT_FUZZ_RESULTS``: a Markdown file each test appends its numbers to (`make fuzz`
  writes results/fuzz.md).
"""

from __future__ import annotations

import json
import os
import resource
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DEFAULT_CASES = 150
DEFAULT_SEED = 20201120


def fuzz_cases() -> int:
    return max(1, int(os.environ.get("SCAMREPORT_FUZZ_CASES", DEFAULT_CASES)))


def fuzz_seed() -> int:
    return int(os.environ.get("SCAMREPORT_FUZZ_SEED", DEFAULT_SEED))


def nlu_mode() -> str:
    mode = os.environ.get("SCAMREPORT_FUZZ_NLU", "stub")
    if mode not in ("stub", "model"):
        raise ValueError(f"SCAMREPORT_FUZZ_NLU is stub or model, not {mode!r}")
    return mode


def rss_mib(pid: int | str = "self", field_name: str = "VmRSS") -> float:
    """A process's resident memory (VmRSS, or VmHWM for the peak) in MiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(f"no {field_name} for process {pid}")


def children_peak_rss_mib() -> float:
    """The largest peak RSS among the waited-for child processes (and theirs), in MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


@dataclass
class Tally:
    """What one fuzz target did: inputs by kind, failures with their inputs, memory."""

    target: str
    inputs: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    memory: str = ""
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str) -> None:
        self.inputs += 1
        self.kinds[kind] += 1

    def fail(self, kind: str, problem: str, sample: Any) -> None:
        self.failures.append(f"{kind}: {problem}; input {_shorten(sample)}")

    def report(self) -> str:
        kinds = ", ".join(f"{kind} {number}" for kind, number in sorted(self.kinds.items()))
        lines = [
            f"### {self.target}",
            "",
            f"- seed {fuzz_seed()}, {self.inputs} inputs ({kinds})",
            f"- failures (crash, 500, dropped connection, hang, wrong answer): {len(self.failures)}",
            f"- memory: {self.memory}",
            *[f"- {note}" for note in self.notes],
            *[f"  - {failure}" for failure in self.failures[:20]],
            "",
        ]
        return "\n".join(lines)

    def save(self) -> None:
        target = os.environ.get("SCAMREPORT_FUZZ_RESULTS")
        if target:
            with Path(target).open("a", encoding="utf-8") as out:
                out.write(self.report() + "\n")

    def check(self) -> None:
        self.save()
        assert not self.failures, f"{len(self.failures)} failures (seed {fuzz_seed()}):\n" + (
            "\n".join(self.failures[:20])
        )


def _shorten(sample: Any, limit: int = 160) -> str:
    text = repr(sample)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


class StubNlu:
    """Answers Rasa's ``POST /model/parse`` with a canned intent (the stub NLU mode)."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - stdlib naming
                length = int(self.headers.get("Content-Length") or 0)
                text = json.loads(self.rfile.read(length) or b"{}").get("text", "")
                intent = {"name": "report_fake_authority", "confidence": 0.9}
                answer = {
                    "text": text,
                    "intent": intent,
                    "entities": [],
                    "intent_ranking": [intent],
                }
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.1,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> StubNlu:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
