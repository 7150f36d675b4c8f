"""The ``extraction`` suite: what reading one message costs the action server, against a turn.

The actions read a reporter's message through scamreport.extraction.readings: ``mask_message``
(secrets masked, ``scamreport.sensitive.mask_secrets``) and then ``read_message`` on the masked
text (the shared ``Extractor.find``); both keep what they made, so only the first ask for a
message costs anything. Here each timing uses a new ``ReadingStore`` (the same code the
process's store runs, nothing kept): a cold reading, as the first action of a turn pays it.

In-process, no servers: each message of the project's benchmark script (benchmarks.clients,
country "SG") and one long story of about 4,000 characters (Telegram's limit). The share of a
turn comes from the latency suite's result in the same output directory (``latency.json``:
``after:rest``'s p50 of the opening-story and the form turns), when there is one.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks import clients
from benchmarks.stats import load_average, percentile
from scamreport.extraction.extractor import build_extractor
from scamreport.extraction.readings import ReadingStore

COUNTRY = "SG"
LONG_STORY_CHARS = 4_000
STORY_LEG = "after:rest"
# Sentences of the kind reporters send (tests/conversations' personas, docs/BRIEF's cases),
# with phone numbers, links, an IBAN, amounts and dates for the extractor to find.
STORY_SENTENCES = (
    "On 12 March a man called me from +65 8123 4567 and said he was Inspector Tan from the "
    "Singapore Police Force.",
    "He told me my bank account had been used to launder money and that I would be arrested "
    "unless I cooperated.",
    "He sent me a link to http://spf-gov-sg.verify-case.com/login where I had to enter my "
    "banking details.",
    "Then a second man who said he was from Interpol called from +44 20 7946 0958 and asked me "
    "to move my savings to a safe account.",
    "I transferred S$4,800 on 13 March and another S$12,500 two days later to the account "
    "GB33 BUKB 2020 1555 5555 55.",
    "They also asked me to buy Google Play cards worth $500 and send them the codes.",
    "Their WhatsApp number was +60 12-345 6789 and the caller's name was Mr Wong.",
    "When I hesitated they sent me a fake warrant with my name and photo from "
    "https://interpol-notice.org/case/88231.",
    "My daughter told me last Friday that this is a scam, and the real police said they never "
    "call like this.",
    "I still have the messages on my phone and the bank receipt for the transfer of "
    "USD 3,200 on 20/03/2026.",
    "They said the money would be returned within 48 hours after the investigation, but "
    "nobody answers any more.",
)
FULL_ROUNDS = 30
SMOKE_ROUNDS = 2


def long_story(chars: int = LONG_STORY_CHARS, *, reference: str = "") -> str:
    """Realistic story text of exactly ``chars`` characters (sentences repeated, then cut);
    a ``reference`` starts it, so that no two texts share their beginning (what a process
    keeps by a digest of the text is then never reused)."""
    text = f"I am writing about case {reference}. " if reference else ""
    while len(text) < chars:
        text += " ".join(STORY_SENTENCES) + " "
    return text[: chars - 1] + "."


def script_messages() -> list[tuple[str, str, str]]:
    """(label, kind, text) of each message of the benchmark script, and the long story."""
    opening = [
        (
            f"opening: {clients.turn_kind(clients.PROJECT_KINDS, n)}",
            clients.turn_kind(clients.PROJECT_KINDS, n),
            text,
        )
        for n, text in enumerate(clients.PROJECT_OPENING)
    ]
    answers = [(f"answer {slot}", "form", text) for slot, text in clients.PROJECT_ANSWERS.items()]
    return [*opening, *answers, ("long story (4,000 chars)", "long_story", long_story())]


def cold_reading(text: str, country: str, today: date) -> tuple[float, float]:
    """Seconds to mask ``text`` and to extract from the masked text, nothing kept before."""
    store = ReadingStore()
    started = time.perf_counter()
    masked = store.mask(text).masked_text
    masked_at = time.perf_counter()
    store.read(masked, country, today=today)
    return masked_at - started, time.perf_counter() - masked_at


def _found(text: str, today: date) -> int:
    store = ReadingStore()
    return len(store.read(store.mask(text).masked_text, COUNTRY, today=today).found)


def _ms(values: Sequence[float]) -> dict[str, Any]:
    millis = [v * 1000 for v in values]
    return {
        "n": len(millis),
        "median": round(statistics.median(millis), 3),
        "p95": round(percentile(millis, 0.95), 3),
        "max": round(max(millis), 3),
    }


def measure(rounds: int) -> list[dict[str, Any]]:
    """Each message read cold ``rounds`` times, interleaved (round 1: every message, ...)."""
    messages = script_messages()
    today = date.today()
    masks: list[list[float]] = [[] for _ in messages]
    reads: list[list[float]] = [[] for _ in messages]
    for _ in range(rounds):
        for index, (_, _, text) in enumerate(messages):
            mask, read = cold_reading(text, COUNTRY, today)
            masks[index].append(mask)
            reads[index].append(read)
    return [
        {
            "message": label,
            "kind": kind,
            "chars": len(text),
            "indicators_found": _found(text, today),
            "reading_ms": _ms([m + r for m, r in zip(masks[i], reads[i], strict=True)]),
            "mask_ms": _ms(masks[i]),
            "extract_ms": _ms(reads[i]),
        }
        for i, (label, kind, text) in enumerate(messages)
    ]


def latency_p50(out: Path) -> tuple[dict[str, float | None], str | None]:
    """``after:rest``'s p50 of the story and form turns from ``out``/latency.json, or why not."""
    path = out / "latency.json"
    if not path.exists():
        return {}, f"no {path}: run the latency suite first (--suites latency,extraction)"
    kinds = json.loads(path.read_text()).get("legs", {}).get(STORY_LEG, {}).get("kinds", {})
    if not kinds:
        return {}, f"{path} has no {STORY_LEG} leg"
    return {kind: kinds.get(kind, {}).get("p50") for kind in ("story", "form")}, None


def shares(per_message: list[dict[str, Any]], out: Path) -> dict[str, Any]:
    """Extraction's median against the turn's p50: the opening story, the form answers."""
    story = next(m["reading_ms"]["median"] for m in per_message if m["kind"] == "story")
    form = statistics.median(m["reading_ms"]["median"] for m in per_message if m["kind"] == "form")
    turn, why = latency_p50(out)
    result: dict[str, Any] = {
        "story_reading_ms": story,
        "form_answer_reading_ms_median": round(form, 3),
        "story_turn_p50_ms": turn.get("story"),
        "form_turn_p50_ms": turn.get("form"),
        "story_share": None,
        "form_share": None,
        "latency_source": None if why else str(out / "latency.json"),
    }
    if why:
        result["why_no_share"] = why
        return result
    for kind, reading in (("story", story), ("form", form)):
        p50 = turn.get(kind)
        result[f"{kind}_share"] = round(reading / p50, 4) if p50 else None
    return result


def suite(out: Path, *, rounds: int) -> dict[str, Any]:
    started = time.perf_counter()
    build_extractor()  # the process's shared extractor, built once at its first reading
    build_seconds = time.perf_counter() - started
    ReadingStore().read(long_story(), COUNTRY)  # warm: the first find compiles lazily
    load_before = load_average()
    per_message = measure(rounds)
    return {
        "country": COUNTRY,
        "rounds": rounds,
        "what": "one cold reading = ReadingStore().mask(text) then .read(masked, country), "
        "as actions' mask_message and read_message do on a store miss",
        "readings_per_turn": "not counted; a turn pays one cold mask per new message and "
        "one cold reading per (message, country) asked, every later ask of the same is a hit "
        "of the process's store (scamreport/extraction/readings.py)",
        "extractor_build_seconds": round(build_seconds, 3),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "messages": per_message,
        "shares": shares(per_message, out),
    }
