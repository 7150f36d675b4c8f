"""`scamreport stack run --replicas N`: the deployment bundle's topology on one machine.

N Rasa processes with the deployment endpoints (deploy/rasa/endpoints.yml: SQL tracker store
on PostgreSQL, Redis lock store) and M action servers, behind Debian's HAProxy with the
bundle's configuration (deploy/k8s/base/haproxy.cfg), whose DNS discovery lines are replaced
here by the loopback ports the processes got. Everything else (bot, worker, console, sink) is
the one-machine stack, pointed at HAProxy. Needs the PostgreSQL and Redis that run here:
DATABASE_URL and TRACKER_STORE_URL must be PostgreSQL URLs (docs/deployment.md).
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import requests
from sqlalchemy.engine import make_url

from scamreport.cli.stack import (
    CURRENT_MODEL,
    PROJECT_ROOT,
    Service,
    Stack,
    StackError,
    free_port,
)

HAPROXY_TEMPLATE = PROJECT_ROOT / "deploy" / "k8s" / "base" / "haproxy.cfg"
DEPLOY_ENDPOINTS = PROJECT_ROOT / "deploy" / "rasa" / "endpoints.yml"
# Rasa's SQL tracker store pool per replica, as in the bundle (docs/deployment.md).
SQL_POOL_SIZE = "2"
SQL_MAX_OVERFLOW = "2"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )
    if found is None:
        raise StackError("--replicas needs Debian's haproxy: `make deploy-tools` installs it")
    return found


def haproxy_config(
    template: str,
    *,
    rasa: list[int],
    actions: list[int],
    ports: Mapping[str, int],
    host: str = "127.0.0.1",
) -> str:
    """The bundle's haproxy.cfg with fixed loopback servers and ports instead of DNS discovery.

    ``ports`` names the frontends' ports: rasa, actions, bot (the webhook) and metrics."""

    def servers(name: str, server_ports: list[int]) -> str:
        return "\n".join(f"  server {name}-{i} {host}:{p}" for i, p in enumerate(server_ports, 1))

    text = template
    for name, server_ports in (("rasa", rasa), ("actions", actions)):
        text, count = re.subn(
            rf"^  server-template {name} .*$", servers(name, server_ports), text, flags=re.M
        )
        if count != 1:
            raise StackError(f"{HAPROXY_TEMPLATE}: no server-template line for {name}")
    for original, name in ((5005, "rasa"), (5055, "actions"), (8443, "bot"), (8404, "metrics")):
        text, count = re.subn(
            rf"^  bind :{original}$", f"  bind {host}:{ports[name]}", text, flags=re.M
        )
        if count != 1:
            raise StackError(f"{HAPROXY_TEMPLATE}: no frontend on port {original}")
    return text


def servers_up(metrics_url: str, backend: str) -> int:
    """How many servers of ``backend`` HAProxy counts as up (its Prometheus exporter)."""
    try:
        text = requests.get(metrics_url, timeout=2).text
    except requests.RequestException:
        return -1
    pattern = rf'^haproxy_server_status\{{proxy="{backend}",server="[^"]+",state="UP"\}} 1$'
    return len(re.findall(pattern, text, re.M))


def rasa_store_environment(tracker_store_url: str, redis_url: str) -> dict[str, str]:
    """The variables deploy/rasa/endpoints.yml reads, from the two URLs."""
    tracker = make_url(tracker_store_url)
    if tracker.get_backend_name() != "postgresql":
        raise StackError("--replicas needs TRACKER_STORE_URL on PostgreSQL (Rasa's conversations)")
    redis = urlsplit(redis_url)
    if redis.scheme != "redis":
        raise StackError(f"--redis-url must be redis://host:port/db, not {redis_url!r}")
    return {
        "TRACKER_STORE_HOST": tracker.host or "127.0.0.1",
        "TRACKER_STORE_PORT": str(tracker.port or 5432),
        "TRACKER_STORE_DB": tracker.database or "",
        "TRACKER_STORE_USER": tracker.username or "",
        "TRACKER_STORE_PASSWORD": tracker.password or "",
        "SQL_POOL_SIZE": SQL_POOL_SIZE,
        "SQL_MAX_OVERFLOW": SQL_MAX_OVERFLOW,
        "REDIS_HOST": redis.hostname or "127.0.0.1",
        "REDIS_PORT": str(redis.port or 6379),
        "REDIS_DB": redis.path.strip("/") or "1",
        "REDIS_PASSWORD": redis.password or "",
    }


class ReplicatedStack(Stack):
    """A Stack whose Rasa is N replicas and M action servers behind HAProxy.

    ``rasa_url`` and ``action_url`` are HAProxy's frontends, so the bot, the terminal chat and
    the tests talk to it as they would to one Rasa."""

    def __init__(
        self,
        *,
        data_dir: Path,
        replicas: int,
        action_servers: int = 2,
        redis_url: str = DEFAULT_REDIS_URL,
        database_url: str | None = None,
        model: Path = CURRENT_MODEL,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            data_dir=data_dir, database_url=database_url, model=model, extra_env=extra_env
        )
        if replicas < 1 or action_servers < 1:
            raise StackError("--replicas and --action-servers must be at least 1")
        database = make_url(self.env.get("DATABASE_URL", "sqlite://"))
        if database.get_backend_name() != "postgresql":
            raise StackError("--replicas needs DATABASE_URL on PostgreSQL (the workers share it)")
        self.replicas = replicas
        self.action_servers = action_servers
        self.store_env = rasa_store_environment(self.env["TRACKER_STORE_URL"], redis_url)
        self.haproxy_ports = {
            name: free_port(self.bind_host) for name in ("rasa", "actions", "bot", "metrics")
        }
        # The bot and everything else reach Rasa and the action servers through HAProxy.
        self.rasa_port = self.haproxy_ports["rasa"]
        self.action_port = self.haproxy_ports["actions"]
        self.rasa_ports = [free_port(self.bind_host) for _ in range(replicas)]
        self.action_ports = [free_port(self.bind_host) for _ in range(action_servers)]

    @property
    def rasa_url(self) -> str:
        return f"http://{self.bind_host}:{self.haproxy_ports['rasa']}"

    @property
    def action_url(self) -> str:
        return f"http://{self.bind_host}:{self.haproxy_ports['actions']}"

    @property
    def metrics_url(self) -> str:
        return f"http://{self.bind_host}:{self.haproxy_ports['metrics']}/metrics"

    def replica_action_server(self, index: int) -> Service:
        return self.action_server_on(self.action_ports[index], name=f"actions-{index + 1}")

    def replica_rasa(self, index: int) -> Service:
        return self.rasa_server_on(
            self.rasa_ports[index],
            name=f"rasa-{index + 1}",
            endpoints=DEPLOY_ENDPOINTS,
            env={**self.store_env, "ACTION_SERVER_URL": self.action_url},
        )

    def load_balancer(self) -> Service:
        config = self.data_dir / "haproxy.cfg"
        config.write_text(
            haproxy_config(
                HAPROXY_TEMPLATE.read_text(),
                rasa=self.rasa_ports,
                actions=self.action_ports,
                ports=self.haproxy_ports,
                host=self.bind_host,
            )
        )
        return Service(
            name="haproxy",
            argv=[haproxy_binary(), "-db", "-f", str(config)],
            health_url=self.metrics_url,
            startup_seconds=30,
            # The bot's webhook frontend stays without a server here (the bot polls).
            env={"BOT_ADDRESS": "localhost"},
        )

    def start_assistant(self) -> None:
        """M action servers, HAProxy, then N Rasa replicas; returns when HAProxy sees them all."""
        for index in range(self.action_servers):
            self.start(self.replica_action_server(index))
        self.start(self.load_balancer())
        rasa = [self.start(self.replica_rasa(index), wait=False) for index in range(self.replicas)]
        for service in rasa:
            self.wait_ready(service)
        self.wait_for_backends()

    def wait_for_backends(self, timeout: float = 30.0) -> None:
        """Until HAProxy's health checks count every live Rasa and action server as up."""
        deadline = time.monotonic() + timeout
        live_rasa = sum(
            1
            for name, s in self.services.items()
            if name.startswith("rasa-") and s.process and s.process.poll() is None
        )
        while time.monotonic() < deadline:
            if (
                servers_up(self.metrics_url, "rasa") == live_rasa
                and servers_up(self.metrics_url, "actions") == self.action_servers
            ):
                return
            time.sleep(0.5)
        raise StackError("HAProxy does not see every Rasa replica and action server as up")
