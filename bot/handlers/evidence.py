"""Photos, screenshots, documents and forwarded messages: kept as evidence for a report.

Evidence goes to the report named by a recent /status REF, else to the report in progress
(a draft claimed when the report is filed). Refused files get a clear, kind message.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session
from telegram import (
    Message,
    MessageOrigin,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.evidence_store import (
    MAX_EVIDENCE_BYTES,
    EvidenceRefused,
    check_declared,
    save_evidence,
    sniff_mime_type,
)
from bot.handlers.common import ensure_reporter, language_of, sender, services_of
from bot.inbox import masked_by_inbox
from bot.rendering import send_text
from bot.services import BotServices
from scamreport.channel import without_unencodable
from scamreport.extraction.screenshots import OCR_MIME_TYPES, read_image_text
from scamreport.sensitive import mask_secrets
from scamreport.storage.drafts import add_pending_evidence
from scamreport.storage.records import NewEvidence
from scamreport.storage.repository import add_evidence, own_report

logger = logging.getLogger(__name__)

FORWARDED_TEXT_FILENAME = "forwarded-message.txt"


@dataclass(frozen=True)
class Incoming:
    """The part of a message to keep, before it is downloaded."""

    kind: str
    description: str
    file_id: str | None = None
    filename: str | None = None
    declared_mime: str | None = None
    declared_size: int | None = None
    text: str | None = None


def forwarded_from(origin: MessageOrigin) -> str:
    """Who the forwarded message came from, as precisely as Telegram says."""
    if isinstance(origin, MessageOriginUser):
        sender = origin.sender_user
        handle = f"@{sender.username}, " if sender.username else ""
        described = f"{sender.full_name} ({handle}Telegram user id {sender.id})"
    elif isinstance(origin, MessageOriginHiddenUser):
        described = f"{origin.sender_user_name} (account hidden by its owner)"
    elif isinstance(origin, MessageOriginChat):
        chat = origin.sender_chat
        described = f"{chat.title or 'a chat'}" + (f" (@{chat.username})" if chat.username else "")
        if origin.author_signature:
            described += f", signed {origin.author_signature}"
    elif isinstance(origin, MessageOriginChannel):
        chat = origin.chat
        described = f"channel {chat.title or ''}" + (
            f" (@{chat.username})" if chat.username else ""
        )
        described += f", message {origin.message_id}"
    else:
        described = "unknown sender"
    return described[:255]


def what_to_keep(message: Message, language: str) -> Incoming | None:
    """What to keep of ``message``, described in ``language`` for the reply."""
    forwarded = message.forward_origin is not None
    if message.photo:
        largest = max(message.photo, key=lambda p: (p.file_size or 0, p.width * p.height))
        return Incoming(
            kind="forwarded_message" if forwarded else "photo",
            description=texts.get(
                "evidence_forwarded_photo" if forwarded else "evidence_your_photo", language
            ),
            file_id=largest.file_id,
            declared_mime="image/jpeg",
            declared_size=largest.file_size,
        )
    if message.document:
        document = message.document
        name = document.file_name
        return Incoming(
            kind="forwarded_message" if forwarded else "document",
            # Echoed in the reply: a lone surrogate in the name could not be sent.
            description=texts.get("evidence_named_file", language, name=without_unencodable(name))
            if name
            else texts.get("evidence_your_file", language),
            file_id=document.file_id,
            filename=name,
            declared_mime=document.mime_type,
            declared_size=document.file_size,
        )
    if forwarded and message.text:
        return Incoming(
            kind="forwarded_message",
            description=texts.get("evidence_forwarded_message", language),
            filename=FORWARDED_TEXT_FILENAME,
            text=message.text,
        )
    return None


async def download(context: ContextTypes.DEFAULT_TYPE, incoming: Incoming) -> bytes:
    if incoming.text is not None:
        return incoming.text.encode("utf-8", "replace")  # a lone surrogate becomes "?"
    assert incoming.file_id is not None
    try:
        telegram_file = await context.bot.get_file(incoming.file_id)
    except BadRequest as error:
        if "too big" in str(error).lower():
            raise EvidenceRefused("too_big", "Telegram refused the download") from error
        raise
    if telegram_file.file_size and telegram_file.file_size > MAX_EVIDENCE_BYTES:
        raise EvidenceRefused("too_big", f"{telegram_file.file_size} bytes")
    return bytes(await telegram_file.download_as_bytearray())


def attach(
    session: Session, *, pseudonym: str, evidence: NewEvidence, report_id: int | None
) -> str | None:
    """Adds ``evidence`` to the reporter's report ``report_id`` when it is still theirs (returns
    its reference), else keeps it as a draft of the report in progress (returns None)."""
    if report_id is not None:
        report = own_report(session, report_id=report_id, pseudonym=pseudonym)
        if report is not None:
            add_evidence(session, report_id=report.id, evidence=evidence)
            return report.reference
    add_pending_evidence(session, pseudonym=pseudonym, evidence=evidence)
    return None


def refusal_text(error: EvidenceRefused, language: str) -> str:
    if error.reason == "too_big":
        return texts.get("evidence_too_big", language)
    if error.reason == "empty":
        return texts.get("evidence_empty", language)
    if error.reason == "unsafe":
        return texts.get("evidence_unsafe", language)
    return texts.get("evidence_wrong_type", language)


def encodable(text: str | None) -> str | None:
    """``text`` with lone surrogates (which no database can store) replaced by "?"."""
    return None if text is None else text.encode("utf-8", "replace").decode("utf-8")


async def read_screenshot(data: bytes, mime_type: str) -> str | None:
    """The text in an image, read by OCR on a worker thread (Tesseract takes about a second,
    at most scamreport.extraction.screenshots.OCR_TIMEOUT_SECONDS); None for other files, or
    when nothing could be read: the evidence is kept all the same."""
    if mime_type not in OCR_MIME_TYPES:
        return None
    try:
        return await asyncio.to_thread(read_image_text, data)
    except Exception as error:  # reading the text is a bonus; keeping the file is not
        logger.warning("screenshot not read: %s", type(error).__name__)
        return None


async def keep_evidence(
    services: BotServices,
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    incoming: Incoming,
    pseudonym: str,
    report_id: int | None,
) -> tuple[str | None, bool, bool]:
    """Checks, downloads, stores and records one item, with the text OCR reads in an image;
    returns (report reference or None, whether a secret was hidden, whether text was read).
    Raises EvidenceRefused."""
    check_declared(
        filename=incoming.filename, mime_type=incoming.declared_mime, size=incoming.declared_size
    )
    data = await download(context, incoming)
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceRefused("too_big", f"{len(data)} bytes")
    # Codes, PINs, passwords and card numbers are never stored in clear (a forwarded bank
    # SMS often carries a one-time code).
    caption = incoming.text if incoming.text is not None else message.caption
    # Masked once, by the inbox when the update came; here only when it did not.
    masked = (masked_by_inbox(caption) or mask_secrets(caption)) if caption else None
    hidden = bool(masked and masked.found)
    if masked is not None:
        caption = masked.masked_text
        if incoming.text is not None:
            data = masked.masked_text.encode("utf-8", "replace")
    mime_type = sniff_mime_type(data, filename=incoming.filename)
    blob = await asyncio.to_thread(
        save_evidence, services.evidence, data, mime_type=mime_type, filename=incoming.filename
    )
    ocr_text = await read_screenshot(data, mime_type)
    origin = message.forward_origin
    forwarded_date: datetime | None = origin.date if origin is not None else None
    evidence = NewEvidence(
        sha256=blob.sha256,
        size_bytes=blob.size_bytes,
        mime_type=mime_type,
        kind=incoming.kind,
        filename=encodable(incoming.filename[:255]) if incoming.filename else None,
        storage_path=blob.storage_path,
        caption=encodable(caption) or None,
        forwarded_from=encodable(forwarded_from(origin)) if origin is not None else None,
        forwarded_date=forwarded_date,
        # An image is stored without its metadata; sha256 stays the hash of what was sent.
        stored_sha256=blob.stored_sha256,
        ocr_text=ocr_text,
    )
    reference = await services.db(
        lambda session: attach(session, pseudonym=pseudonym, evidence=evidence, report_id=report_id)
    )
    return reference, hidden, bool(ocr_text)


async def on_evidence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keeps a photo, a document or a forwarded message for the reporter's report."""
    user, chat_id = sender(update)
    message = update.effective_message
    services = services_of(context)
    if message is None:
        return
    language = language_of(services, user)
    incoming = what_to_keep(message, language)
    if incoming is None:
        await send_text(context.bot, chat_id, texts.get("unsupported_message", language))
        return
    state = services.state(user.id)
    if state.consent is False:
        await send_text(context.bot, chat_id, texts.get("needs_consent", language))
        return
    await ensure_reporter(services, user)
    target = state.attach_target(services.clock())
    try:
        reference, hidden, text_read = await keep_evidence(
            services,
            context,
            message,
            incoming,
            state.conversation.pseudonym,
            target[0] if target else None,
        )
    except EvidenceRefused as error:
        logger.info("refused evidence from %s…: %s", state.conversation.pseudonym[:8], error)
        await send_text(context.bot, chat_id, refusal_text(error, language))
        return
    except TelegramError as error:
        logger.warning("could not download evidence: %s", error)
        await send_text(context.bot, chat_id, texts.get("evidence_failed", language))
        return
    if target is not None and reference is None:
        state.clear_attach_target()
    album = message.media_group_id
    if album is not None and album == state.last_media_group:
        return
    state.last_media_group = album
    note = texts.get("evidence_saved_album_note", language) if album else ""
    if reference is not None:
        text = texts.get(
            "evidence_saved_report", language, what=incoming.description, reference=reference
        )
    else:
        text = texts.get("evidence_saved_draft", language, what=incoming.description)
        if text_read:
            text += texts.get("evidence_text_read_note", language)
    hidden_note = "\n\n" + texts.get("evidence_secret_hidden", language) if hidden else ""
    await send_text(context.bot, chat_id, text + note + hidden_note)
