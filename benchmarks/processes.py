"""The processes a benchmark run measures, started the way `scamreport stack run` starts them.

*after*: the shipped stack (action server, Rasa through rasa_runtime with its patches, the
Telegram stand-in, the bot). *before*: the same code with issue 13's fixes undone from outside
(Rasa with SCAMREPORT_RASA_PATCHES=off, the stand-in through benchmarks.legacy), so before and
after are measured interleaved in one run. *bare*: `rasa init`'s assistant (benchmarks.bare).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks import bare
from benchmarks.stats import rss_mib
from scamreport.cli.stack import APP_PYTHON, STANDIN_TOKEN, Service, Stack, free_port
from scamreport.settings import RASA_CHANNEL_TOKEN

BOT_ARGS = ["--rasa-timeout", "120"]


class Processes:
    """Starts what the chosen suites need; stop() ends all of it."""

    def __init__(self, root: Path, *, before: bool, bare_rasa: bool, telegram: bool) -> None:
        self.root = root
        self.want_before = before
        self.want_bare = bare_rasa
        self.want_telegram = telegram
        self.stacks: dict[str, Stack] = {}
        self.standin_urls: dict[str, str] = {}
        self.bare_url: str | None = None
        self.cold_start: dict[str, float] = {}
        self.bare_training_seconds: float | None = None

    def _stack(self, name: str, extra: dict[str, str] | None = None) -> Stack:
        data_dir = self.root / name
        stack = Stack(
            data_dir=data_dir,
            database_url=f"sqlite:///{data_dir / 'scamreport.db'}",
            extra_env={
                "PSEUDONYM_KEY": secrets.token_hex(32),
                "SCAMREPORT_ENV": "test",
                **(extra or {}),
            },
        )
        self.stacks[name] = stack
        return stack

    def start(self) -> None:
        pending: list[tuple[Stack, Service, float]] = []

        def launch(stack: Stack, service: Service) -> None:
            pending.append((stack, stack.start(service, wait=False), time.monotonic()))

        def wait_all() -> None:
            for stack, service, started in pending:
                stack.wait_ready(service)
                self.cold_start[f"{self._name_of(stack)}/{service.name}"] = round(
                    time.monotonic() - started, 1
                )
            pending.clear()

        after = self._stack("after")
        launch(after, after.action_server())
        if self.want_before:
            before = self._stack("before", {"SCAMREPORT_RASA_PATCHES": "off"})
            launch(before, before.action_server())
        if self.want_bare:
            model, self.bare_training_seconds = bare.ensure_trained(self.root / "bare-train.log")
            bare_stack = self._stack("bare")
            actions, rasa, self.bare_url = bare.services(bare_stack, model)
            launch(bare_stack, actions)
        wait_all()
        for name in ("after", "before"):
            if name in self.stacks:
                launch(self.stacks[name], self.stacks[name].rasa_server())
        if self.want_bare:
            launch(self.stacks["bare"], rasa)
        wait_all()
        if self.want_telegram:
            after.start(after.telegram_standin())
            self.standin_urls["after"] = after.standin_url
            after.start(after.bot(token=STANDIN_TOKEN, api_url=after.standin_url, args=BOT_ARGS))
            if self.want_before:
                before = self.stacks["before"]
                port = free_port()
                url = f"http://127.0.0.1:{port}"
                before.start(
                    Service(
                        name="telegram-legacy",
                        argv=[
                            str(APP_PYTHON),
                            "-m",
                            "benchmarks.legacy",
                            "standin",
                            "--port",
                            str(port),
                            "--token",
                            STANDIN_TOKEN,
                        ],
                        health_url=f"{url}/_standin/health",
                        startup_seconds=30,
                    )
                )
                self.standin_urls["before"] = url
                bot = before.bot(token=STANDIN_TOKEN, api_url=url, args=BOT_ARGS)
                before.start(replace(bot, name="bot"))

    def _name_of(self, stack: Stack) -> str:
        return next(name for name, known in self.stacks.items() if known is stack)

    def rasa_url(self, name: str) -> str:
        if name == "bare":
            assert self.bare_url is not None
            return self.bare_url
        return self.stacks[name].rasa_url

    def channel_token(self, name: str) -> str | None:
        if name == "bare":
            return None
        return self.stacks[name].secrets[RASA_CHANNEL_TOKEN]

    def memory(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, stack in self.stacks.items():
            for service in stack.services.values():
                if service.process is not None and service.process.poll() is None:
                    found[f"{name}/{service.name}"] = rss_mib(service.process.pid)
        return found

    def stop(self) -> None:
        for stack in reversed(list(self.stacks.values())):
            stack.stop()
