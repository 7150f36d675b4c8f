"""Turning Rasa's replies into Telegram messages.

Text is always sent without ``parse_mode``: replies quote what the reporter typed (a scam
link, a name with underscores), and Telegram must show it as it is, never read it as markup.
Long text is split under Telegram's 4,096-character limit (counted, like Telegram, in UTF-16
code units) at paragraph, line or word boundaries. Buttons become an inline keyboard whose
callback data names the offer and the button's position, never the payload itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import unicodedata
from collections.abc import AsyncIterator, Sequence

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot import texts
from bot.api_budget import spare_for_chat_actions
from bot.rasa_client import Button, Reply
from bot.state import ChatState
from scamreport.languages import DEFAULT_LANGUAGE

logger = logging.getLogger(__name__)

MAX_MESSAGE_UTF16 = 4096
# Between two of Rasa's replies sent as one message.
PARAGRAPH = "\n\n"
BUTTON_CALLBACK_PREFIX = "b"
# Telegram shows "typing…" for about 5 seconds per chat action.
TYPING_REFRESH_SECONDS = 4.0
# "typing…" only for an answer slower than this: most turns are answered in well under a
# second, and a chat action before each of them was one of every three Bot API calls (issue 13).
TYPING_DELAY_SECONDS = 1.0

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts (a lone surrogate, which a client can
    send, is one unit)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _fits(text: str, limit: int) -> int:
    """The largest prefix length (in code points) of ``text`` within ``limit`` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _safe_cut(text: str, cut: int) -> int:
    """Moves a hard cut back so it does not separate a character from its combining marks,
    a zero-width joiner sequence or a variation selector."""
    while 0 < cut < len(text) and (
        unicodedata.combining(text[cut])
        or text[cut] in "\u200d\ufe0e\ufe0f"
        or text[cut - 1] == "\u200d"
        or 0x1F3FB <= ord(text[cut]) <= 0x1F3FF
    ):
        cut -= 1
    return cut


def split_text(text: str, limit: int = MAX_MESSAGE_UTF16) -> list[str]:
    """``text`` in pieces Telegram accepts, in order; nothing but whitespace at cuts is lost."""
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        if utf16_length(rest) <= limit:
            pieces.append(rest)
            break
        window = _fits(rest, limit)
        head = rest[:window]
        cut = -1
        for separator in ("\n\n", "\n", ". ", "! ", "? ", " "):
            position = head.rfind(separator)
            # A cut in the first quarter would leave a tiny piece: look for a later boundary.
            if position > window // 4:
                cut = position + (len(separator) if separator.strip() else 0)
                break
        if cut <= 0:
            cut = _safe_cut(rest, window) or window
        piece, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if piece:
            pieces.append(piece)
    return pieces


def button_callback_data(nonce: str, index: int) -> str:
    return f"{BUTTON_CALLBACK_PREFIX}:{nonce}:{index}"


def parse_button_callback(data: str) -> tuple[str, int] | None:
    prefix, _, rest = data.partition(":")
    nonce, _, index = rest.partition(":")
    if prefix != BUTTON_CALLBACK_PREFIX or not nonce or not index.isdigit():
        return None
    return nonce, int(index)


def inline_keyboard(
    nonce: str, buttons: Sequence[Button], first_index: int
) -> InlineKeyboardMarkup:
    """One button per row: Rasa's titles are sentences, too long to sit side by side."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    button.title or button.payload,
                    callback_data=button_callback_data(nonce, first_index + i),
                )
            ]
            for i, button in enumerate(buttons)
        ]
    )


def contact_keyboard(language: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(texts.get("share_phone_button", language), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def send_text(
    bot: Bot,
    chat_id: int,
    text: str,
    reply_markup: ReplyMarkup | None = None,
    *,
    language: str = DEFAULT_LANGUAGE,
) -> list[Message]:
    """Sends ``text`` as plain text in as many messages as it needs; the markup goes on the last
    (under an empty text, "Please choose:" in ``language``)."""
    pieces = split_text(text) or [texts.get("choose_prompt", language)]
    sent: list[Message] = []
    for number, piece in enumerate(pieces, start=1):
        markup = reply_markup if number == len(pieces) else None
        sent.append(await bot.send_message(chat_id=chat_id, text=piece, reply_markup=markup))
    return sent


async def remove_inline_keyboard(bot: Bot, chat_id: int, message_id: int) -> None:
    """Takes the keyboard off a message; an already bare message is fine."""
    try:
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=None
        )
    except TelegramError as error:
        logger.debug("could not remove the keyboard of message %s: %s", message_id, error)


def asks_for_phone(text: str | None) -> bool:
    """Whether a reply is the assistant's utter_ask_contact_phone, which names the share-contact
    button in its language (the text ``share_phone_marker``): the bot then offers it."""
    return any(
        marker in (text or "") for marker in texts.in_every_language("share_phone_marker").values()
    )


def merged_replies(replies: Sequence[Reply]) -> list[Reply]:
    """``replies`` with each run of consecutive texts made one (paragraphs, in order), the
    buttons of the run's last reply under it.

    Telegram takes about 30 messages a second from a bot across all its chats: a turn of three
    replies sent as three messages was three of them (issue 13). A reply with an image or a
    custom payload stays apart, as does any reply after one with buttons (they belong under
    the text they answer), and a run stops before it would need splitting."""
    merged: list[Reply] = []
    for reply in replies:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.text
            and not (last.buttons or last.image or last.custom)
            and not (reply.image or reply.custom)
            and (reply.text or reply.buttons)
        ):
            text = f"{last.text}{PARAGRAPH}{reply.text}" if reply.text else last.text
            if utf16_length(text) <= MAX_MESSAGE_UTF16:
                merged[-1] = Reply(text=text, buttons=reply.buttons)
                continue
        merged.append(reply)
    return merged


async def render_replies(bot: Bot, chat_id: int, state: ChatState, replies: list[Reply]) -> None:
    """Sends Rasa's ``replies`` in order: text, images, buttons and the share-contact keyboard,
    consecutive texts as one message (merged_replies)."""
    old_keyboards = list(state.offer_message_ids)
    nonce = state.offer(replies)
    replies = merged_replies(replies)
    if nonce is not None:
        for message_id in old_keyboards:
            await remove_inline_keyboard(bot, chat_id, message_id)
    language = state.language or DEFAULT_LANGUAGE
    asks_phone = any(asks_for_phone(reply.text) for reply in replies)
    button_index = 0
    for reply in replies:
        if reply.image:
            try:
                await bot.send_photo(chat_id=chat_id, photo=reply.image)
            except TelegramError as error:
                logger.info("could not send an image as a photo (%s); sending its address", error)
                await send_text(bot, chat_id, reply.image)
        if not reply.text and not reply.buttons:
            continue
        markup: ReplyMarkup | None = None
        if reply.buttons and nonce is not None:
            markup = inline_keyboard(nonce, reply.buttons, button_index)
            button_index += len(reply.buttons)
        elif asks_phone and asks_for_phone(reply.text):
            markup = contact_keyboard(language)
            state.contact_keyboard_shown = True
        elif state.contact_keyboard_shown and not asks_phone:
            markup = ReplyKeyboardRemove()
            state.contact_keyboard_shown = False
        sent = await send_text(
            bot, chat_id, reply.text or texts.get("choose_prompt", language), markup
        )
        if isinstance(markup, InlineKeyboardMarkup):
            state.offer_message_ids.append(sent[-1].message_id)


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Shows "typing…" in the chat once the block has run TYPING_DELAY_SECONDS, and keeps
    showing it until the block ends, except while the bot is short of Bot API budget (replies
    come first: bot/api_budget.py)."""

    async def show() -> None:
        if not spare_for_chat_actions(bot):
            return
        try:
            await bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
        except TelegramError as error:
            logger.debug("chat action failed: %s", error)

    async def keep_typing() -> None:
        await asyncio.sleep(TYPING_DELAY_SECONDS)
        while True:
            await show()
            await asyncio.sleep(TYPING_REFRESH_SECONDS)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
