"""Scale-out: msgs/s through HAProxy to 1, 2 and 3 Rasa replicas on PostgreSQL + Redis.

One `scamreport stack run --replicas N` topology (scamreport.cli.stack_replicated) is started
with as many Rasa replicas as the largest N: the deployment endpoints (tracker store in a fresh
PostgreSQL database, lock store on this machine's Redis), M action servers, the bundle's
HAProxy configuration. Next to it runs one HAProxy per N whose Rasa backend lists only the first
N replicas, so the rounds interleave 1, 2, 3, then 3, 2, 1 (in_round_order) without restarting
anything: a replica outside the measured N idles (memory, no work). Every round, for each N,
the same number of simulated reporters start together over Rasa's REST channel, each sending
the conversation header the bot sends (HAProxy's sticky routing hashes it). Afterwards every
reporter's tracker is read back through the same HAProxy: its user turns must be exactly the
script, once each and in order.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from benchmarks import clients
from benchmarks.forwarding import postgres_database
from benchmarks.stats import _descendants, load_average, ratio, rss_mib, spread, summary_ms
from benchmarks.turns import in_round_order
from scamreport.channel import SENDER_HEADER
from scamreport.cli.stack import Service, StackError, free_port
from scamreport.cli.stack_replicated import (
    DEFAULT_REDIS_URL,
    HAPROXY_TEMPLATE,
    ReplicatedStack,
    haproxy_binary,
    haproxy_config,
    servers_up,
)
from scamreport.settings import RASA_AUTH_TOKEN, RASA_CHANNEL_TOKEN

TRACKER_READS_AT_ONCE = 8
READY_SECONDS = 1500.0


class StickyRestReporter(clients.RestReporter):
    """A REST reporter that names its conversation in the header HAProxy routes on, as the
    bot does (bot/rasa_client.py); without it every conversation would hash to one replica."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, channel_token: str) -> None:
        super().__init__(client, base_url, channel_token)
        self.headers = {**self.headers, SENDER_HEADER: self.sender}


def default_action_servers(counts: Sequence[int]) -> int:
    """One action server per two Rasa replicas, as docs/deployment.md sizes them."""
    return max(1, max(counts) // 2)


def cpu_ticks() -> tuple[int, int]:
    """(all, idle) jiffies of the whole machine since boot, from /proc/stat."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return sum(values), values[3] + values[4]


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its descendants so far."""
    ticks = 0
    for member in [pid, *_descendants(pid)]:
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def sessions_per_replica(metrics_text: str) -> dict[str, int]:
    """haproxy_server_sessions_total of the rasa backend, per server."""
    found: dict[str, int] = {}
    prefix = 'haproxy_server_sessions_total{proxy="rasa",server="'
    for line in metrics_text.splitlines():
        if line.startswith(prefix):
            server, _, rest = line[len(prefix) :].partition('"')
            found[server] = int(float(rest.rsplit(" ", 1)[1]))
    return found


class Topology:
    """The replicated stack plus one HAProxy per measured N (its Rasa backend: replicas 1..N)."""

    def __init__(
        self,
        root: Path,
        *,
        counts: Sequence[int],
        action_servers: int,
        database_url: str,
        tracker_url: str,
        redis_url: str = DEFAULT_REDIS_URL,
    ) -> None:
        self.counts = list(counts)
        self.stack = ReplicatedStack(
            data_dir=root,
            replicas=max(counts),
            action_servers=action_servers,
            redis_url=redis_url,
            database_url=database_url,
            extra_env={
                "TRACKER_STORE_URL": tracker_url,
                "PSEUDONYM_KEY": os.urandom(32).hex(),
                "SCAMREPORT_ENV": "test",
            },
        )
        self.frontends: dict[int, tuple[str, str]] = {}  # N -> (rasa url, metrics url)

    def start(self) -> float:
        """As ReplicatedStack.start_assistant, with more time for the models to load: N
        replicas loading at once on a shared 2-core machine take longer than one alone."""
        stack = self.stack
        began = time.monotonic()
        for index in range(stack.action_servers):
            stack.start(stack.replica_action_server(index))
        stack.start(stack.load_balancer())
        rasa = [
            stack.start(replace(stack.replica_rasa(i), startup_seconds=READY_SECONDS), wait=False)
            for i in range(stack.replicas)
        ]
        for service in rasa:
            stack.wait_ready(service)
        stack.wait_for_backends()
        ready = time.monotonic() - began
        for count in self.counts:
            self.frontends[count] = self._start_haproxy(count)
        return round(ready, 1)

    def _start_haproxy(self, count: int) -> tuple[str, str]:
        host = self.stack.bind_host
        ports = {name: free_port(host) for name in ("rasa", "actions", "bot", "metrics")}
        config = self.stack.data_dir / f"haproxy-n{count}.cfg"
        config.write_text(
            haproxy_config(
                HAPROXY_TEMPLATE.read_text(),
                rasa=self.stack.rasa_ports[:count],
                actions=self.stack.action_ports,
                ports=ports,
                host=host,
            )
        )
        metrics = f"http://{host}:{ports['metrics']}/metrics"
        self.stack.start(
            Service(
                name=f"haproxy-n{count}",
                argv=[haproxy_binary(), "-db", "-f", str(config)],
                health_url=metrics,
                startup_seconds=30,
                env={"BOT_ADDRESS": "localhost"},
            )
        )
        deadline = time.monotonic() + 30
        while servers_up(metrics, "rasa") != count:
            if time.monotonic() > deadline:
                raise StackError(f"HAProxy for N={count} does not see {count} Rasa replicas up")
            time.sleep(0.5)
        return f"http://{host}:{ports['rasa']}", metrics

    def pids(self, prefix: str = "") -> dict[str, int]:
        """Live services whose name starts with ``prefix`` (rasa-, actions-, haproxy)."""
        return {
            name: service.process.pid
            for name, service in self.stack.services.items()
            if name.startswith(prefix) and service.process and service.process.poll() is None
        }

    def rasa_pids(self) -> dict[str, int]:
        return self.pids("rasa-")

    def memory(self) -> dict[str, float | None]:
        return {name: rss_mib(pid) for name, pid in self.rasa_pids().items()}

    def stop(self) -> None:
        self.stack.stop()


async def _tracker_user_texts(
    client: httpx.AsyncClient, url: str, token: str, sender: str
) -> list[str]:
    response = await client.get(
        f"{url}/conversations/{sender}/tracker", params={"token": token}, timeout=120
    )
    response.raise_for_status()
    return [e.get("text") for e in response.json()["events"] if e.get("event") == "user"]


async def _one_run(
    client: httpx.AsyncClient,
    topology: Topology,
    count: int,
    reporters: int,
    script: Sequence[str],
    counts: Sequence[int],
) -> dict[str, Any]:
    url, metrics = topology.frontends[count]
    channel = topology.stack.secrets[RASA_CHANNEL_TOKEN]
    made = [StickyRestReporter(client, url, channel) for _ in range(reporters)]
    sessions_before = sessions_per_replica((await client.get(metrics)).text)
    pids = topology.pids()
    cpu_before = {name: process_cpu_seconds(pid) for name, pid in pids.items()}
    ticks_before = cpu_ticks()
    load_before = load_average()
    started = time.perf_counter()
    transcripts = await asyncio.gather(
        *(clients.play(r, script, counts, clients.PROJECT_KINDS) for r in made),
        return_exceptions=True,
    )
    wall = time.perf_counter() - started
    ticks_after = cpu_ticks()
    cpu_after = {name: process_cpu_seconds(pid) for name, pid in pids.items()}
    sessions_after = sessions_per_replica((await client.get(metrics)).text)
    latencies: list[float] = []
    errors: list[str] = []
    complete = 0
    for transcript in transcripts:
        if isinstance(transcript, BaseException):
            errors.append(f"{type(transcript).__name__}: {transcript}")
            continue
        errors.extend(t.error for t in transcript.turns if t.error)
        good = [t for t in transcript.turns if not t.error]
        latencies.extend(t.seconds for t in good)
        complete += len(good) == len(script)
    # Not timed: every conversation's turns, read back from the tracker store through HAProxy.
    token = topology.stack.secrets[RASA_AUTH_TOKEN]
    limit = asyncio.Semaphore(TRACKER_READS_AT_ONCE)

    async def check(reporter: StickyRestReporter) -> str | None:
        async with limit:
            try:
                texts = await _tracker_user_texts(client, url, token, reporter.sender)
            except (httpx.HTTPError, ValueError, KeyError) as error:
                return f"{reporter.sender}: {type(error).__name__}: {error}"
        return None if texts == list(script) else f"{reporter.sender}: user turns {texts}"

    cpu_used = {name: round(cpu_after[name] - cpu_before[name], 2) for name in sorted(pids)}
    mismatches = [m for m in await asyncio.gather(*(check(r) for r in made)) if m]
    all_ticks = ticks_after[0] - ticks_before[0]
    idle = ticks_after[1] - ticks_before[1]
    return {
        "replicas": count,
        "reporters": reporters,
        "wall_seconds": round(wall, 2),
        "messages_per_second": round(len(latencies) / wall, 2) if wall else None,
        "latency_ms": summary_ms(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "reporters_complete_in_order": complete,
        "trackers_exact": reporters - len(mismatches),
        "tracker_mismatch_samples": mismatches[:5],
        "haproxy_sessions_per_replica": {
            server: total - sessions_before.get(server, 0)
            for server, total in sorted(sessions_after.items())
        },
        "machine_cpu_busy_share": round(1 - idle / all_ticks, 3) if all_ticks else None,
        "cpu_seconds": cpu_used,
        # CPU a message costs, whichever core it ran on: the per-core arithmetic of sizing.
        "rasa_cpu_ms_per_message": _per_message(cpu_used, "rasa-", len(latencies)),
        "actions_cpu_ms_per_message": _per_message(cpu_used, "actions-", len(latencies)),
        "load_average_before": load_before,
        "load_average_after": load_average(),
    }


def _per_message(cpu_used: dict[str, float], prefix: str, messages: int) -> float | None:
    used = sum(v for name, v in cpu_used.items() if name.startswith(prefix))
    return round(used * 1000 / messages, 1) if messages else None


async def _measure(
    topology: Topology, *, rounds: int, reporters: int, turns: int
) -> dict[str, Any]:
    counts = topology.counts
    async with clients.http_client(reporters * 2 + 20) as client:
        widest_url = topology.frontends[max(counts)][0]
        channel = topology.stack.secrets[RASA_CHANNEL_TOKEN]

        def make() -> StickyRestReporter:
            return StickyRestReporter(client, widest_url, channel)

        script, replies = await clients.learn(
            make, clients.PROJECT_OPENING, clients.PROJECT_ANSWERS, turns
        )
        script, replies = script[:turns], replies[:turns]
        # Untimed warm-up through every replica (the first turns after loading are slow).
        warm = await _one_run(client, topology, max(counts), min(reporters, 12), script, replies)
        runs: dict[int, list[dict[str, Any]]] = {count: [] for count in counts}
        order: list[list[int]] = []
        for number in range(rounds):
            order.append(in_round_order(counts, number))
            for count in order[-1]:
                runs[count].append(
                    await _one_run(client, topology, count, reporters, script, replies)
                )
                print(
                    f"replicas: round {number + 1} N={count}: "
                    f"{runs[count][-1]['messages_per_second']} msgs/s",
                    flush=True,
                )
    summary: dict[str, Any] = {}
    for count, count_runs in runs.items():
        summary[str(count)] = {
            "messages_per_second": spread([r["messages_per_second"] for r in count_runs]),
            "p50_ms": spread([r["latency_ms"].get("p50") for r in count_runs]),
            "p95_ms": spread([r["latency_ms"].get("p95") for r in count_runs]),
            "p99_ms": spread([r["latency_ms"].get("p99") for r in count_runs]),
            "machine_cpu_busy_share": spread([r["machine_cpu_busy_share"] for r in count_runs]),
            "rasa_cpu_ms_per_message": spread([r["rasa_cpu_ms_per_message"] for r in count_runs]),
            "actions_cpu_ms_per_message": spread(
                [r["actions_cpu_ms_per_message"] for r in count_runs]
            ),
            "errors": sum(r["errors"] for r in count_runs),
            "reporters_complete_in_order": sum(
                r["reporters_complete_in_order"] for r in count_runs
            ),
            "trackers_exact": sum(r["trackers_exact"] for r in count_runs),
            "reporters": reporters * len(count_runs),
            "runs": count_runs,
        }
    base = min(counts)
    scaling = {
        f"{count}_vs_{base}_msgs_per_s": spread(
            [
                ratio(a["messages_per_second"], b["messages_per_second"])
                for a, b in zip(runs[count], runs[base], strict=True)
            ]
        )
        for count in counts
        if count != base
    }
    return {
        "script": script,
        "replies_per_turn": replies,
        "order": order,
        "warm_up": {k: warm[k] for k in ("reporters", "messages_per_second", "errors")},
        "counts": summary,
        "scaling": scaling,
    }


def suite(
    work_dir: Path,
    *,
    counts: Sequence[int],
    rounds: int,
    reporters: int,
    turns: int,
    action_servers: int | None = None,
) -> dict[str, Any]:
    work_dir.mkdir(parents=True, exist_ok=True)
    servers = action_servers or default_action_servers(counts)
    header: dict[str, Any] = {
        "replica_counts": list(counts),
        "rounds": rounds,
        "reporters": reporters,
        "turns_per_reporter": turns,
        "action_servers": servers,
        "path": "REST channel through HAProxy (sticky on X-Conversation-Id)",
        "endpoints": "deploy/rasa/endpoints.yml",
        "stores": "tracker store: PostgreSQL (fresh database); lock store: Redis "
        f"{DEFAULT_REDIS_URL}; app database: PostgreSQL (fresh database)",
        "cpus": os.cpu_count(),
    }
    databases = []
    try:
        for _ in range(2):
            made = postgres_database()
            if made is None:
                return {**header, "skipped": "PostgreSQL unreachable", "counts": {}}
            databases.append(made)
        topology = Topology(
            work_dir,
            counts=counts,
            action_servers=servers,
            database_url=databases[0][0],
            tracker_url=databases[1][0],
        )
        try:
            ready = topology.start()
            idle = topology.memory()
            measured = asyncio.run(
                _measure(topology, rounds=rounds, reporters=reporters, turns=turns)
            )
            after = topology.memory()
        finally:
            topology.stop()
    finally:
        for _, drop in databases:
            drop()
    return {
        **header,
        "replicas_ready_seconds": ready,
        "rasa_memory_mib_idle": idle,
        "rasa_memory_mib_after": after,
        **measured,
    }
