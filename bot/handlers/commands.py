"""The slash commands: /start /report /status /check /cancel /mydata /delete /language /help."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.handlers.common import ensure_reporter, language_of, relay_of, sender, services_of
from bot.rendering import send_text
from bot.state import ATTACH_WINDOW_SECONDS
from scamreport.languages import LANGUAGE_NAMES, LANGUAGES, Language
from scamreport.reference import normalise_reference
from scamreport.storage.reporter_data import StoredAboutReporter, stored_about_reporter
from scamreport.storage.repository import (
    count_evidence,
    count_reports_by_indicator,
    own_report_by_reference,
    reporter_country,
)
from scamreport.taxonomy import CHECKABLE_KINDS

logger = logging.getLogger(__name__)

# Intents the bot itself sends for a command (never typed text: the user cannot choose them).
INTENT_GREET = "/greet"
INTENT_REPORT = "/report_scam"
INTENT_CANCEL = "/cancel"
INTENT_HELP = "/help"

CONSENT_CALLBACK_YES = "consent:yes"
CONSENT_CALLBACK_NO = "consent:no"
DELETE_CALLBACK_YES = "delete:yes"
DELETE_CALLBACK_NO = "delete:no"
LANGUAGE_CALLBACK_PREFIX = "language:"


def command_argument(update: Update) -> str:
    """The text after the command word (``/check +65 8123 4567`` -> ``+65 8123 4567``)."""
    text = (update.effective_message.text if update.effective_message else None) or ""
    _, _, argument = text.partition(" ")
    return argument.strip()


async def asked_before_dropping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """With a half-done report, the assistant asks whether to drop it (True); else False."""
    user, chat_id = sender(update)
    services = services_of(context)
    if services.state(user.id).consent is False:
        return False
    if not await services.rasa.report_in_progress(services.pseudonym(user.id)):
        return False
    await relay_of(context).deliver(context.bot, user.id, chat_id, INTENT_CANCEL, keep=False)
    return True


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome, a short privacy notice, and the consent question (after asking, mid-report),
    in the reporter's language (at first, their Telegram client's)."""
    user, chat_id = sender(update)
    if await asked_before_dropping(update, context):
        return
    services = services_of(context)
    language = language_of(services, user)
    days = services.config.settings.retention_days
    await send_text(context.bot, chat_id, texts.get("welcome", language))
    await send_text(
        context.bot,
        chat_id,
        texts.get("privacy_notice", language, days=days),
        InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        texts.get("consent_yes", language), callback_data=CONSENT_CALLBACK_YES
                    )
                ],
                [
                    InlineKeyboardButton(
                        texts.get("consent_no", language), callback_data=CONSENT_CALLBACK_NO
                    )
                ],
            ]
        ),
    )


async def on_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Starts a report."""
    user, chat_id = sender(update)
    services = services_of(context)
    if services.state(user.id).consent is False:
        await send_text(
            context.bot, chat_id, texts.get("needs_consent", language_of(services, user))
        )
        return
    state = await ensure_reporter(services, user)
    state.clear_attach_target()
    await relay_of(context).deliver(context.bot, user.id, chat_id, INTENT_REPORT)


async def on_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stops the report in progress once the reporter confirms (the assistant asks); the
    files sent for it are then deleted (Relay.after_replies)."""
    user, chat_id = sender(update)
    services = services_of(context)
    state = services.state(user.id)
    state.clear_attach_target()
    await relay_of(context).deliver(context.bot, user.id, chat_id, INTENT_CANCEL)


async def on_restart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Starts over: asks first when a report is half done, else greets afresh."""
    user, chat_id = sender(update)
    if await asked_before_dropping(update, context):
        return
    services = services_of(context)
    if services.state(user.id).consent is False:
        await send_text(
            context.bot, chat_id, texts.get("needs_consent", language_of(services, user))
        )
        return
    await relay_of(context).deliver(context.bot, user.id, chat_id, INTENT_GREET, keep=False)


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The commands, then the assistant's own help (it repeats its current question)."""
    user, chat_id = sender(update)
    services = services_of(context)
    days = services.config.settings.retention_days
    await send_text(context.bot, chat_id, texts.get("help", language_of(services, user), days=days))
    if services.state(user.id).consent is not False:
        await relay_of(context).deliver(context.bot, user.id, chat_id, INTENT_HELP, keep=False)


@dataclass(frozen=True)
class StatusView:
    report_id: int
    reference: str
    status: str
    filed: datetime
    forwarded: bool
    evidence: int


def find_own_report(session: Session, *, reference: str, pseudonym: str) -> StatusView | None:
    """The report with ``reference`` if this reporter filed it (else None, never a hint)."""
    report = own_report_by_reference(session, reference=reference, pseudonym=pseudonym)
    if report is None:
        return None
    return StatusView(
        report_id=report.id,
        reference=report.reference,
        status=report.status,
        filed=report.created_at,
        forwarded=report.consent_forward,
        evidence=count_evidence(session, report_id=report.id),
    )


async def on_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The state of one of my reports; evidence sent next is added to it."""
    user, chat_id = sender(update)
    services = services_of(context)
    language = language_of(services, user)
    typed = command_argument(update)
    if not typed:
        await send_text(context.bot, chat_id, texts.get("status_usage", language))
        return
    reference = normalise_reference(typed)
    state = services.state(user.id)
    pseudonym = state.conversation.pseudonym
    view = None
    if reference is not None:
        view = await services.db(
            lambda session: find_own_report(session, reference=reference, pseudonym=pseudonym)
        )
    if view is None:
        not_found = texts.get("status_not_found", language, reference=typed[:40])
        await send_text(context.bot, chat_id, not_found)
        return
    state.attach_to(view.report_id, view.reference, services.clock())
    forwarding = "status_forwarded" if view.forwarded else "status_not_forwarded"
    await send_text(
        context.bot,
        chat_id,
        texts.get(
            "status_reply",
            language,
            reference=view.reference,
            filed=texts.date(view.filed, language),
            status=texts.status_description(view.status, language),
            forwarding=texts.get(forwarding, language),
            evidence=view.evidence,
            minutes=ATTACH_WINDOW_SECONDS // 60,
        ),
    )


def checkable_indicators(text: str, country: str | None) -> list[tuple[str, str]]:
    """The indicators in ``text`` that /check can look up, in their normal form."""
    from scamreport.extraction.extractor import extract_indicators

    found: list[tuple[str, str]] = []
    for kind, value in extract_indicators(text, country).items():
        if kind in CHECKABLE_KINDS and (kind, value) not in found:
            found.append((kind, value))
    return found


async def on_check(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How many reports name a phone number, link, e-mail, account or wallet."""
    user, chat_id = sender(update)
    services = services_of(context)
    language = language_of(services, user)
    value = command_argument(update)
    if not value:
        await send_text(context.bot, chat_id, texts.get("check_usage", language))
        return
    pseudonym = services.pseudonym(user.id)
    country = await services.db(lambda session: reporter_country(session, pseudonym=pseudonym))
    indicators = await asyncio.to_thread(checkable_indicators, value[:2000], country)
    if not indicators:
        await send_text(context.bot, chat_id, texts.get("check_nothing_found", language))
        return

    def count(session: Session) -> list[tuple[str, str, int]]:
        return [
            (kind, found, count_reports_by_indicator(session, kind=kind, value=found))
            for kind, found in indicators[:10]
        ]

    lines = [
        texts.get(
            "check_line",
            language,
            label=texts.indicator_label(kind, language),
            value=found,
            count=texts.report_count(number, language),
        )
        for kind, found, number in await services.db(count)
    ]
    caveat = texts.get("check_caveat", language)
    await send_text(context.bot, chat_id, "\n".join([*lines, "", caveat]))


def describe_stored(stored: StoredAboutReporter, pseudonym: str, language: str) -> str:
    def say(key: str, **values: object) -> str:
        return texts.get(key, language, **values)

    lines = [say("mydata_intro")]
    if stored.telegram_user_id is not None:
        name = say("mydata_username", username=stored.telegram_username)
        lines.append(
            say(
                "mydata_telegram",
                user_id=stored.telegram_user_id,
                username=name if stored.telegram_username else "",
            )
        )
    lines.append(say("mydata_pseudonym", code=pseudonym[:12]))
    lines.append(
        say("mydata_phone", phone=stored.contact_phone)
        if stored.contact_phone
        else say("mydata_no_phone")
    )
    if stored.language in LANGUAGES:
        lines.append(say("mydata_language", language=LANGUAGE_NAMES[stored.language]))  # type: ignore[index]
    if stored.reports:
        counted = texts.report_count(len(stored.reports), language)
        lines.append(say("mydata_reports", reports=counted[:1].upper() + counted[1:]))
        lines.extend(
            say(
                "mydata_report_line",
                reference=report.reference,
                status=texts.status_description(report.status, language),
                filed=texts.date(report.filed, language),
                evidence=report.evidence,
            )
            for report in stored.reports
        )
    else:
        lines.append(say("mydata_no_reports"))
    if stored.drafts:
        lines.append(say("mydata_drafts", count=stored.drafts))
    if stored.kept_messages:
        lines.append(say("mydata_kept_messages", count=stored.kept_messages))
    if stored.notifications:
        lines.append(say("mydata_notifications", count=stored.notifications))
    lines.extend(["", say("mydata_closing")])
    return "\n".join(lines)


async def on_mydata(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What is stored about me."""
    user, chat_id = sender(update)
    services = services_of(context)
    language = language_of(services, user)
    pseudonym = services.pseudonym(user.id)
    stored = await services.db(lambda session: stored_about_reporter(session, pseudonym=pseudonym))
    if stored is None:
        await send_text(context.bot, chat_id, texts.get("mydata_nothing", language))
        return
    await send_text(context.bot, chat_id, describe_stored(stored, pseudonym, language))


async def on_delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Asks before erasing my personal data."""
    user, chat_id = sender(update)
    language = language_of(services_of(context), user)
    await send_text(
        context.bot,
        chat_id,
        texts.get("delete_confirm", language),
        InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        texts.get("delete_yes", language), callback_data=DELETE_CALLBACK_YES
                    )
                ],
                [
                    InlineKeyboardButton(
                        texts.get("delete_no", language), callback_data=DELETE_CALLBACK_NO
                    )
                ],
            ]
        ),
    )


def language_keyboard(languages: tuple[Language, ...] = LANGUAGES) -> InlineKeyboardMarkup:
    """One button per language, each named in its own language."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    LANGUAGE_NAMES[language], callback_data=f"{LANGUAGE_CALLBACK_PREFIX}{language}"
                )
            ]
            for language in languages
        ]
    )


async def on_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Asks which language to write in (bot.handlers.callbacks.on_language_choice)."""
    user, chat_id = sender(update)
    language = language_of(services_of(context), user)
    await send_text(
        context.bot, chat_id, texts.get("language_prompt", language), language_keyboard()
    )
