"""Starting and stopping the assistant's processes: `scamreport stack run` and the e2e tests.

Each service runs in its own process group with its output in var/log/<name>.log; stop() ends
them all (SIGTERM, then SIGKILL after a grace period).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests

from scamreport.settings import PROJECT_ROOT

APP_PYTHON = PROJECT_ROOT / ".venv" / "app" / "bin" / "python"
RASA_BIN = PROJECT_ROOT / ".venv" / "rasa" / "bin" / "rasa"
CURRENT_MODEL = PROJECT_ROOT / "models" / "current.tar.gz"


class StackError(RuntimeError):
    """A service did not start."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Service:
    name: str
    argv: Sequence[str]
    health_url: str | None
    env: Mapping[str, str] = field(default_factory=dict)
    startup_seconds: float = 180.0
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None


class Stack:
    """A set of running services sharing one database and data folder."""

    def __init__(
        self,
        *,
        data_dir: Path,
        database_url: str | None = None,
        rasa_port: int | None = None,
        action_port: int | None = None,
        model: Path = CURRENT_MODEL,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.log_dir = data_dir / "log"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.rasa_port = rasa_port or free_port()
        self.action_port = action_port or free_port()
        self.model = model
        self.database_url = database_url
        self.env = {
            **os.environ,
            "SCAMREPORT_DATA_DIR": str(data_dir),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "PYTHONUNBUFFERED": "1",
            **({"DATABASE_URL": database_url} if database_url else {}),
            **(extra_env or {}),
        }
        self.services: dict[str, Service] = {}

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    def endpoints_file(self) -> Path:
        path = self.data_dir / "endpoints.yml"
        path.write_text(f'action_endpoint:\n  url: "{self.action_url}/webhook"\n')
        return path

    def action_server(self) -> Service:
        return Service(
            name="actions",
            argv=[str(APP_PYTHON), "-m", "rasa_sdk", "--actions", "actions",
                  "--port", str(self.action_port)],
            health_url=f"{self.action_url}/health",
        )

    def rasa_server(self) -> Service:
        if not self.model.exists():
            raise StackError(f"no trained model at {self.model}: run `make train` first")
        return Service(
            name="rasa",
            argv=[str(RASA_BIN), "run", "--enable-api", "--model", str(self.model.resolve()),
                  "--port", str(self.rasa_port), "--interface", "127.0.0.1",
                  "--endpoints", str(self.endpoints_file()),
                  "--credentials", str(PROJECT_ROOT / "credentials.yml")],
            health_url=f"{self.rasa_url}/status",
        )

    def start(self, service: Service, *, wait: bool = True) -> Service:
        log_path = self.log_dir / f"{service.name}.log"
        log = log_path.open("ab")
        service.process = subprocess.Popen(
            list(service.argv),
            cwd=PROJECT_ROOT,
            env={**self.env, **service.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        service.log_path = log_path
        self.services[service.name] = service
        if wait:
            self.wait_ready(service)
        return service

    def wait_ready(self, service: Service) -> None:
        if service.health_url is None or service.process is None:
            return
        deadline = time.monotonic() + service.startup_seconds
        while time.monotonic() < deadline:
            if service.process.poll() is not None:
                raise StackError(
                    f"{service.name} exited with {service.process.returncode}; "
                    f"see {service.log_path}:\n{tail(service.log_path)}"
                )
            try:
                if requests.get(service.health_url, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise StackError(f"{service.name} not ready after {service.startup_seconds:.0f}s")

    def start_assistant(self) -> None:
        """The action server, then Rasa (which needs it)."""
        self.start(self.action_server())
        self.start(self.rasa_server())

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        service = self.services[name]
        if service.process and service.process.poll() is None:
            os.killpg(service.process.pid, sig)
            service.process.wait(timeout=30)

    def stop(self, grace_seconds: float = 10.0) -> None:
        for service in reversed(list(self.services.values())):
            process = service.process
            if process is None or process.poll() is not None:
                continue
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=grace_seconds)
            except ProcessLookupError:
                pass

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def tail(path: Path | None, lines: int = 30) -> str:
    if path is None or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def run_stack(args: argparse.Namespace) -> int:
    """`make run`: the assistant, with a terminal chat or the Telegram bot in front."""
    data_dir = Path(os.environ.get("SCAMREPORT_DATA_DIR", PROJECT_ROOT / "var"))
    stack = Stack(data_dir=data_dir, rasa_port=args.rasa_port, action_port=args.action_port)
    try:
        print("starting the action server and Rasa (about 30 s) ...", flush=True)
        stack.start_assistant()
        print(f"Rasa is ready at {stack.rasa_url}; logs in {stack.log_dir}", flush=True)
        if os.environ.get("TELEGRAM_BOT_TOKEN"):
            front = [str(APP_PYTHON), "-m", "bot", "--rasa-url", stack.rasa_url]
        else:
            front = [str(APP_PYTHON), "-m", "bot.terminal", "--rasa-url", stack.rasa_url]
        return subprocess.call(front, cwd=PROJECT_ROOT, env=stack.env)
    except KeyboardInterrupt:
        return 130
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        print("stopping ...", flush=True)
        stack.stop()


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("stack", help="run the assistant's processes")
    commands = parser.add_subparsers(dest="stack_command", required=True)
    run = commands.add_parser("run", help="start everything and chat (what `make run` does)")
    run.add_argument("--rasa-port", type=int, default=5005)
    run.add_argument("--action-port", type=int, default=5055)
    run.set_defaults(handler=run_stack)
