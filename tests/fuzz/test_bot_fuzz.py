"""Fuzzing the Telegram bot through the stand-in: texts, captions, files, contacts, callback
data and malformed updates, against the fake Rasa (the fixtures of tests/bot/conftest.py).

The bot runs in this process (as in the bot's component tests), so the memory bound is on this
process's resident memory growth. Any error the bot logs fails the run, and so does a bot that
stops answering: after the fuzz, a new user must still get the consent notice.

Inputs are sent by SENDERS threads at once (many chats at a time, as a busy bot sees them);
each input is drawn from its own seed, taken in order from the run's seed, so the inputs are
the same whatever the order they are sent in.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from telegram_standin.driver import Driver, png_bytes
from telegram_standin.server import StandinServer
from tests.bot.conftest import BotRunner
from tests.fuzz.fuzz_support import Tally, fuzz_cases, fuzz_seed, rss_mib
from tests.fuzz.generators import Fuzz

MAX_RSS_GROWTH_MIB = 300  # growth of this process (bot, stand-in, fake Rasa) over the run
DRAIN_SECONDS_PER_UPDATE = 0.5  # a hang guard, not a speed requirement
USERS = 200
SENDERS = 8  # inputs in flight at once


class ErrorRecords(logging.Handler):
    """Keeps every ERROR (and worse) record a bot logger emits."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(("bot", "telegram")):
            self.records.append(record)


def user_info(fuzz: Fuzz) -> dict[str, Any]:
    info: dict[str, Any] = {
        "id": 9_000_000 + fuzz.random.randint(0, USERS),
        "first_name": fuzz.text(max_length=64) or "x",
    }
    if fuzz.chance(0.3):
        info["username"] = fuzz.pick(("fuzz_user", "a" * 32, "\u202ertl"))
    if fuzz.chance(0.5):
        info["language_code"] = fuzz.pick(("en", "zh-hans", "ms", "xx", "", "\ud800"))
    return info


def malformed_update(
    fuzz: Fuzz, user: dict[str, Any], bot_message: dict[str, Any] | None
) -> dict[str, Any]:
    """An update Telegram could send but the handlers may not expect."""
    chat = {"id": user["id"], "type": "private", "first_name": "x"}
    base = {"message_id": fuzz.random.randint(1, 2**31), "date": 0, "chat": chat}
    kind = fuzz.random.randint(0, 9)
    if kind == 0:
        return {"edited_message": {**base, "from": user | {"is_bot": False}, "text": fuzz.text()}}
    if kind == 1:
        group = {"id": -100123, "type": "supergroup", "title": "g"}
        return {
            "message": {**base, "chat": group, "from": user | {"is_bot": False}, "text": "/start"}
        }
    if kind == 2:
        channel = {"id": -100456, "type": "channel", "title": "c"}
        return {"channel_post": {**base, "chat": channel, "text": fuzz.text()}}
    if kind == 3:
        return {"message": {**base, "text": fuzz.text()}}  # no sender
    if kind == 4:
        return {"message": {**base, "from": user | {"is_bot": True}, "text": "/start"}}
    if kind == 5:
        return {"message": {**base, "from": user | {"is_bot": False}}}  # no content at all
    if kind == 6:
        entities = [{"type": "bot_command", "offset": 10_000, "length": 5}]
        return {
            "message": {
                **base,
                "from": user | {"is_bot": False},
                "text": "/x",
                "entities": entities,
            }
        }
    if kind == 7:
        return {
            "my_chat_member": {
                "chat": chat,
                "from": user | {"is_bot": False},
                "date": 0,
                "old_chat_member": {"status": "member", "user": user | {"is_bot": False}},
                "new_chat_member": {
                    "status": "kicked",
                    "user": user | {"is_bot": False},
                    "until_date": 0,
                },
            }
        }
    query: dict[str, Any] = {
        "id": str(fuzz.random.randint(1, 10**12)),
        "from": user | {"is_bot": False},
        "chat_instance": "ci",
        "data": fuzz.pick(
            (
                "b:",
                "consent:",
                "delete:",
                "b:" + fuzz.text(max_length=60),
                fuzz.text(max_length=64),
                "",
            )
        ),
    }
    if kind == 8 and bot_message is not None:
        query["message"] = bot_message
    return {"callback_query": query}


def queue_raw(server: StandinServer, user: dict[str, Any], update: dict[str, Any]) -> None:
    """Queues ``update`` as Telegram would: from a known user, a callback with a live id."""
    world = server.world
    world.register_user(user)
    with world.cond:
        query = update.get("callback_query")
        if query is not None:
            world.callback_queries[query["id"]] = {"answered": False, "answer": None}
        world._queue_update(update)


def send_one(fuzz: Fuzz, driver: Driver, standin: StandinServer) -> str:
    """Sends one generated input; returns its kind."""
    info = user_info(fuzz)
    user = driver.user(
        info["id"],
        first_name=info["first_name"],
        username=info.get("username"),
        language_code=info.get("language_code"),
    )
    kind = fuzz.pick(
        (
            "text",
            "text",
            "text",
            "photo",
            "document",
            "voice",
            "contact",
            "forward",
            "callback",
            "malformed",
        )
    )
    if kind == "text":
        user.send_text(fuzz.text(max_length=4096))
    elif kind == "photo":
        user.send_photo(
            png_bytes(fuzz.random.randint(64, 4096), seed=fuzz.random.randint(0, 250)),
            caption=fuzz.text(max_length=1024) if fuzz.chance(0.7) else None,
        )
    elif kind == "document":
        data = bytes(fuzz.random.randint(0, 255) for _ in range(fuzz.random.randint(0, 2048)))
        user.send_document(
            data,
            filename=fuzz.text(max_length=80) or "f",
            mime_type=fuzz.pick((None, "application/pdf", "image/png", "text/x-evil", "\x00/\x00")),
            caption=fuzz.text(max_length=1024) if fuzz.chance(0.5) else None,
        )
    elif kind == "voice":
        user.send_voice(
            b"OggS" + bytes(fuzz.random.randint(0, 255) for _ in range(200)),
            duration=fuzz.pick((0, 3, 2**31)),
        )
    elif kind == "contact":
        user.share_contact(
            fuzz.pick(("+6581234567", "", "++", "1" * 60, fuzz.text(max_length=30))),
            own=fuzz.chance(0.7),
        )
    elif kind == "forward":
        origin = fuzz.pick(
            (
                {"type": "hidden_user", "sender_user_name": fuzz.text(max_length=60), "date": 0},
                {
                    "type": "user",
                    "date": 2**31,
                    "sender_user": {"id": 1, "is_bot": False, "first_name": "f"},
                },
            )
        )
        user.forward_text(fuzz.text(), origin=origin)
    else:
        with standin.world.cond:
            shown = [m for m in standin.world.bot_messages[-50:] if m["chat_id"] == info["id"]]
            message = (
                standin.world.messages.get((info["id"], shown[-1]["message_id"])) if shown else None
            )
        queue_raw(
            standin,
            info,
            malformed_update(
                fuzz, info, message if kind == "callback" or fuzz.chance(0.5) else None
            ),
        )
    return kind


def pending_updates(server: StandinServer) -> int:
    with server.world.cond:
        return len(server.world.updates)


def polling_stopped(runner: BotRunner) -> BaseException | None:
    """The exception that ended the bot's polling loop, if it ended (python-telegram-bot's
    retry loop stops for good on any exception but a TelegramError)."""
    updater = runner.application.updater if runner.application is not None else None
    task = getattr(updater, "_Updater__polling_task", None)
    if task is None or not task.done() or task.cancelled():
        return None
    return task.exception()


def bot_idle(runner: BotRunner) -> bool:
    """Whether the bot has no update queued or in its handlers."""
    application = runner.application
    return (
        application is not None
        and application.update_queue.qsize() == 0
        and application.update_processor.current_concurrent_updates == 0
    )


@pytest.fixture
def fuzz_bot(make_bot: Callable[..., BotRunner]) -> BotRunner:
    # The rate limiter would answer most fuzz input with "slow down" before any handler ran.
    return make_bot(rate_per_minute=10**6, rate_burst=10**6)


def test_no_update_breaks_the_bot(fuzz_bot: BotRunner, standin: StandinServer) -> None:
    errors = ErrorRecords()
    logging.getLogger().addHandler(errors)
    driver = Driver(standin.url)
    driver.wait_bot_ready()
    fuzz = Fuzz(fuzz_seed() + 3)
    tally = Tally("Telegram bot (through the stand-in, fake Rasa)")
    before = rss_mib()
    try:
        count = fuzz_cases()
        seeds = [fuzz.random.getrandbits(64) for _ in range(count)]
        counted = threading.Lock()
        drivers = threading.local()  # one HTTP session per sender thread

        def send(seed: int) -> None:
            if not hasattr(drivers, "driver"):
                drivers.driver = Driver(standin.url)
            kind = send_one(Fuzz(seed), drivers.driver, standin)
            with counted:
                tally.count(kind)

        with ThreadPoolExecutor(SENDERS) as senders:
            for _ in senders.map(send, seeds):
                pass
        deadline = time.monotonic() + 60 + DRAIN_SECONDS_PER_UPDATE * count
        # Until every update is taken and handled (10,000 sent by 8 threads pile up: the bot
        # works them off at Telegram's send rate, about 30 messages a second).
        quiet = 0
        while quiet < 3 and time.monotonic() < deadline:
            if (stopped := polling_stopped(fuzz_bot)) is not None:
                tally.fail("all", f"the bot stopped polling: {stopped!r}", "")
                break
            quiet = quiet + 1 if pending_updates(standin) == 0 and bot_idle(fuzz_bot) else 0
            time.sleep(0.5)
        if pending_updates(standin):
            tally.fail("all", f"{pending_updates(standin)} updates never taken", "")
        sentinel = driver.user(8_999_999, first_name="Sentinel")
        sentinel.send_text("/start")
        try:
            sentinel.wait_for("Do you agree", timeout=120)
        except Exception as error:  # noqa: BLE001 - recorded as a failure
            tally.fail("sentinel", f"the bot stopped answering: {error}", "/start")
    finally:
        logging.getLogger().removeHandler(errors)
    for record in errors.records:
        tally.fail(
            "log",
            f"{record.name}: {record.getMessage()} {record.exc_info and record.exc_info[1]!r}",
            "",
        )
    growth = rss_mib() - before
    tally.memory = f"test process RSS grew {growth:.0f} MiB (bound {MAX_RSS_GROWTH_MIB} MiB)"
    if growth > MAX_RSS_GROWTH_MIB:
        tally.fail("all", f"RSS grew {growth:.0f} MiB", "")
    tally.check()
