"""Turn latency (one reporter at a time) and load (10/50/200 reporters at once).

Every leg is a (process set, path) pair: ``after:rest`` is the shipped Rasa over its REST
channel, ``after:telegram`` the same through the stand-in and the bot, ``before:*`` the same
with issue 13's fixes undone, ``bare:rest`` `rasa init`'s assistant. Each round runs every leg
once, alternating the order (A, B, C, then C, B, A), so load on the machine hits all legs alike.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks import clients
from benchmarks.processes import Processes
from benchmarks.stats import load_average, ratio, spread, summary_ms

Leg = str  # "<process set>:<path>"


def in_round_order(items: Sequence[Any], number: int) -> list[Any]:
    """Round 0 runs A, B, C; round 1 C, B, A; ... (ABBA: a drift in the machine's load over
    the run, or a cost that falls on whichever leg runs first, hits every leg alike)."""
    return list(items) if number % 2 == 0 else list(reversed(items))


def _reporter_factory(
    processes: Processes, leg: Leg, client: Any
) -> Callable[[], clients.Reporter]:
    name, path = leg.split(":")
    if path == "rest":
        url, token = processes.rasa_url(name), processes.channel_token(name)
        return lambda: clients.RestReporter(client, url, token)
    standin = processes.standin_urls[name]
    return lambda: clients.TelegramReporter(client, standin)


def _standin_url(processes: Processes, leg: Leg) -> str | None:
    name, path = leg.split(":")
    return processes.standin_urls[name] if path == "telegram" else None


async def _learn_all(
    processes: Processes, legs: Sequence[Leg], client: Any, max_turns: int
) -> dict[Leg, tuple[list[str], list[int], list[str]]]:
    learned = {}
    for leg in legs:
        make = _reporter_factory(processes, leg, client)
        if leg.startswith("bare:"):
            script, counts = await clients.learn(
                make, clients.BARE_SCRIPT, {}, len(clients.BARE_SCRIPT)
            )
            kinds = clients.BARE_KINDS
        else:
            script, counts = await clients.learn(
                make, clients.PROJECT_OPENING, clients.PROJECT_ANSWERS, max_turns
            )
            kinds = clients.PROJECT_KINDS
        learned[leg] = (script, counts, kinds)
    return learned


async def _latency(
    processes: Processes, legs: Sequence[Leg], rounds: int, conversations: int, max_turns: int
) -> dict[str, Any]:
    async with clients.http_client(8) as client:
        learned = await _learn_all(processes, legs, client, max_turns)
        per_round: dict[Leg, list[dict[str, list[float]]]] = {leg: [] for leg in legs}
        # Every turn's time by its place in the script: which turns make a kind's tail.
        by_position: dict[Leg, dict[int, list[float]]] = {leg: {} for leg in legs}
        errors: dict[Leg, list[str]] = {leg: [] for leg in legs}
        loads: list[list[float]] = []
        for number in range(rounds):
            loads.append(load_average())
            for leg in in_round_order(legs, number):
                make = _reporter_factory(processes, leg, client)
                script, counts, kinds = learned[leg]
                times: dict[str, list[float]] = {}
                for _ in range(conversations):
                    transcript = await clients.play(make(), script, counts, kinds)
                    for position, turn in enumerate(transcript.turns):
                        if turn.error:
                            errors[leg].append(turn.error)
                        else:
                            times.setdefault(turn.kind, []).append(turn.seconds)
                            by_position[leg].setdefault(position, []).append(turn.seconds)
                per_round[leg].append(times)
    legs_out: dict[str, Any] = {}
    for leg in legs:
        kinds_seen = sorted({k for r in per_round[leg] for k in r})
        legs_out[leg] = {
            "script": learned[leg][0],
            "replies_per_turn": learned[leg][1],
            "errors": errors[leg],
            "kinds": {
                kind: {
                    **summary_ms(t for r in per_round[leg] for t in r.get(kind, [])),
                    "p50_per_round": spread(
                        [summary_ms(r.get(kind, [])).get("p50") for r in per_round[leg]]
                    ),
                }
                for kind in kinds_seen
            },
            "turns_by_position": [
                {
                    "position": position,
                    "text": learned[leg][0][position],
                    "kind": clients.turn_kind(learned[leg][2], position),
                    **summary_ms(times),
                }
                for position, times in sorted(by_position[leg].items())
            ],
        }

    def round_p50s(leg: Leg, kind: str) -> list[float | None]:
        return [summary_ms(r.get(kind, [])).get("p50") for r in per_round.get(leg, [])]

    def compare(a: Leg, a_kind: str, b: Leg, b_kind: str) -> dict[str, Any] | None:
        if a not in per_round or b not in per_round:
            return None
        pairs = list(zip(round_p50s(a, a_kind), round_p50s(b, b_kind), strict=True))
        return {
            "a": f"{a} {a_kind}",
            "b": f"{b} {b_kind}",
            "ratio_p50": spread([ratio(x, y) for x, y in pairs]),
            "difference_p50_ms": spread([x - y for x, y in pairs if x and y]),
        }

    comparisons = {
        "custom_action_vs_bare": compare("after:rest", "form", "bare:rest", "custom_action"),
        "story_turn_vs_bare_custom_action": compare(
            "after:rest", "story", "bare:rest", "custom_action"
        ),
        "response_only_vs_bare": compare("after:rest", "greet", "bare:rest", "greet"),
        "telegram_vs_rest_form": compare("after:telegram", "form", "after:rest", "form"),
        "telegram_vs_rest_greet": compare("after:telegram", "greet", "after:rest", "greet"),
        "before_telegram_vs_rest_form": compare("before:telegram", "form", "before:rest", "form"),
        "rest_form_before_vs_after": compare("before:rest", "form", "after:rest", "form"),
        "rest_story_before_vs_after": compare("before:rest", "story", "after:rest", "story"),
        "telegram_form_before_vs_after": compare(
            "before:telegram", "form", "after:telegram", "form"
        ),
        "before_custom_action_vs_bare": compare(
            "before:rest", "form", "bare:rest", "custom_action"
        ),
    }
    return {
        "rounds": rounds,
        "conversations_per_leg_per_round": conversations,
        "load_average_per_round": loads,
        "legs": legs_out,
        "comparisons": {k: v for k, v in comparisons.items() if v is not None},
    }


def latency(
    processes: Processes, legs: Sequence[Leg], *, rounds: int, conversations: int, max_turns: int
) -> dict[str, Any]:
    return asyncio.run(_latency(processes, legs, rounds, conversations, max_turns))


# --- load --------------------------------------------------------------------------------


async def _one_load_run(
    make: Callable[[], clients.Reporter],
    reporters: int,
    script: Sequence[str],
    counts: Sequence[int],
    kinds: Sequence[str],
    standin_url: str | None,
    client: Any,
) -> dict[str, Any]:
    """One load run; ``standin_url`` for a leg through the bot (its Bot API calls are counted)."""
    made = [make() for _ in range(reporters)]
    calls_before = (
        await clients.bot_api_calls(client, standin_url) if standin_url is not None else {}
    )
    started = time.perf_counter()
    transcripts = await asyncio.gather(
        *(clients.play(r, script, counts, kinds) for r in made), return_exceptions=True
    )
    wall = time.perf_counter() - started
    latencies: list[float] = []
    errors: list[str] = []
    complete = 0
    for transcript in transcripts:
        if isinstance(transcript, BaseException):
            errors.append(f"{type(transcript).__name__}: {transcript}")
            continue
        good = [t for t in transcript.turns if not t.error]
        errors.extend(t.error for t in transcript.turns if t.error)
        latencies.extend(t.seconds for t in good)
        if len(good) == len(script):
            complete += 1
    extra = 0
    bot_api: dict[str, Any] = {}
    if standin_url is not None:
        await asyncio.sleep(1.0)  # anything sent late (a duplicate) would show now
        extras = await asyncio.gather(
            *(r.extra_messages() for r in made if isinstance(r, clients.TelegramReporter)),
            return_exceptions=True,
        )
        extra = sum(x for x in extras if isinstance(x, int))
        calls_after = await clients.bot_api_calls(client, standin_url)
        sent = {
            method: count - calls_before.get(method, 0)
            for method, count in calls_after.items()
            if method.lower() != "getupdates" and count > calls_before.get(method, 0)
        }
        turns = len(latencies) or 1
        bot_api = {
            "requests_by_method": sent,
            "requests_per_turn": round(sum(sent.values()) / turns, 2),
            "requests_per_second": round(sum(sent.values()) / wall, 2) if wall else None,
        }
    return {
        "reporters": reporters,
        "turns_per_reporter": len(script),
        "wall_seconds": round(wall, 2),
        "messages_per_second": round(len(latencies) / wall, 2) if wall else None,
        "latency_ms": summary_ms(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "reporters_complete_in_order": complete,
        "unexpected_extra_messages": extra,
        **({"bot_api": bot_api} if bot_api else {}),
        "load_average_after": load_average(),
    }


async def _load(
    processes: Processes,
    legs: Sequence[Leg],
    levels: Sequence[int],
    rounds: int,
    turns: int,
) -> dict[str, Any]:
    async with clients.http_client(max(levels) * 2 + 20) as client:
        learned = await _learn_all(processes, legs, client, turns)
        results: dict[str, Any] = {"turns_per_reporter": turns, "levels": {}}
        for level in levels:
            runs: dict[Leg, list[dict[str, Any]]] = {leg: [] for leg in legs}
            for number in range(rounds):
                for leg in in_round_order(legs, number):
                    script, counts, kinds = learned[leg]
                    runs[leg].append(
                        await _one_load_run(
                            _reporter_factory(processes, leg, client),
                            level,
                            script[:turns],
                            counts[:turns],
                            kinds,
                            _standin_url(processes, leg),
                            client,
                        )
                    )
            summary: dict[str, Any] = {}
            for leg, leg_runs in runs.items():
                summary[leg] = {
                    "messages_per_second": spread([r["messages_per_second"] for r in leg_runs]),
                    "p50_ms": spread([r["latency_ms"].get("p50") for r in leg_runs]),
                    "p95_ms": spread([r["latency_ms"].get("p95") for r in leg_runs]),
                    "p99_ms": spread([r["latency_ms"].get("p99") for r in leg_runs]),
                    "errors": sum(r["errors"] for r in leg_runs),
                    "reporters_complete_in_order": sum(
                        r["reporters_complete_in_order"] for r in leg_runs
                    ),
                    "reporters": level * len(leg_runs),
                    "unexpected_extra_messages": sum(
                        r["unexpected_extra_messages"] for r in leg_runs
                    ),
                    **(
                        {
                            "bot_api_requests_per_turn": spread(
                                [r["bot_api"]["requests_per_turn"] for r in leg_runs]
                            )
                        }
                        if all("bot_api" in r for r in leg_runs)
                        else {}
                    ),
                    "runs": leg_runs,
                }
            ratios = {}
            for name in ("after", "before"):
                tele, rest = f"{name}:telegram", f"{name}:rest"
                if tele in runs and rest in runs:
                    ratios[f"{name}_telegram_vs_rest_msgs_per_s"] = spread(
                        [
                            ratio(a["messages_per_second"], b["messages_per_second"])
                            for a, b in zip(runs[tele], runs[rest], strict=True)
                        ]
                    )
            if "after:rest" in runs and "bare:rest" in runs:
                ratios["after_rest_vs_bare_msgs_per_s"] = spread(
                    [
                        ratio(a["messages_per_second"], b["messages_per_second"])
                        for a, b in zip(runs["after:rest"], runs["bare:rest"], strict=True)
                    ]
                )
            results["levels"][str(level)] = {"legs": summary, "ratios": ratios}
    return results


def load(
    processes: Processes, legs: Sequence[Leg], *, levels: Sequence[int], rounds: int, turns: int
) -> dict[str, Any]:
    return asyncio.run(_load(processes, legs, levels, rounds, turns))
