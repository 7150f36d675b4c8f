"""Times indicator extraction (Extractor.extract) on realistic short messages.

    .venv/app/bin/python scripts/bench_extraction.py [--messages 5000] [--repeat 3]

Messages are built from templates with varied numbers, dates and amounts, so that caches do not
make every call a repeat. Prints messages per second (best of --repeat runs, after a warm-up).
Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from scamreport.extraction import build_extractor  # noqa: E402

TODAY = date(2026, 3, 10)
TEMPLATES: tuple[str, ...] = (
    "the police called me from 8{a} {b} yesterday and I paid S${n},{m}00",
    "i lost {n}k usd to hxxps://masks-sale{a}[.]shop on {d} march",
    "someone from interpol said my account is frozen, I transferred {n}{m}00 to them last week",
    "paid RM {n}.5k by bank transfer on {d}/0{k}/2025, they never delivered",
    "{n} days ago a man called saying he is from the court, he wants $9,{m}00",
    "i sent {n}000 pesos via gcash to 09{a}{b} on monday",
    "between june and august I gave him {n},{m}00 dollars",
    "hello i need help my son was scammed",
    "he said on 2{k}/10 at the bank he would give back the {n} grand",
    "email from support{a}@paypa1-secure.com asking for my password since october",
)


def messages(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    result = []
    for index in range(count):
        template = TEMPLATES[index % len(TEMPLATES)]
        result.append(
            template.format(
                a=rng.randint(100, 999),
                b=rng.randint(1000, 9999),
                n=rng.randint(1, 99),
                m=rng.randint(1, 9),
                d=rng.randint(1, 28),
                k=rng.randint(1, 9),
            )  # fmt: skip
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    extractor = build_extractor()
    texts = messages(args.messages)
    for text in texts[:50]:
        extractor.extract(text, "SG", today=TODAY)
    best = float("inf")
    for run in range(args.repeat):
        texts = messages(args.messages, seed=run)
        started = time.perf_counter()
        for text in texts:
            extractor.extract(text, "SG", today=TODAY)
        best = min(best, time.perf_counter() - started)
    print(f"{args.messages / best:,.0f} messages/s ({best / args.messages * 1e6:,.0f} µs each)")


if __name__ == "__main__":
    main()
