"""`python -m tests.conversations`: play the personas against a fresh stack and grade them.

Starts the action server, Rasa (models/current.tar.gz), the Telegram stand-in and the bot with a
fresh SQLite database, plays the chosen personas, and writes results/conversations.md and
results/conversations.json. The exit status is 0 whatever the pass rate (it is a measured goal)
unless --strict is given.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from scamreport.cli.stack import STANDIN_TOKEN, Stack, StackError
from scamreport.settings import PROJECT_ROOT
from scamreport.storage.database import make_engine, make_session_factory
from tests.conversations.personas import Persona, load_personas, select
from tests.conversations.run import Outcome, pass_rate, play_all, write_results

PSEUDONYM_KEY = "conversation-suite-pseudonym-key-0123456789"
BOT_ARGS = ["--replay-interval", "1", "--outbox-interval", "5", "--rasa-timeout", "30",
            "--rate-per-minute", "120", "--rate-burst", "30"]  # fmt: skip


def start_stack(stack: Stack, startup_seconds: float = 600.0) -> None:
    """Action server, Rasa, the stand-in and the bot, patient with a busy machine."""
    for service in (stack.action_server(), stack.rasa_server()):
        service.startup_seconds = max(service.startup_seconds, startup_seconds)
        stack.start(service)
    stack.start(stack.telegram_standin())
    bot = stack.bot(token=STANDIN_TOKEN, api_url=stack.standin_url, args=BOT_ARGS)
    bot.startup_seconds = max(bot.startup_seconds, startup_seconds / 4)
    stack.start(bot)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.conversations", description=__doc__)
    parser.add_argument("ids", nargs="*", help="persona ids (or id prefixes) to play; default all")
    parser.add_argument("--type", action="append", dest="types", help="only this scam type")
    parser.add_argument(
        "--language",
        action="append",
        dest="languages",
        help="only the personas written in this language (en, zh, ms)",
    )
    parser.add_argument("--smoke", action="store_true", help="only the personas marked smoke")
    parser.add_argument("--heldout", choices=("only", "exclude"), help="held-out personas")
    parser.add_argument("--workers", type=int, default=3, help="personas played at once")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "results")
    parser.add_argument("--strict", action="store_true", help="exit 1 unless every persona passes")
    return parser.parse_args(argv)


def progress(outcome: Outcome) -> None:
    mark = "pass" if outcome.passed else ("FAIL" if outcome.completed else "NO REPORT")
    failing = ", ".join(f.field for f in outcome.failing)
    error = outcome.play.error or ""
    persona = outcome.persona
    print(
        f"{mark:9} {persona.language} {persona.id:40} q={outcome.questions:2} {failing} {error}",
        flush=True,
    )


def rasa_token(stack: Stack) -> str | None:
    """The token of Rasa's HTTP API, where the stack makes one."""
    return (getattr(stack, "secrets", None) or {}).get("RASA_AUTH_TOKEN")


def play_on_fresh_stack(personas: list[Persona], args: argparse.Namespace) -> list[Outcome]:
    """A new stack with an empty database; its logs stay in <out>/conversations-stack/log."""
    data_dir = args.out / "conversations-stack"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    database_url = f"sqlite:///{data_dir / 'scamreport.db'}"
    started = time.monotonic()
    env = {"PSEUDONYM_KEY": PSEUDONYM_KEY, "SCAMREPORT_ENV": "test"}
    with Stack(data_dir=data_dir, database_url=database_url, extra_env=env) as stack:
        print("starting the action server, Rasa, the stand-in and the bot ...", flush=True)
        start_stack(stack)
        print(
            f"stack ready in {time.monotonic() - started:.0f}s; playing {len(personas)} personas",
            flush=True,
        )
        return play_all(
            personas,
            standin_url=stack.standin_url,
            rasa_url=stack.rasa_url,
            rasa_token=rasa_token(stack),
            sessions=make_session_factory(make_engine(database_url)),
            workers=args.workers,
            progress=progress,
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    heldout = {"only": True, "exclude": False}.get(args.heldout or "")
    personas = select(
        load_personas(),
        ids=args.ids,
        types=args.types,
        smoke=args.smoke,
        heldout=heldout,
        languages=args.languages,
    )
    if not personas:
        print("no persona matches", file=sys.stderr)
        return 2
    try:
        outcomes = play_on_fresh_stack(personas, args)
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    md_path, json_path = write_results(outcomes, args.out)
    print(
        f"{sum(o.passed for o in outcomes)}/{len(outcomes)} personas passed; "
        f"see {md_path} and {json_path}",
        flush=True,
    )
    return 1 if args.strict and pass_rate(outcomes) < 1.0 else 0


if __name__ == "__main__":
    sys.exit(main())
