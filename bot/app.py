"""The Application: the Bot API client, the handlers and the background tasks, wired here."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.ext import (
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import texts
from bot.api_budget import BudgetedRateLimiter
from bot.handlers import callbacks, commands, contact, errors, evidence, guard, messages
from bot.handlers.common import RELAY_KEY
from bot.inbox import Inbox, InboxQueue
from bot.outbox import run_outbox
from bot.relay import Relay
from bot.services import SERVICES_KEY, BotServices
from bot.state import UserLocks
from scamreport import metrics
from scamreport.languages import DEFAULT_LANGUAGE, LANGUAGES

logger = logging.getLogger(__name__)

TASKS_KEY = "background_tasks"
INBOX_KEY = "inbox"
# Retries after Telegram's 429 "retry after N" flood-control answers (the limiter waits N s).
FLOOD_RETRIES = 3


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Users are served concurrently; one user's updates one at a time, in arrival order.

    The lock is taken before the first await of each update's task, and tasks start in
    arrival order, so asyncio's FIFO lock keeps each user's messages in order. Once the
    handlers are done, the update is marked handled in the inbox (bot/inbox.py).
    """

    def __init__(self, locks: UserLocks, inbox: Inbox, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self.locks = locks
        self.inbox = inbox

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        started = time.monotonic()
        user = update.effective_user if isinstance(update, Update) else None
        with self.inbox.handling(update):
            if user is None:
                await coroutine
            else:
                async with self.locks.lock(user.id):
                    await coroutine
        if isinstance(update, Update):
            metrics.observe_turn(time.monotonic() - started)  # the reply is sent by now
            await self.inbox.handled(update.update_id)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def add_handlers(application: Application) -> None:
    """Every handler, in the order they are tried."""
    application.add_handler(TypeHandler(Update, guard.guard), group=-1)
    new_messages = filters.UpdateType.MESSAGE
    for name, callback in (
        ("start", commands.on_start),
        ("report", commands.on_report),
        ("status", commands.on_status),
        ("check", commands.on_check),
        ("cancel", commands.on_cancel),
        ("restart", commands.on_restart),
        ("mydata", commands.on_mydata),
        ("delete", commands.on_delete),
        ("language", commands.on_language),
        ("help", commands.on_help),
    ):
        application.add_handler(CommandHandler(name, callback, filters=new_messages))
    application.add_handler(CallbackQueryHandler(callbacks.on_consent, pattern=r"^consent:"))
    application.add_handler(CallbackQueryHandler(callbacks.on_delete_answer, pattern=r"^delete:"))
    application.add_handler(
        CallbackQueryHandler(callbacks.on_language_choice, pattern=r"^language:")
    )
    application.add_handler(CallbackQueryHandler(callbacks.on_button, pattern=r"^b:"))
    application.add_handler(MessageHandler(new_messages & filters.CONTACT, contact.on_contact))
    application.add_handler(
        MessageHandler(
            new_messages
            & (filters.PHOTO | filters.Document.ALL | (filters.FORWARDED & filters.TEXT)),
            evidence.on_evidence,
        )
    )
    application.add_handler(MessageHandler(new_messages & filters.TEXT, messages.on_text))
    application.add_handler(
        MessageHandler(
            new_messages & ~filters.TEXT & ~filters.StatusUpdate.ALL, messages.on_unsupported
        )
    )
    application.add_error_handler(errors.on_error)


async def start_background(application: Application) -> None:
    """post_init: queues the updates a killed bot never handled (before polling fetches new
    ones), registers the commands, then starts the replayer and the outbox."""
    services: BotServices = application.bot_data[SERVICES_KEY]
    relay: Relay = application.bot_data[RELAY_KEY]
    inbox: Inbox = application.bot_data[INBOX_KEY]
    unhandled = await inbox.take_unhandled(application.bot)
    if unhandled:
        logger.info("handling %d update(s) received before a restart", len(unhandled))
    for update in unhandled:
        # Already stored: past InboxQueue.put, straight into the queue.
        application.update_queue.put_nowait(update)
    await register_commands(application)
    application.bot_data[TASKS_KEY] = [
        asyncio.create_task(relay.run_replayer(application.bot, services.config.replay_interval)),
        asyncio.create_task(run_outbox(services, application.bot, services.config.outbox_interval)),
    ]


async def register_commands(application: Application) -> None:
    """The command menu: English for every client, and in each other language for clients
    set to it (Telegram picks the menu by the user's language_code)."""
    for language in LANGUAGES:
        menu = [BotCommand(name, description) for name, description in texts.commands(language)]
        await application.bot.set_my_commands(
            menu, language_code=None if language == DEFAULT_LANGUAGE else language
        )


async def stop_background(application: Application) -> None:
    """post_stop: cancels the background tasks."""
    tasks: list[asyncio.Task[None]] = application.bot_data.pop(TASKS_KEY, [])
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def close_clients(application: Application) -> None:
    """post_shutdown: closes the Rasa client."""
    services: BotServices = application.bot_data[SERVICES_KEY]
    await services.rasa.aclose()


def bot_id_of(token: str) -> int:
    """The bot's Telegram id: the number before the colon of its token."""
    head = token.partition(":")[0]
    return int(head) if head.isdigit() else 0


def build_application(services: BotServices) -> Application:
    config = services.config
    inbox = Inbox(services, bot_id=bot_id_of(config.token))
    builder = (
        Application.builder()
        .token(config.token)
        # Each update is stored before it is confirmed to Telegram (bot/inbox.py).
        .update_queue(InboxQueue(inbox))
        .concurrent_updates(PerUserUpdateProcessor(services.locks, inbox))
        .rate_limiter(BudgetedRateLimiter(max_retries=FLOOD_RETRIES))
        # No link previews: a reply may quote a scam link, and a preview would fetch and
        # show the scam page.
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .job_queue(None)
        .post_init(start_background)
        .post_stop(stop_background)
        .post_shutdown(close_clients)
    )
    if config.api_base_url is not None and config.api_base_file_url is not None:
        builder = builder.base_url(config.api_base_url).base_file_url(config.api_base_file_url)
    application = builder.build()
    application.bot_data[SERVICES_KEY] = services
    application.bot_data[INBOX_KEY] = inbox
    application.bot_data[RELAY_KEY] = Relay(services)
    add_handlers(application)
    return application
