"""Cold start: each process from launch to ready, alone; then the whole stack as `make run`
starts it (`scamreport stack run`) until the bot answers a first message.

Each process is started the way `scamreport stack run` starts it (``scamreport.cli.stack``),
one at a time, so no two loads compete for the cores (the latency suite's start-up figures
load every Rasa at once). Ready means: its health URL answers (action server, Rasa's REST
channel, which Sanic serves only once the model is loaded, the Telegram stand-in, the console's
login page, the agency sink), the stand-in has seen the bot poll (bot), or the worker has said
it is polling. The stack's figure runs from launching `scamreport stack run` to the first reply
a Telegram user gets through the stand-in, with the model already trained (the issue's target:
within 30 s). The listen queue of Rasa and the action server (`ss -ltn`, Send-Q of the LISTEN
socket) is recorded beside them: the listen backlog they were given (SANIC_BACKLOG).
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from benchmarks.stats import load_average, spread
from scamreport.cli.stack import APP_PYTHON, STANDIN_TOKEN, Service, Stack, free_port
from scamreport.settings import PROJECT_ROOT
from telegram_standin.driver import Driver

PROCESSES = ("actions", "rasa", "telegram", "bot", "console", "sink", "worker")
_CONNECTED = re.compile(r"connected to the Telegram stand-in at (\S+)")


def listen_queue(port: int) -> int | None:
    """Send-Q of the LISTEN socket on ``port`` (`ss -ltn`): the backlog it was given."""
    out = subprocess.run(
        ["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=False
    ).stdout
    for line in out.splitlines():
        fields = line.split()
        if fields and fields[0] == "LISTEN":
            return int(fields[2])
    return None


def _wait_for_text(path: Path, needle: str, process: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and needle in path.read_text(errors="replace"):
            return
        if process.poll() is not None:
            raise RuntimeError(f"{path.name} exited: {path.read_text(errors='replace')[-2000:]}")
        time.sleep(0.05)
    raise RuntimeError(f"{path.name}: no {needle!r} after {seconds:.0f}s")


def _timed(stack: Stack, service: Service, ready_line: str | None = None) -> float:
    began = time.monotonic()
    started = stack.start(service)
    if ready_line is not None:
        assert started.log_path is not None
        _wait_for_text(started.log_path, ready_line, started.process, 120)
    return round(time.monotonic() - began, 2)


def one_round(work_dir: Path) -> dict[str, Any]:
    """Starts each process alone, in dependency order, timing each; then stops them all."""
    stack = Stack(
        data_dir=work_dir,
        database_url=f"sqlite:///{work_dir / 'scamreport.db'}",
        extra_env={"PSEUDONYM_KEY": secrets.token_hex(32), "SCAMREPORT_ENV": "test"},
    )
    seconds: dict[str, float] = {}
    queues: dict[str, int | None] = {}
    try:
        # The start step, not timed: each process's figure is its own start.
        stack.upgrade_database()
        seconds["actions"] = _timed(stack, stack.action_server())
        queues["actions"] = listen_queue(stack.action_port)
        seconds["rasa"] = _timed(stack, stack.rasa_server())
        queues["rasa"] = listen_queue(stack.rasa_port)
        seconds["telegram"] = _timed(stack, stack.telegram_standin())
        seconds["bot"] = _timed(stack, stack.bot(token=STANDIN_TOKEN, api_url=stack.standin_url))
        seconds["console"] = _timed(stack, stack.police_console(port=free_port()))
        seconds["sink"] = _timed(stack, stack.agency_sink(port=free_port(), smtp_port=free_port()))
        seconds["worker"] = _timed(stack, stack.forwarding_worker(), "forwarding worker:")
    finally:
        stack.stop()
    return {"seconds": seconds, "listen_queue": queues, "load_average": load_average()}


def whole_stack(work_dir: Path, *, timeout: float = 600.0) -> dict[str, Any]:
    """`scamreport stack run` from launch to the bot's first reply through the stand-in."""
    work_dir.mkdir(parents=True, exist_ok=True)
    log = work_dir / "stack-run.log"
    env = {
        **os.environ,
        "SCAMREPORT_DATA_DIR": str(work_dir),
        "PSEUDONYM_KEY": secrets.token_hex(32),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)  # the stand-in and the terminal chat, as `make run`
    ports = {
        "--rasa-port": free_port(),
        "--action-port": free_port(),
        "--console-port": free_port(),
    }
    argv = [str(APP_PYTHON), "-m", "scamreport", "stack", "run"]
    for flag, port in ports.items():
        argv += [flag, str(port)]
    began = time.monotonic()
    with log.open("wb") as out:
        # stdin stays open and silent: the terminal chat waits, as a person at the keyboard.
        process = subprocess.Popen(
            argv,
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    result: dict[str, Any] = {"command": "scamreport stack run " + " ".join(argv[5:])}
    try:
        url = None
        deadline = began + timeout
        while url is None and time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"stack run exited: {log.read_text(errors='replace')[-3000:]}")
            text = log.read_text(errors="replace") if log.exists() else ""
            if "Rasa is ready" in text and "rasa_ready_seconds" not in result:
                result["rasa_ready_seconds"] = round(time.monotonic() - began, 2)
            found = _CONNECTED.search(text)
            url = found.group(1) if found else None
            time.sleep(0.1)
        if url is None:
            raise RuntimeError(f"stack not ready after {timeout:.0f}s")
        result["bot_connected_seconds"] = round(time.monotonic() - began, 2)
        result["rasa_listen_queue"] = listen_queue(ports["--rasa-port"])
        result["actions_listen_queue"] = listen_queue(ports["--action-port"])
        driver = Driver(url)
        user = driver.user(int(time.time()) % 10**6 + 7_000_000, first_name="Cold")
        user.send_text("hello")
        reply = user.poll(timeout=max(1.0, deadline - time.monotonic()))
        driver.http.close()
        if not reply:
            raise RuntimeError("no reply to the first message")
        result["first_reply_seconds"] = round(time.monotonic() - began, 2)
        result["first_reply"] = reply[0].body[:80]
    finally:
        if process.poll() is None:
            # Ctrl-C, as a person stops `make run`: the stack's KeyboardInterrupt stops every
            # process it started (each in its own session). SIGTERM killed only the stack and
            # its terminal chat and left the rest running.
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
    result["load_average"] = load_average()
    return result


def suite(work_dir: Path, *, rounds: int) -> dict[str, Any]:
    work_dir.mkdir(parents=True, exist_ok=True)
    runs = [one_round(work_dir / f"processes-{number}") for number in range(rounds)]
    stack_runs = [whole_stack(work_dir / f"stack-{number}") for number in range(rounds)]
    return {
        "rounds": rounds,
        "processes": {name: spread([run["seconds"][name] for run in runs]) for name in PROCESSES},
        "listen_queue": runs[-1]["listen_queue"],
        "stack": {
            key: spread([run[key] for run in stack_runs])
            for key in ("rasa_ready_seconds", "bot_connected_seconds", "first_reply_seconds")
        },
        "stack_listen_queue": {
            "rasa": stack_runs[-1]["rasa_listen_queue"],
            "actions": stack_runs[-1]["actions_listen_queue"],
        },
        "process_runs": runs,
        "stack_runs": stack_runs,
    }
