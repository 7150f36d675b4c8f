"""The slash commands: /start /report /status /check /cancel /mydata /delete /help."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.handlers.common import ensure_reporter, relay_of, sender, services_of
from bot.rendering import send_text
from bot.state import ATTACH_WINDOW_SECONDS
from scamreport.reference import normalise_reference
from scamreport.storage.drafts import pending_evidence_of
from scamreport.storage.models import Evidence, Notification, PendingMessage, Reporter
from scamreport.storage.repository import (
    count_reports_by_indicator,
    get_report_by_reference,
    reporter_country,
    reports_of_reporter,
)

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
    """Welcome, a short privacy notice, and the consent question (after asking, mid-report)."""
    _, chat_id = sender(update)
    if await asked_before_dropping(update, context):
        return
    await send_text(context.bot, chat_id, texts.WELCOME)
    await send_text(
        context.bot,
        chat_id,
        texts.PRIVACY_NOTICE.format(days=services_of(context).config.settings.retention_days),
        InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(texts.CONSENT_YES, callback_data=CONSENT_CALLBACK_YES)],
                [InlineKeyboardButton(texts.CONSENT_NO, callback_data=CONSENT_CALLBACK_NO)],
            ]
        ),
    )


async def on_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Starts a report."""
    user, chat_id = sender(update)
    services = services_of(context)
    if services.state(user.id).consent is False:
        await send_text(context.bot, chat_id, texts.NEEDS_CONSENT)
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
    if services_of(context).state(user.id).consent is False:
        await send_text(context.bot, chat_id, texts.NEEDS_CONSENT)
        return
    await relay_of(context).deliver(context.bot, user.id, chat_id, INTENT_GREET, keep=False)


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The commands, then the assistant's own help (it repeats its current question)."""
    user, chat_id = sender(update)
    days = services_of(context).config.settings.retention_days
    await send_text(context.bot, chat_id, texts.HELP.format(days=days))
    if services_of(context).state(user.id).consent is not False:
        await relay_of(context).deliver(context.bot, user.id, chat_id, INTENT_HELP, keep=False)


@dataclass(frozen=True)
class StatusView:
    report_id: int
    reference: str
    status: str
    filed: str
    forwarded: bool
    evidence: int


def find_own_report(session: Session, *, reference: str, pseudonym: str) -> StatusView | None:
    """The report with ``reference`` if this reporter filed it (else None, never a hint)."""
    report = get_report_by_reference(session, reference=reference)
    if report is None or report.reporter is None or report.reporter.pseudonym != pseudonym:
        return None
    evidence = session.scalar(
        select(func.count()).select_from(Evidence).where(Evidence.report_id == report.id)
    )
    return StatusView(
        report_id=report.id,
        reference=report.reference,
        status=report.status,
        filed=report.created_at.strftime("%d %B %Y"),
        forwarded=report.consent_forward,
        evidence=int(evidence or 0),
    )


async def on_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The state of one of my reports; evidence sent next is added to it."""
    user, chat_id = sender(update)
    services = services_of(context)
    typed = command_argument(update)
    if not typed:
        await send_text(context.bot, chat_id, texts.STATUS_USAGE)
        return
    reference = normalise_reference(typed)
    state = services.state(user.id)
    pseudonym = state.conversation.sender_id
    view = None
    if reference is not None:
        view = await services.db(
            lambda session: find_own_report(session, reference=reference, pseudonym=pseudonym)
        )
    if view is None:
        await send_text(context.bot, chat_id, texts.STATUS_NOT_FOUND.format(reference=typed[:40]))
        return
    state.attach_to(view.report_id, view.reference, services.clock())
    await send_text(
        context.bot,
        chat_id,
        texts.STATUS_REPLY.format(
            reference=view.reference,
            filed=view.filed,
            status=texts.STATUS_DESCRIPTIONS.get(view.status, view.status),
            forwarding=texts.STATUS_FORWARDED if view.forwarded else texts.STATUS_NOT_FORWARDED,
            evidence=view.evidence,
            minutes=ATTACH_WINDOW_SECONDS // 60,
        ),
    )


def checkable_indicators(text: str, country: str | None) -> list[tuple[str, str]]:
    """The indicators in ``text`` that /check can look up, in their normal form."""
    from scamreport.extraction.extractor import extract_indicators

    found: list[tuple[str, str]] = []
    for kind, value in extract_indicators(text, country).items():
        if kind in texts.INDICATOR_LABELS and (kind, value) not in found:
            found.append((kind, value))
    return found


def plural_reports(count: int) -> str:
    return "no reports" if count == 0 else ("1 report" if count == 1 else f"{count} reports")


async def on_check(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How many reports name a phone number, link, e-mail, account or wallet."""
    user, chat_id = sender(update)
    services = services_of(context)
    value = command_argument(update)
    if not value:
        await send_text(context.bot, chat_id, texts.CHECK_USAGE)
        return
    pseudonym = services.pseudonym(user.id)
    country = await services.db(lambda session: reporter_country(session, pseudonym=pseudonym))
    indicators = await asyncio.to_thread(checkable_indicators, value[:2000], country)
    if not indicators:
        await send_text(context.bot, chat_id, texts.CHECK_NOTHING_FOUND)
        return

    def count(session: Session) -> list[tuple[str, str, int]]:
        return [
            (kind, found, count_reports_by_indicator(session, kind=kind, value=found))
            for kind, found in indicators[:10]
        ]

    lines = [
        texts.CHECK_LINE.format(
            label=texts.INDICATOR_LABELS[kind], value=found, count=plural_reports(number)
        )
        for kind, found, number in await services.db(count)
    ]
    await send_text(context.bot, chat_id, "\n".join([*lines, "", texts.CHECK_CAVEAT]))


@dataclass(frozen=True)
class StoredAboutMe:
    telegram_user_id: int | None
    telegram_username: str | None
    contact_phone: str | None
    reports: list[tuple[str, str, str, int]]
    drafts: int
    kept_messages: int
    notifications: int


def stored_about(session: Session, *, pseudonym: str) -> StoredAboutMe | None:
    reporter = session.scalars(select(Reporter).where(Reporter.pseudonym == pseudonym)).first()
    drafts = len(pending_evidence_of(session, conversation_id=pseudonym))
    kept = (
        session.scalar(
            select(func.count())
            .select_from(PendingMessage)
            .where(PendingMessage.conversation_id == pseudonym)
        )
        or 0
    )
    if reporter is None and not drafts and not kept:
        return None
    reports = []
    for report in reports_of_reporter(session, pseudonym=pseudonym):
        evidence = session.scalar(
            select(func.count()).select_from(Evidence).where(Evidence.report_id == report.id)
        )
        reports.append(
            (
                report.reference,
                report.status,
                report.created_at.strftime("%d %B %Y"),
                int(evidence or 0),
            )
        )
    notifications = 0
    if reporter is not None:
        notifications = (
            session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.reporter_id == reporter.id, Notification.status == "pending")
            )
            or 0
        )
    return StoredAboutMe(
        telegram_user_id=reporter.telegram_user_id if reporter else None,
        telegram_username=reporter.telegram_username if reporter else None,
        contact_phone=reporter.contact_phone if reporter else None,
        reports=reports,
        drafts=drafts,
        kept_messages=int(kept),
        notifications=int(notifications),
    )


def describe_stored(stored: StoredAboutMe, pseudonym: str) -> str:
    lines = ["Here is what I store about you:"]
    if stored.telegram_user_id is not None:
        name = f", username @{stored.telegram_username}" if stored.telegram_username else ""
        lines.append(
            f"• Your Telegram account (user id {stored.telegram_user_id}{name}), kept only to "
            "send you updates about your reports."
        )
    lines.append(
        f"• A pseudonymous code used instead of your Telegram id everywhere else: {pseudonym[:12]}…"
    )
    lines.append(
        f"• A phone number you shared: {stored.contact_phone}"
        if stored.contact_phone
        else "• No phone number."
    )
    if stored.reports:
        lines.append(
            f"• {plural_reports(len(stored.reports)).capitalize()} you filed, with "
            "what you told me in them and the conversation transcript:"
        )
        lines.extend(
            f"   – {reference}: {texts.STATUS_DESCRIPTIONS.get(status, status)}, filed {filed}, "
            f"{evidence} evidence item(s)"
            for reference, status, filed, evidence in stored.reports
        )
    else:
        lines.append("• No filed reports.")
    if stored.drafts:
        lines.append(
            f"• {stored.drafts} file(s) or forwarded message(s) waiting for the report "
            "you are making."
        )
    if stored.kept_messages:
        lines.append(f"• {stored.kept_messages} message(s) kept until the assistant can read them.")
    if stored.notifications:
        lines.append(f"• {stored.notifications} status update(s) waiting to be sent to you.")
    lines.append(
        "\nThe assistant also keeps the conversation you are having now. Send /delete "
        "to erase your personal data."
    )
    return "\n".join(lines)


async def on_mydata(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What is stored about me."""
    user, chat_id = sender(update)
    services = services_of(context)
    pseudonym = services.pseudonym(user.id)
    stored = await services.db(lambda session: stored_about(session, pseudonym=pseudonym))
    if stored is None:
        await send_text(context.bot, chat_id, texts.MYDATA_NOTHING)
        return
    await send_text(context.bot, chat_id, describe_stored(stored, pseudonym))


async def on_delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Asks before erasing my personal data."""
    _, chat_id = sender(update)
    await send_text(
        context.bot,
        chat_id,
        texts.DELETE_CONFIRM,
        InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(texts.DELETE_YES, callback_data=DELETE_CALLBACK_YES)],
                [InlineKeyboardButton(texts.DELETE_NO, callback_data=DELETE_CALLBACK_NO)],
            ]
        ),
    )
