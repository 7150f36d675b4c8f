"""The ``largest`` suite: the largest message each process handles within its memory bound.

The processes start as the load suite starts them (benchmarks.processes, the ``after`` stack:
action server, Rasa, the Telegram stand-in, the bot). Then one message of each size, longest
last, each the opening of a new conversation: straight to Rasa over its REST channel, and as
a Telegram user through the stand-in and the bot. Each send records whether it was answered
(and how: HTTP status, the first reply, an error), its seconds, and every process's resident
memory before and its peak during (sampled every 0.2 s) and after.

The bounds: each process's memory limit in deploy/k8s/base/<process>.yaml (the stand-in is a
test tool, not deployed: no bound), and the message bounds of scamreport/channel.py
(MAX_NLU_CHARS, MAX_STORY_CHARS, MAX_REQUEST_BYTES; docs/security.md). A message refused by a
size limit with a clear answer counts as handled; a crash, a hang or no answer does not.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import yaml

from benchmarks import clients
from benchmarks.extraction import long_story
from benchmarks.processes import Processes
from benchmarks.stats import load_average
from bot.rasa_client import WEBHOOK_PATH
from scamreport.channel import (
    CHANNEL_TOKEN_HEADER,
    MAX_NLU_CHARS,
    MAX_REQUEST_BYTES,
    MAX_STORY_CHARS,
)
from scamreport.settings import PROJECT_ROOT

FULL_SIZES = [1_000, 4_000, 16_000, 64_000, 100_000, 256_000, 1_000_000]
SMOKE_SIZES = [1_000, 4_000]
TELEGRAM_MAX_CHARS = 4_096
STACK = "after"
# Process (benchmarks.processes' service name) -> its k8s manifest.
MANIFESTS = {"rasa": "rasa.yaml", "actions": "actions.yaml", "bot": "bot.yaml", "telegram": None}
# Which processes a message goes through on each path.
PATH_PROCESSES = {"rest": ["rasa", "actions"], "telegram": ["telegram", "bot", "rasa", "actions"]}
SAMPLE_SECONDS = 0.2
QUIET_SECONDS = 12.0
UNITS_MIB = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "Ti": 1024 * 1024}


def mib(quantity: str) -> float:
    """A Kubernetes memory quantity ("768Mi", "3Gi") in MiB."""
    for suffix, factor in UNITS_MIB.items():
        if quantity.endswith(suffix):
            return float(quantity[: -len(suffix)]) * factor
    return float(quantity) / (1024 * 1024)


def manifest_limit(manifest: Path, container: str) -> str | None:
    """``resources.limits.memory`` of ``container`` in a Deployment of ``manifest``."""
    for document in yaml.safe_load_all(manifest.read_text()):
        if not document or document.get("kind") not in ("Deployment", "StatefulSet"):
            continue
        for spec in document["spec"]["template"]["spec"].get("containers", []):
            if spec.get("name") == container:
                return spec.get("resources", {}).get("limits", {}).get("memory")
    return None


def memory_bounds(root: Path = PROJECT_ROOT) -> dict[str, dict[str, Any]]:
    """Each process's memory bound in MiB, and where it comes from."""
    bounds: dict[str, dict[str, Any]] = {}
    for process, manifest in MANIFESTS.items():
        if manifest is None:
            bounds[process] = {"mib": None, "source": "a test tool, not deployed: no bound"}
            continue
        path = root / "deploy" / "k8s" / "base" / manifest
        limit = manifest_limit(path, process) if path.exists() else None
        bounds[process] = {
            "mib": mib(limit) if limit else None,
            "source": f"{path.relative_to(root)}: resources.limits.memory = {limit}",
        }
    return bounds


class PeakMemory:
    """Samples every process's RSS in a thread while a message is handled; keeps the peak."""

    def __init__(self, read: Callable[[], dict[str, Any]]) -> None:
        self.read = read
        self.peak: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peak-memory", daemon=True)

    def _sample(self) -> None:
        for name, value in self.read().items():
            if value is not None:
                self.peak[name] = max(self.peak.get(name, 0.0), float(value))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def _excerpt(replies: Sequence[str]) -> str:
    return " / ".join(r.replace("\n", " ")[:160] for r in replies[:3])


def send_rest(processes: Processes, text: str, timeout: float) -> dict[str, Any]:
    """``text`` as the first message of a new conversation over Rasa's REST channel."""
    token = processes.channel_token(STACK)
    started = time.perf_counter()
    try:
        response = httpx.post(
            processes.rasa_url(STACK).rstrip("/") + WEBHOOK_PATH,
            json={"sender": f"bench-largest-{uuid.uuid4().hex}", "message": text},
            headers={CHANNEL_TOKEN_HEADER: token} if token else {},
            timeout=timeout,
        )
    except httpx.HTTPError as error:
        return _outcome(False, f"{type(error).__name__}: {error}", started)
    status = response.status_code
    if status == 413:
        return {**_outcome(True, "refused by its size limit: HTTP 413", started), "http": status}
    if status != 200:
        return {**_outcome(False, f"HTTP {status}", started), "http": status}
    replies = [str(r.get("text") or "") for r in response.json()]
    if not replies:
        return {**_outcome(False, "HTTP 200 without a reply", started), "http": status}
    return {
        **_outcome(True, f"answered: {len(replies)} replies", started),
        "http": status,
        "reply": _excerpt(replies),
    }


def send_telegram(processes: Processes, text: str, timeout: float) -> dict[str, Any]:
    """``text`` typed by a new Telegram user through the stand-in and the bot; answered when
    no further message comes for ``QUIET_SECONDS`` after the last (the bot tells a reporter at
    once that a message is long, the assistant's answer comes when Rasa has read it)."""

    async def say() -> tuple[float, list[str]]:
        async with clients.http_client(4, timeout=timeout + 60) as client:
            reporter = clients.TelegramReporter(
                client, processes.standin_urls[STACK], quiet=QUIET_SECONDS
            )
            return await reporter.say(text, timeout=timeout)

    started = time.perf_counter()
    try:
        seconds, replies = asyncio.run(say())
    except httpx.HTTPStatusError as error:
        status = error.response.status_code
        return {**_outcome(False, f"the stand-in refused it: HTTP {status}", started)}
    except (clients.TurnError, httpx.HTTPError) as error:
        return _outcome(False, f"{type(error).__name__}: {error}", started)
    return {
        "handled": True,
        "how": f"answered: {len(replies)} messages",
        "seconds": round(seconds, 2),
        "reply": _excerpt(replies),
    }


def _outcome(handled: bool, how: str, started: float) -> dict[str, Any]:
    return {"handled": handled, "how": how, "seconds": round(time.perf_counter() - started, 2)}


def _memory(processes: Processes) -> dict[str, float | None]:
    prefix = f"{STACK}/"
    return {k[len(prefix) :]: v for k, v in processes.memory().items() if k.startswith(prefix)}


def _alive(processes: Processes) -> dict[str, bool]:
    stack = processes.stacks[STACK]
    return {
        name: service.process is not None and service.process.poll() is None
        for name, service in stack.services.items()
    }


def one_send(processes: Processes, path: str, size: int, timeout: float) -> dict[str, Any]:
    text = long_story(size, reference=uuid.uuid4().hex[:8])
    before = _memory(processes)
    with PeakMemory(lambda: _memory(processes)) as peak:
        send = send_rest if path == "rest" else send_telegram
        outcome = send(processes, text, timeout)
    time.sleep(1.0)  # what a process frees after its answer
    alive = _alive(processes)
    died = sorted(name for name, up in alive.items() if not up)
    if died:
        outcome = {**outcome, "handled": False, "how": f"{outcome['how']}; died: {died}"}
    return {
        "path": path,
        "chars": len(text),
        **outcome,
        **(
            {"note": telegram_note(size)}
            if path == "telegram" and size > TELEGRAM_MAX_CHARS
            else {}
        ),
        "rss_mib_before": before,
        "rss_mib_peak": {k: round(v, 1) for k, v in peak.peak.items()},
        "rss_mib_after": _memory(processes),
        "load_average_after": load_average(),
    }


def telegram_note(size: int) -> str:
    return (
        f"Telegram caps a text at {TELEGRAM_MAX_CHARS:,} characters (its apps split a longer "
        f"paste); the stand-in does not, so the bot got all {size:,} in one message"
    )


def largest_within(
    sends: Sequence[dict[str, Any]], bounds: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Per process: the largest size up to which every message through it was handled while
    its peak RSS stayed under its bound, and what stopped it."""
    verdict: dict[str, Any] = {}
    for process, bound in bounds.items():
        largest: int | None = None
        stopped: str | None = None
        for size in sorted({s["chars"] for s in sends}):
            through = [
                s for s in sends if s["chars"] == size and process in PATH_PROCESSES[s["path"]]
            ]
            failed = [s for s in through if not s["handled"]]
            peak = max((s["rss_mib_peak"].get(process) or 0.0 for s in through), default=0.0)
            if failed:
                stopped = f"{size:,} chars: {failed[0]['path']}: {failed[0]['how']}"
            elif bound["mib"] is not None and peak >= bound["mib"]:
                stopped = f"{size:,} chars: peak {peak} MiB >= bound {bound['mib']:g} MiB"
            if stopped:
                break
            if through:
                largest = size
        verdict[process] = {
            "largest_chars_handled": largest,
            "bound_mib": bound["mib"],
            "bound_source": bound["source"],
            "peak_rss_mib": max(
                (s["rss_mib_peak"].get(process) or 0.0 for s in sends), default=None
            ),
            "stopped_at": stopped,
        }
    return verdict


def measure(processes: Processes, sizes: Sequence[int], timeout: float) -> list[dict[str, Any]]:
    sends: list[dict[str, Any]] = []
    for size in sorted(sizes):
        for path in ("rest", "telegram"):
            if not all(_alive(processes).values()):
                break
            sends.append(one_send(processes, path, size, timeout))
            print(
                f"largest: {path} {size:,} chars: {sends[-1]['how']} ({sends[-1]['seconds']} s)",
                flush=True,
            )
    return sends


def suite(root: Path, *, sizes: Sequence[int], timeout: float) -> dict[str, Any]:
    bounds = memory_bounds()
    processes = Processes(root, before=False, bare_rasa=False, telegram=True)
    began = time.monotonic()
    try:
        processes.start()
        ready = round(time.monotonic() - began, 1)
        idle = _memory(processes)
        sends = measure(processes, sizes, timeout)
    finally:
        processes.stop()
    return {
        "sizes": list(sorted(sizes)),
        "text": "realistic story sentences repeated (benchmarks.extraction.long_story)",
        "timeout_seconds": timeout,
        "message_bounds": {
            "MAX_NLU_CHARS": MAX_NLU_CHARS,
            "MAX_STORY_CHARS": MAX_STORY_CHARS,
            "MAX_REQUEST_BYTES": MAX_REQUEST_BYTES,
            "telegram_max_chars": TELEGRAM_MAX_CHARS,
            "source": "scamreport/channel.py, docs/security.md",
        },
        "memory_bounds": bounds,
        "processes_ready_seconds": ready,
        "rss_mib_idle": idle,
        "sends": sends,
        "largest": largest_within(sends, bounds),
    }
