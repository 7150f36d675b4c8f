"""Fuzzing `scamreport parse`: every JSONL line gets an answer, no input crashes the command.

The command runs as its own process (as a maintainer runs it), fed generated lines on standard
input; its peak memory (with its Rasa NLU worker, in model mode) is read from wait4.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest

from scamreport.cli.parse import INTERNAL_ERROR, MAX_LINE_BYTES
from scamreport.cli.stack import CURRENT_MODEL, free_port
from tests.fuzz.fuzz_support import StubNlu, Tally, fuzz_cases, fuzz_seed, nlu_mode
from tests.fuzz.generators import Fuzz

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Peak RSS of `scamreport parse` (spaCy blank pipeline, dateparser, the extractor), and with
# the Rasa NLU worker it starts in model mode (Rasa loads TensorFlow and the model: ~1.1 GB).
MAX_PARSE_RSS_MIB = {"stub": 600, "model": 2500}
SECONDS_PER_LINE = 0.5  # a generous bound: a hang, not slowness, exceeds it
STARTUP_SECONDS = 180


def well_formed(line: bytes) -> bool:
    """What the command promises to answer with a result rather than an error object."""
    if len(line) > MAX_LINE_BYTES:
        return False
    try:
        item = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return False
    country = item.get("country")
    return country in (None, "") or (
        isinstance(country, str) and len(country) == 2 and country.isascii() and country.isalpha()
    )


# Starts the command from a small process and writes its peak RSS (KiB) to argv[1]. Linux keeps
# a process's ru_maxrss across exec, and a child forked straight from this test process would
# start with the test's own resident memory (the 10,000 lines held here: over 2 GiB), so the
# peak is read from a child of this small launcher instead.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status) % 256)
"""


def run_command(args: list[str], stdin: bytes, *, env: dict[str, str], timeout: float) -> Any:
    """Runs the command; returns (exit status, stdout, stderr, peak RSS in MiB of the command
    and its children, such as the Rasa NLU worker)."""
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak_file:
        return _run_command(args, stdin, env=env, timeout=timeout, peak_path=peak_file.name)


def _run_command(
    args: list[str], stdin: bytes, *, env: dict[str, str], timeout: float, peak_path: str
) -> Any:
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, peak_path, sys.executable, "-m", "scamreport", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=PROJECT_ROOT,
        env=env,
        start_new_session=True,  # the timer ends the launcher and the command together
    )
    outputs: dict[str, bytes] = {}

    def pump(name: str, stream: Any) -> None:
        outputs[name] = stream.read()

    readers = [
        threading.Thread(target=pump, args=(name, stream), daemon=True)
        for name, stream in (("out", process.stdout), ("err", process.stderr))
    ]
    for reader in readers:
        reader.start()

    def feed() -> None:
        assert process.stdin is not None
        try:
            process.stdin.write(stdin)
            process.stdin.close()
        except OSError:
            pass

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    timer = threading.Timer(timeout, os.killpg, args=(process.pid, signal.SIGKILL))
    timer.start()
    try:
        _, status, _ = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    for thread in (*readers, feeder):
        thread.join(30)
    peak_text = Path(peak_path).read_text().strip()
    return (
        process.returncode,
        outputs.get("out", b""),
        outputs.get("err", b""),
        int(peak_text) / 1024 if peak_text else float("nan"),
    )


def command_env(rasa_url: str) -> dict[str, str]:
    return {**os.environ, "RASA_URL": rasa_url, "PYTHONIOENCODING": "utf-8"}


@pytest.fixture(scope="module")
def rasa_url() -> Any:
    if nlu_mode() == "model":
        assert CURRENT_MODEL.exists(), f"no trained model at {CURRENT_MODEL}: run `make train`"
        yield f"http://127.0.0.1:{free_port()}"  # nothing listens: parse loads the model
        return
    with StubNlu() as stub:
        yield stub.url


def test_every_jsonl_line_is_answered(rasa_url: str) -> None:
    fuzz = Fuzz(fuzz_seed())
    tally = Tally(f"scamreport parse --jsonl (NLU: {nlu_mode()})")
    lines = [fuzz.jsonl_line() for _ in range(fuzz_cases())]
    # Blank lines are skipped by design; generated ones are never blank.
    lines = [line if line.strip() else b"{}" for line in lines]
    for line in lines:
        tally.count("well formed" if well_formed(line) else "malformed")
    status, out, err, peak = run_command(
        ["parse", "--jsonl", "--explain"],
        b"\n".join(lines) + b"\n",
        env=command_env(rasa_url),
        timeout=STARTUP_SECONDS + SECONDS_PER_LINE * len(lines),
    )
    answers = out.decode("utf-8").splitlines()
    if len(answers) != len(lines):
        tally.fail(
            "all", f"{len(answers)} answers to {len(lines)} lines, exit {status}", err[-2000:]
        )
    for number, (line, answer) in enumerate(zip(lines, answers, strict=False), start=1):
        check_answer(tally, number, line, json.loads(answer))
    tally.memory = f"peak RSS {peak:.0f} MiB (bound {MAX_PARSE_RSS_MIB[nlu_mode()]} MiB)"
    if peak > MAX_PARSE_RSS_MIB[nlu_mode()]:
        tally.fail("all", f"peak RSS {peak:.0f} MiB", "")
    assert status == (0 if tally.kinds["malformed"] == 0 else 1) or tally.failures, err[-2000:]
    tally.check()


def check_answer(tally: Tally, number: int, line: bytes, answer: Any) -> None:
    if not isinstance(answer, dict):
        tally.fail("answer", "not a JSON object", line)
    elif well_formed(line):
        if "intent" not in answer:
            tally.fail("well formed", f"no result: {answer.get('error')}", line)
    elif answer.get("line") != number or not answer.get("error"):
        tally.fail("malformed", f"not an error object for line {number}: {answer}", line)
    elif str(answer["error"]).startswith(INTERNAL_ERROR):
        tally.fail("malformed", str(answer["error"]), line)


def plain_inputs(fuzz: Fuzz, count: int) -> list[tuple[list[bytes], bytes]]:
    """(argv tail, stdin) pairs: texts as arguments (undecodable bytes included) or stdin."""
    cases: list[tuple[list[bytes], bytes]] = [
        ([b"caf\xe9 \xff\xfe lone bytes in argv"], b""),
        ([], b"\xed\xa0\x80 surrogate bytes \xff on stdin"),
        ([b"the police called", b"--country", b"SGP"], b""),
    ]
    while len(cases) < count:
        text_str = fuzz.text(max_length=2000)
        errors = "surrogateescape" if fuzz.chance(0.5) else "surrogatepass"
        try:
            text = text_str.encode("utf-8", errors)
        except UnicodeEncodeError:  # surrogateescape takes only U+DC80..U+DCFF
            text = text_str.encode("utf-8", "surrogatepass")
        text = text.replace(b"\x00", b"")  # argv cannot carry NUL
        if fuzz.chance(0.5):
            cases.append(([b"--", text], b""))
        else:
            cases.append(([], text))
    return cases[:count]


def test_plain_text_mode_never_crashes(rasa_url: str, tmp_path: Path) -> None:
    """Each run is a process start (~2 s), so this target gets a hundredth of the cases."""
    fuzz = Fuzz(fuzz_seed() + 1)
    tally = Tally("scamreport parse TEXT (NLU: stub unless model mode)")
    count = max(3, fuzz_cases() // 100)
    with StubNlu() as stub:
        for tail, stdin in plain_inputs(fuzz, count):
            tally.count("argument" if tail else "stdin")
            argv = [os.fsdecode(part) for part in tail]
            status, out, err, _ = run_command(
                ["parse", *argv], stdin, env=command_env(stub.url), timeout=STARTUP_SECONDS
            )
            if b"Traceback" in err:
                tally.fail("plain", "traceback", (tail, stdin))
            elif b"--country" in tail:
                if status != 2:
                    tally.fail("plain", f"bad --country exit {status}", tail)
            elif status != 0 or "intent" not in json.loads(out or b"{}"):
                tally.fail("plain", f"exit {status}: {err[-300:]!r}", (tail, stdin))
    tally.check()
