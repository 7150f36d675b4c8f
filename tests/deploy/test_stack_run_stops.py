"""`scamreport stack run` (`make run`) stopped by SIGTERM leaves no process behind.

A service manager or `kill` sends SIGTERM, not Ctrl+C: before, the stack's own cleanup ran only
on Ctrl+C, so each SIGTERM left Rasa, the action server, the bot and the rest running (the
cold-start benchmark left about 6 GB of them over six rounds).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from scamreport.cli.processes import process_stats
from scamreport.cli.stack import free_port
from scamreport.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e

SCAMREPORT = PROJECT_ROOT / ".venv" / "app" / "bin" / "scamreport"
READY_LINE = "the bot is connected to the Telegram stand-in"


def children_of() -> dict[int, list[int]]:
    """Every live process's children."""
    children: dict[int, list[int]] = {}
    for pid, fields in process_stats():
        children.setdefault(int(fields[1]), []).append(pid)
    return children


def descendants(pid: int) -> set[int]:
    tree = children_of()
    found: set[int] = set()
    waiting = [pid]
    while waiting:
        for child in tree.get(waiting.pop(), []):
            if child not in found:
                found.add(child)
                waiting.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "(gone)"


def test_sigterm_stops_every_process_of_the_stack(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL")}
    env.update(SCAMREPORT_DATA_DIR=str(tmp_path / "var"), SCAMREPORT_ENV="development")
    ports = [str(free_port()) for _ in range(3)]
    stack = subprocess.Popen(
        [str(SCAMREPORT), "stack", "run", "--rasa-port", ports[0], "--action-port", ports[1],
         "--console-port", ports[2]],
        cwd=PROJECT_ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert stack.stdout is not None
    printed: list[str] = []
    started: set[int] = set()
    try:
        deadline = time.monotonic() + 300
        while not any(READY_LINE in line for line in printed):
            line = stack.stdout.readline()
            assert line and time.monotonic() < deadline, "".join(printed)
            printed.append(line)
        started = descendants(stack.pid)
        assert len(started) >= 6, "".join(printed)  # Rasa, actions, sink, worker, console, ...

        stack.send_signal(signal.SIGTERM)
        assert stack.wait(timeout=90) == 130, "".join(printed)
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.5)
        left = {pid: command_line(pid) for pid in started if alive(pid)}
        assert not left, "".join(printed)
    finally:
        if stack.poll() is None:
            stack.kill()
            stack.wait()
        for pid in [pid for pid in started if alive(pid)]:  # what a failed stop left behind
            os.kill(pid, signal.SIGKILL)
