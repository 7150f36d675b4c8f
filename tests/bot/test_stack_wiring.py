"""`make run` without a token: the stand-in and bot processes, and the terminal chat on them.

Rasa here is the fake one (the Stack is given its port), so this runs without a trained model;
test_e2e_telegram.py runs the same wiring with the real Rasa.
"""

from __future__ import annotations

import os
import queue
import subprocess
import threading
import time
from pathlib import Path

from scamreport.cli.stack import APP_PYTHON, Stack
from scamreport.settings import PROJECT_ROOT
from tests.bot.conftest import PSEUDONYM_KEY
from tests.bot.fake_rasa import FakeRasa


def read_lines(stream: object, lines: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line)


def wait_for_line(lines: queue.Queue[str], text: str, seen: list[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            seen.append(lines.get(timeout=0.2))
        except queue.Empty:
            continue
        if text in seen[-1]:
            return
    raise AssertionError(f"{text!r} not printed; got:\n{''.join(seen)}")


def test_terminal_chat_runs_through_the_standin_and_the_bot_processes(
    tmp_path: Path, fake_rasa: FakeRasa
) -> None:
    data_dir = tmp_path / "var"
    with Stack(
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'scamreport.db'}",
        rasa_port=fake_rasa.port,
        extra_env={"PSEUDONYM_KEY": PSEUDONYM_KEY, "SCAMREPORT_ENV": "test"},
    ) as stack:
        stack.start_telegram_standin_and_bot()
        env = {k: v for k, v in stack.env.items() if k != "TELEGRAM_BOT_TOKEN"}
        terminal = subprocess.Popen(
            [
                str(APP_PYTHON),
                "-m",
                "telegram_standin.terminal",
                "--standin-url",
                stack.standin_url,
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert terminal.stdin is not None and terminal.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=read_lines, args=(terminal.stdout, lines), daemon=True).start()
        seen: list[str] = []
        try:
            wait_for_line(lines, "[1] ✅ I agree", seen)
            terminal.stdin.write("1\n")
            terminal.stdin.flush()
            wait_for_line(lines, "what happened?", seen)
            terminal.stdin.write("a man said he was from Interpol\n")
            terminal.stdin.flush()
            wait_for_line(lines, "You said: a man said he was from Interpol", seen)
            terminal.stdin.write(":quit\n")
            terminal.stdin.flush()
            assert terminal.wait(timeout=20) == 0
        finally:
            if terminal.poll() is None:
                terminal.kill()
        assert stack.services["bot"].log_path is not None
        bot_log = stack.services["bot"].log_path.read_text()
        assert "bot starting in polling mode" in bot_log
        assert "standin-token" not in bot_log
    assert os.path.exists(data_dir / "scamreport.db")
