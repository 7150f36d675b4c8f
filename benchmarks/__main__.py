"""`make bench`: start what is measured, run each comparison interleaved, write the results.

    .venv/app/bin/python -m benchmarks                       # everything (about 30-40 minutes)
    .venv/app/bin/python -m benchmarks --suites latency,load --rounds 2
    .venv/app/bin/python -m benchmarks --smoke --out /tmp/x  # seconds: only checks it works

Suites: ``latency`` (one reporter at a time: the project vs a bare Rasa 3.6.21 assistant the
benchmark creates and trains, response-only and custom-action turns, REST vs Telegram path,
before vs after issue 13's fixes), ``load`` (10/50/200 reporters at once, straight to Rasa and
through the stand-in and the bot), ``coldstart`` (each process alone from launch to ready, and
`scamreport stack run` to the first reply), ``forwarding`` (1 and 4 workers, SQLite and PostgreSQL,
with and without 30% agency failures, exactly once) and ``console`` (scripts/bench_console.py
at 100,000 reports on SQLite and PostgreSQL) and ``replicas`` (1, 2, 3 Rasa replicas on
PostgreSQL + Redis behind HAProxy, 50 reporters at once, interleaved; needs haproxy: `make
deploy-tools`). `--suites replicas --smoke` runs that one tiny (N = 1 and 2, 3 reporters).
``extraction`` (in-process: one message's cold reading, masking and extraction, per message of
the benchmark script and a 4,000-character story, and its share of the turn from the latency
suite's result in the same --out, run first when both run) and ``largest`` (the `after`
processes; messages of 1k to 1M characters, straight to Rasa and through the stand-in and the
bot, each process's peak memory against its bound). `--smoke` with ``--suites`` naming either
of them runs those small (2 rounds; 1k and 4k characters).
Results: results/bench/<suite>.json; the table in
docs/performance.md (between its generated-table markers) is rewritten from them.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import coldstart, extraction, forwarding, largest, replicas, report, turns
from benchmarks.processes import Processes
from benchmarks.stats import machine
from scamreport.cli.stack import APP_PYTHON
from scamreport.settings import PROJECT_ROOT

SUITES = (
    "latency",
    "load",
    "coldstart",
    "forwarding",
    "console",
    "replicas",
    "extraction",
    "largest",
)
# Suites whose --smoke variant runs on its own when --suites names it.
OWN_SMOKE = {"replicas", "extraction", "largest"}
LATENCY_LEGS = ["after:rest", "before:rest", "bare:rest", "after:telegram", "before:telegram"]
LOAD_LEGS = ["after:rest", "after:telegram", "before:rest", "before:telegram", "bare:rest"]


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--suites", type=_csv, default=None, help="default: all")
    parser.add_argument("--rounds", type=int, default=3, help="A,B rounds per comparison")
    parser.add_argument("--conversations", type=int, default=8, help="per latency leg and round")
    parser.add_argument("--max-turns", type=int, default=6, help="turns of the latency script")
    parser.add_argument(
        "--load-levels", type=lambda t: [int(x) for x in _csv(t)], default=[10, 50, 200]
    )
    parser.add_argument("--load-rounds", type=int, default=2)
    parser.add_argument("--load-turns", type=int, default=3, help="turns per simulated reporter")
    parser.add_argument("--load-legs", type=_csv, default=LOAD_LEGS)
    parser.add_argument("--latency-legs", type=_csv, default=LATENCY_LEGS)
    parser.add_argument("--forwarding-reports", type=int, default=600)
    parser.add_argument("--forwarding-rounds", type=int, default=2)
    parser.add_argument("--forwarding-databases", type=_csv, default=["sqlite", "postgresql"])
    parser.add_argument("--forwarding-threads", type=int, default=2, help="--threads per worker")
    parser.add_argument(
        "--forwarding-workers", type=lambda t: [int(x) for x in _csv(t)], default=[1, 4]
    )
    parser.add_argument(
        "--forwarding-failure-rates", type=lambda t: [float(x) for x in _csv(t)], default=[0, 0.3]
    )
    parser.add_argument("--coldstart-rounds", type=int, default=2)
    parser.add_argument("--console-reports", type=int, default=100_000)
    parser.add_argument(
        "--replica-counts", type=lambda t: [int(x) for x in _csv(t)], default=[1, 2, 3]
    )
    parser.add_argument("--replica-rounds", type=int, default=3)
    parser.add_argument("--replica-reporters", type=int, default=50)
    parser.add_argument("--replica-turns", type=int, default=4, help="turns per reporter")
    parser.add_argument(
        "--replica-action-servers", type=int, default=None, help="default: max(1, N // 2)"
    )
    parser.add_argument(
        "--extraction-rounds", type=int, default=extraction.FULL_ROUNDS, help="cold readings"
    )
    parser.add_argument(
        "--largest-sizes",
        type=lambda t: [int(x) for x in _csv(t)],
        default=largest.FULL_SIZES,
        help="characters per message",
    )
    parser.add_argument(
        "--largest-timeout", type=float, default=240.0, help="seconds a message may take"
    )
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "results" / "bench")
    parser.add_argument(
        "--doc", type=Path, default=PROJECT_ROOT / "docs" / "performance.md", help="'-' for none"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a few seconds, no Rasa: forwarding with 20 reports (with --suites replicas: N = 1 "
        "and 2, 3 reporters, a few minutes; extraction: 2 rounds; largest: 1k and 4k "
        "characters, about 40 s); fails only if the benchmark breaks",
    )
    return parser.parse_args(argv)


def write(out: Path, name: str, result: dict[str, Any], command: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    document = {"suite": name, "command": command, "machine": machine(), **result}
    (out / f"{name}.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out / f'{name}.json'}", flush=True)


def run_console(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for database in args.forwarding_databases:
        out = args.out / f"console-{database}.json"
        argv = [str(APP_PYTHON), "scripts/bench_console.py", "--reports", str(args.console_reports)]
        drop = None
        if database == "postgresql":
            made = forwarding.postgres_database()
            if made is None:
                results[database] = {"skipped": "PostgreSQL unreachable"}
                continue
            url, drop = made
            argv += ["--database-url", url]
        try:
            done = subprocess.run(
                [*argv, "--out", str(out)],
                cwd=PROJECT_ROOT,
                stdout=subprocess.DEVNULL,
                stderr=(work / f"console-{database}.log").open("wb"),
            )
        finally:
            if drop is not None:
                drop()
        if done.returncode != 0:
            results[database] = {"failed": f"exit {done.returncode}; see {work}"}
            continue
        results[database] = json.loads(out.read_text())
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = ("python -m benchmarks " + shlex.join(sys.argv[1:] if argv is None else argv)).strip()
    chosen = args.suites
    args.suites = list(SUITES) if chosen is None else chosen
    unknown = set(args.suites) - set(SUITES)
    if unknown:
        print(f"unknown suites: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if args.smoke and chosen and set(chosen) <= OWN_SMOKE:
        args.replica_counts, args.replica_rounds = [1, 2], 1
        args.replica_reporters, args.replica_turns = 3, 2
        args.extraction_rounds = extraction.SMOKE_ROUNDS
        args.largest_sizes, args.largest_timeout = largest.SMOKE_SIZES, 120.0
    elif args.smoke:
        args.suites = ["forwarding"]
        args.forwarding_reports, args.forwarding_rounds = 20, 1
        args.forwarding_databases = ["sqlite"]
    (PROJECT_ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=PROJECT_ROOT / "var" / "bench"))
    print(f"benchmark: {', '.join(args.suites)}; logs and data in {work}", flush=True)
    written: list[str] = []
    if "forwarding" in args.suites:
        result = forwarding.suite(
            work / "forwarding",
            reports=args.forwarding_reports,
            rounds=args.forwarding_rounds,
            databases=args.forwarding_databases,
            worker_counts=[1] if args.smoke else args.forwarding_workers,
            failure_rates=[0.3] if args.smoke else args.forwarding_failure_rates,
            threads=args.forwarding_threads,
            legacy_comparison=not args.smoke,
        )
        write(args.out, "forwarding", result, command)
        written.append("forwarding")
    if "coldstart" in args.suites:
        result = coldstart.suite(work / "coldstart", rounds=args.coldstart_rounds)
        write(args.out, "coldstart", result, command)
        written.append("coldstart")
    needs_rasa = {"latency", "load"} & set(args.suites)
    if needs_rasa:
        legs = set()
        if "latency" in args.suites:
            legs |= set(args.latency_legs)
        if "load" in args.suites:
            legs |= set(args.load_legs)
        processes = Processes(
            work,
            before=any(leg.startswith("before:") for leg in legs),
            bare_rasa=any(leg.startswith("bare:") for leg in legs),
            telegram=any(leg.endswith(":telegram") for leg in legs),
        )
        began = time.monotonic()
        try:
            processes.start()
            print(f"processes ready in {time.monotonic() - began:.0f}s", flush=True)
            startup = {
                "cold_start_seconds_observed": processes.cold_start,
                "note": "all Rasa processes loaded at once on the same cores",
                "bare_training_seconds": processes.bare_training_seconds,
                "memory_mib_idle": processes.memory(),
            }
            if "latency" in args.suites:
                result = turns.latency(
                    processes,
                    args.latency_legs,
                    rounds=args.rounds,
                    conversations=args.conversations,
                    max_turns=args.max_turns,
                )
                write(args.out, "latency", {**result, "processes": startup}, command)
                written.append("latency")
            if "load" in args.suites:
                result = turns.load(
                    processes,
                    args.load_legs,
                    levels=args.load_levels,
                    rounds=args.load_rounds,
                    turns=args.load_turns,
                )
                result["memory_mib_after_load"] = processes.memory()
                write(args.out, "load", {**result, "processes": startup}, command)
                written.append("load")
        finally:
            processes.stop()
    if "extraction" in args.suites:  # after latency: its share of the turn reads latency.json
        write(
            args.out,
            "extraction",
            extraction.suite(args.out, rounds=args.extraction_rounds),
            command,
        )
        written.append("extraction")
    if "largest" in args.suites:
        result = largest.suite(
            work / "largest", sizes=args.largest_sizes, timeout=args.largest_timeout
        )
        write(args.out, "largest", result, command)
        written.append("largest")
    if "replicas" in args.suites:
        result = replicas.suite(
            work / "replicas",
            counts=args.replica_counts,
            rounds=args.replica_rounds,
            reporters=args.replica_reporters,
            turns=args.replica_turns,
            action_servers=args.replica_action_servers,
        )
        write(args.out, "replicas", result, command)
        written.append("replicas")
    if "console" in args.suites:
        write(args.out, "console", run_console(args, work), command)
        written.append("console")
    if str(args.doc) != "-":
        report.update(args.doc, args.out)
        print(f"updated {args.doc}", flush=True)
    if args.smoke:
        shutil.rmtree(work, ignore_errors=True)
    failures = report.broken(args.out, written)
    for failure in failures:
        print(f"benchmark broken: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
