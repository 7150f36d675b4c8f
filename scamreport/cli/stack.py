"""Starting and stopping the assistant's processes: `scamreport stack run` and the e2e tests.

Each service runs in its own process group with its output in var/log/<name>.log; stop() ends
them all (SIGTERM, then SIGKILL after a grace period). The database is migrated once, before the
first service starts (the start step, as `scamreport db upgrade` in a deployment); the services
themselves only check that the schema is at head.

The internal services listen on SCAMREPORT_BIND_HOST (127.0.0.1 by default) and share secrets
(docs/security.md): Rasa sends ACTION_SERVER_TOKEN to the action server, the bot sends
RASA_CHANNEL_TOKEN to Rasa's channel and RASA_AUTH_TOKEN to Rasa's HTTP API. Each comes from the
environment or, in development, is made for the run; each process gets only those it uses.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import requests
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from scamreport.cli.processes import live_group_members
from scamreport.forwarding.dev import sink_environment
from scamreport.registry import load_registry
from scamreport.settings import (
    ACTION_SERVER_TOKEN,
    PROJECT_ROOT,
    RASA_AUTH_TOKEN,
    RASA_CHANNEL_TOKEN,
    SERVICE_SECRETS,
    SettingsError,
    get_settings,
    stack_secrets,
)
from scamreport.storage.database import MigrationError, upgrade_database

APP_PYTHON = PROJECT_ROOT / ".venv" / "app" / "bin" / "python"
# The token the local Telegram stand-in accepts when no real bot token is configured.
STANDIN_TOKEN = "1234567:standin-token"
RASA_PYTHON = PROJECT_ROOT / ".venv" / "rasa" / "bin" / "python"
CURRENT_MODEL = PROJECT_ROOT / "models" / "current.tar.gz"


class StackError(RuntimeError):
    """A service did not start."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
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
        persistent_tracker: bool = True,
    ) -> None:
        self.data_dir = data_dir
        self.log_dir = data_dir / "log"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        settings = get_settings({**os.environ, **(extra_env or {})})
        self.bind_host = settings.bind_host
        # Raises outside development when one is not set.
        self.secrets = stack_secrets(settings)
        self.rasa_port = rasa_port or free_port(self.bind_host)
        self.action_port = action_port or free_port(self.bind_host)
        self.model = model
        self.database_url = database_url
        # Rasa keeps conversations in a SQLite file, so a restarted Rasa resumes them.
        self.persistent_tracker = persistent_tracker
        self.standin_port: int | None = None
        environment = {**os.environ, **(extra_env or {})}
        self.env = {
            # The secrets go only to the services that use them (secrets_for).
            **{k: v for k, v in environment.items() if k not in SERVICE_SECRETS},
            "SCAMREPORT_DATA_DIR": str(data_dir),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "PYTHONUNBUFFERED": "1",
            **({"DATABASE_URL": database_url} if database_url else {}),
        }
        if persistent_tracker and not self.env.get("TRACKER_STORE_URL"):
            # Rasa keeps conversations in a SQLite file, which erasure also clears.
            self.env["TRACKER_STORE_URL"] = f"sqlite:///{(data_dir / 'rasa-tracker.db').resolve()}"
        self.services: dict[str, Service] = {}
        self.migrated = False

    @property
    def rasa_url(self) -> str:
        return f"http://{self.bind_host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.bind_host}:{self.action_port}"

    def secrets_for(self, *names: str) -> dict[str, str]:
        return {name: self.secrets[name] for name in names}

    def bot_env(self) -> dict[str, str]:
        """What a front end relaying to this stack's Rasa needs besides self.env."""
        return self.secrets_for(RASA_AUTH_TOKEN, RASA_CHANNEL_TOKEN)

    @property
    def standin_url(self) -> str:
        if self.standin_port is None:
            raise StackError("the Telegram stand-in was not started")
        return f"http://127.0.0.1:{self.standin_port}"

    def endpoints_file(self) -> Path:
        path = self.data_dir / "endpoints.yml"
        # Rasa expands ${...} (unquoted only) from its environment, so the secret is never
        # written to disk.
        text = (
            f'action_endpoint:\n  url: "{self.action_url}/webhook"\n'
            f"  token: ${{{ACTION_SERVER_TOKEN}}}\n"
            f"{NLG_ENDPOINT}"
        )
        if self.persistent_tracker:
            text += tracker_store_config(self.env["TRACKER_STORE_URL"])
        path.write_text(text)
        return path

    def action_server(self) -> Service:
        """actions/ behind ACTION_SERVER_TOKEN (action_server/, not rasa-sdk's open server)."""
        return self.action_server_on(self.action_port, name="actions")

    def action_server_on(self, port: int, *, name: str) -> Service:
        """An action server on ``port`` (one of several behind a load balancer, or the one)."""
        return Service(
            name=name,
            argv=[
                str(APP_PYTHON),
                "-m",
                "action_server",
                "--actions",
                "actions",
                "--host",
                self.bind_host,
                "--port",
                str(port),
            ],
            health_url=f"http://{self.bind_host}:{port}/health",
            env=self.secrets_for(ACTION_SERVER_TOKEN),
        )

    def rasa_server(self) -> Service:
        return self.rasa_server_on(self.rasa_port, name="rasa", endpoints=self.endpoints_file())

    def rasa_server_on(
        self, port: int, *, name: str, endpoints: Path, env: dict[str, str] | None = None
    ) -> Service:
        """Rasa on ``port`` with ``endpoints`` (one of several replicas, or the one)."""
        if not self.model.exists():
            raise StackError(f"no trained model at {self.model}: run `make train` first")
        # rasa_runtime adds --auth-token from RASA_AUTH_TOKEN, off the command line. The HTTP
        # API is on because the bot reads trackers with it.
        return Service(
            name=name,
            argv=[
                str(RASA_PYTHON),
                "-m",
                "rasa_runtime",
                "run",
                "--enable-api",
                "--model",
                str(self.model.resolve()),
                "--port",
                str(port),
                "--interface",
                self.bind_host,
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(PROJECT_ROOT / "credentials.yml"),
            ],
            # The channel's address: /status needs the API token.
            health_url=f"http://{self.bind_host}:{port}/webhooks/rest/",
            # Loading the model takes ~40 s alone, minutes on a busy machine.
            startup_seconds=420,
            env={
                **(env or {}),
                **self.secrets_for(ACTION_SERVER_TOKEN, RASA_AUTH_TOKEN, RASA_CHANNEL_TOKEN),
            },
        )

    def telegram_standin(self, *, token: str = STANDIN_TOKEN, port: int | None = None) -> Service:
        """The local Telegram Bot API stand-in (telegram_standin)."""
        self.standin_port = port or free_port()
        return Service(
            name="telegram",
            argv=[
                str(APP_PYTHON),
                "-m",
                "telegram_standin",
                "--port",
                str(self.standin_port),
                "--token",
                token,
            ],
            health_url=f"{self.standin_url}/_standin/health",
            startup_seconds=30,
        )

    def bot(
        self,
        *,
        token: str,
        api_url: str | None = None,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> Service:
        """The Telegram bot relaying to this stack's Rasa; ``api_url`` is a Bot API root
        (the stand-in's, which also tells when the bot has connected)."""
        argv = [str(APP_PYTHON), "-m", "bot", "--rasa-url", self.rasa_url]
        if api_url:
            argv += ["--base-url", api_url]
        return Service(
            name="bot",
            argv=[*argv, *args],
            health_url=f"{api_url}/_standin/bot-ready" if api_url else None,
            env={"TELEGRAM_BOT_TOKEN": token, **self.bot_env(), **(env or {})},
            startup_seconds=60,
        )

    def start_telegram_standin_and_bot(self, *, args: Sequence[str] = ()) -> None:
        """The stand-in, then the bot polling it (needs start_assistant() first)."""
        self.start(self.telegram_standin())
        self.start(self.bot(token=STANDIN_TOKEN, api_url=self.standin_url, args=args))

    def agency_sink(self, *, port: int, smtp_port: int) -> Service:
        """The local agency sink: verifies signatures and shows what agencies would receive."""
        return Service(
            name="sink",
            argv=[
                str(APP_PYTHON),
                "-m",
                "scamreport",
                "sink",
                "--port",
                str(port),
                "--smtp-port",
                str(smtp_port),
            ],
            health_url=f"http://127.0.0.1:{port}/health",
            startup_seconds=30,
        )

    def forwarding_worker(self) -> Service:
        """Drains the delivery outbox (to the sink in development)."""
        return Service(
            name="worker",
            argv=[str(APP_PYTHON), "-m", "scamreport", "worker", "--poll-seconds", "2"],
            health_url=None,
        )

    def police_console(self, *, port: int) -> Service:
        return Service(
            name="console",
            argv=[str(APP_PYTHON), "-m", "scamreport", "console", "--port", str(port)],
            health_url=f"http://127.0.0.1:{port}/login",
            startup_seconds=60,
        )

    def upgrade_database(self) -> None:
        """Brings the stack's database up to date, once per Stack (start() calls it)."""
        if self.migrated:
            return
        url = get_settings(self.env).database_url
        try:
            upgrade_database(url)
        except (MigrationError, SQLAlchemyError) as error:
            raise StackError(f"the database could not be migrated: {error}") from error
        self.migrated = True

    def start(self, service: Service, *, wait: bool = True) -> Service:
        self.upgrade_database()
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
            _group_stops(service.process, 30)

    def restart(self, name: str, *, wait: bool = True) -> Service:
        """Starts service ``name`` again as it was started (killing it first if it still runs)."""
        self.kill(name)
        previous = self.services[name]
        return self.start(replace(previous, process=None, log_path=None), wait=wait)

    def stop(self, grace_seconds: float = 10.0) -> None:
        """Stops each service, newest first: SIGTERM to its process group, then SIGKILL to
        whatever of the group still runs after ``grace_seconds``.

        The group, not only its leader: a server's leader can exit on SIGTERM while a worker
        it forked is still shutting down, and the stack must not leave that worker behind.
        """
        for service in reversed(list(self.services.values())):
            process = service.process
            if process is None:
                continue
            leader = process.pid
            if process.poll() is not None and not live_group_members(leader):
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(leader, signal.SIGTERM)
            if not _group_stops(process, grace_seconds):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(leader, signal.SIGKILL)
                _group_stops(process, grace_seconds)

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# Responses in the reporter's language (rasa_runtime/nlg.py); also in /endpoints.yml and
# deploy/rasa/endpoints.yml.
NLG_ENDPOINT = "nlg:\n  type: rasa_runtime.nlg.LocalisedNaturalLanguageGenerator\n"


def tracker_store_config(url: str) -> str:
    """endpoints.yml's tracker_store section for Rasa's SQL tracker store at ``url``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{parsed.database}"\n'
    lines = ["tracker_store:", "  type: SQL", '  dialect: "postgresql"']
    for key, value in (
        ("url", parsed.host),
        ("port", parsed.port),
        ("db", parsed.database),
        ("username", parsed.username),
    ):
        if value:
            lines.append(f'  {key}: "{value}"')
    if parsed.password:
        # Rasa expands ${...} (unquoted only) from its environment: the password stays off disk.
        lines.append("  password: ${TRACKER_STORE_PASSWORD}")
    return "\n".join(lines) + "\n"


def tail(path: Path | None, lines: int = 30) -> str:
    if path is None or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def run_stack(args: argparse.Namespace) -> int:
    """`make run`: the assistant, with a terminal chat or the Telegram bot in front."""
    data_dir = Path(os.environ.get("SCAMREPORT_DATA_DIR", PROJECT_ROOT / "var"))
    sink_port, smtp_port = free_port(), free_port()
    # Every agency's deliveries go to the local sink, signed with a secret made for this run.
    forwarding_env = sink_environment(
        load_registry(),
        f"http://127.0.0.1:{sink_port}",
        secrets.token_urlsafe(32),
        smtp_port=smtp_port,
    )
    try:
        if args.replicas > 1:
            # The deployment bundle's topology (scamreport/cli/stack_replicated.py).
            from scamreport.cli.stack_replicated import ReplicatedStack

            stack: Stack = ReplicatedStack(
                data_dir=data_dir,
                replicas=args.replicas,
                action_servers=args.action_servers,
                redis_url=args.redis_url,
                extra_env=forwarding_env,
            )
        else:
            stack = Stack(
                data_dir=data_dir,
                rasa_port=args.rasa_port,
                action_port=args.action_port,
                extra_env=forwarding_env,
            )
    except (SettingsError, StackError) as error:  # a secret, address or URL is missing or wrong
        print(f"error: {error}", file=sys.stderr)
        return 2
    front_process: subprocess.Popen[bytes] | None = None
    previous_sigterm = signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    try:
        # The start step: the processes below only check that the schema is at head.
        stack.upgrade_database()
        print("starting the action server and Rasa (about 30 s) ...", flush=True)
        stack.start_assistant()
        stack.start(stack.agency_sink(port=sink_port, smtp_port=smtp_port))
        stack.start(stack.forwarding_worker())
        stack.start(stack.police_console(port=args.console_port))
        print(f"Rasa is ready at {stack.rasa_url}; logs in {stack.log_dir}", flush=True)
        print(f"agency sink (what agencies receive): http://127.0.0.1:{sink_port}/", flush=True)
        print(
            f"police console: http://127.0.0.1:{args.console_port}/ "
            "(create a user with `scamreport users create`)",
            flush=True,
        )
        if os.environ.get("TELEGRAM_BOT_TOKEN"):
            front = [str(APP_PYTHON), "-m", "bot", "--rasa-url", stack.rasa_url]
        else:
            # No token: the same bot runs against the local Telegram stand-in, and the
            # terminal chat plays a Telegram user.
            stack.start_telegram_standin_and_bot()
            print(
                f"the bot is connected to the Telegram stand-in at {stack.standin_url}", flush=True
            )
            front = [
                str(APP_PYTHON),
                "-m",
                "telegram_standin.terminal",
                "--standin-url",
                stack.standin_url,
            ]
        env = {**stack.env, **stack.bot_env()} if front[2] == "bot" else stack.env
        front_process = subprocess.Popen(front, cwd=PROJECT_ROOT, env=env)
        return front_process.wait()
    except KeyboardInterrupt:
        return 130
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        print("stopping ...", flush=True)
        if front_process is not None and front_process.poll() is None:
            front_process.terminate()
            try:
                front_process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                front_process.kill()
        stack.stop()
        signal.signal(signal.SIGTERM, previous_sigterm)


def _group_stops(process: subprocess.Popen[bytes], seconds: float) -> bool:
    """Whether ``process`` (reaped) and every process of its group stop within ``seconds``."""
    deadline = time.monotonic() + seconds
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=seconds)
    while time.monotonic() < deadline:
        if process.poll() is not None and not live_group_members(process.pid):
            return True
        time.sleep(0.2)
    return process.poll() is not None and not live_group_members(process.pid)


def _stop_like_ctrl_c(signum: int, frame: object) -> None:
    """SIGTERM (a service manager, `kill`) stops the stack as Ctrl+C does, processes and all."""
    raise KeyboardInterrupt


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("stack", help="run the assistant's processes")
    commands = parser.add_subparsers(dest="stack_command", required=True)
    run = commands.add_parser("run", help="start everything and chat (what `make run` does)")
    run.add_argument("--rasa-port", type=int, default=5005)
    run.add_argument("--action-port", type=int, default=5055)
    run.add_argument("--console-port", type=int, default=8000)
    run.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="Rasa replicas behind HAProxy, on PostgreSQL and Redis (docs/deployment.md); "
        "more than 1 needs DATABASE_URL and TRACKER_STORE_URL on PostgreSQL",
    )
    run.add_argument("--action-servers", type=int, default=2, help="action servers with --replicas")
    run.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/1",
        help="Rasa's lock store with --replicas (default redis://127.0.0.1:6379/1)",
    )
    run.set_defaults(handler=run_stack)
