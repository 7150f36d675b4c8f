"""The stand-in answers like the Bot API: to python-telegram-bot, to raw HTTP, and to errors."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import requests
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter

from telegram_standin.driver import Driver, origin_hidden_user, png_bytes
from telegram_standin.server import StandinServer

TOKEN = "111:standin-test"


@pytest.fixture
def server() -> Iterator[StandinServer]:
    with StandinServer(token=TOKEN) as running:
        yield running


@pytest.fixture
def driver(server: StandinServer) -> Driver:
    return Driver(server.url)


def bot_for(server: StandinServer, token: str = TOKEN) -> Bot:
    return Bot(token, base_url=server.base_url, base_file_url=server.base_file_url)


async def test_python_telegram_bot_sees_a_bot_api(server: StandinServer, driver: Driver) -> None:
    alex = driver.user(42, first_name="Alex", username="alex")
    alex.send_text("/status SR-7K3M-9QXD")
    photo = png_bytes(5000)
    alex.send_photo(photo, caption="screenshot")
    alex.forward_text("pay now", origin=origin_hidden_user("Bank"))
    alex.share_contact("6581234567")
    async with bot_for(server) as bot:
        me = await bot.get_me()
        assert me.is_bot and me.username == "scamreport_standin_bot"
        updates = await bot.get_updates(timeout=1)
        command, photo_message, forwarded, contact = (u.message for u in updates)
        assert command.text == "/status SR-7K3M-9QXD"
        assert command.entities[0].type == "bot_command" and command.entities[0].length == 7
        assert (
            photo_message.photo[-1].file_size == len(photo)
            and photo_message.caption == "screenshot"
        )
        assert forwarded.forward_origin.sender_user_name == "Bank"
        assert contact.contact.user_id == 42 and contact.contact.phone_number == "6581234567"
        telegram_file = await bot.get_file(photo_message.photo[-1].file_id)
        assert bytes(await telegram_file.download_as_bytearray()) == photo
        # Confirmed updates are not delivered again.
        assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()


async def test_sent_messages_keyboards_and_callbacks(server: StandinServer, driver: Driver) -> None:
    alex = driver.user(42)
    alex.send_text("hi")
    async with bot_for(server) as bot:
        await bot.get_updates(timeout=0)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="b:1:0")]])
        sent = await bot.send_message(42, "Did you lose money?", reply_markup=keyboard)
        seen = alex.replies(timeout=2, quiet=0.1)
        assert [(m.body, m.buttons) for m in seen] == [("Did you lose money?", [("Yes", "b:1:0")])]
        query_id = alex.press(seen[0], "Yes")
        updates = await bot.get_updates(offset=2, timeout=1)
        query = updates[-1].callback_query
        assert (query.id, query.data, query.message.message_id) == (
            query_id,
            "b:1:0",
            sent.message_id,
        )
        assert await query.answer() is True
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await query.answer()
        await bot.edit_message_reply_markup(42, sent.message_id, reply_markup=None)
        with pytest.raises(BadRequest, match="(?i)not modified"):
            await bot.edit_message_reply_markup(42, sent.message_id, reply_markup=None)
        assert alex.message(sent.message_id).reply_markup is None
        assert driver.callback_answers()[query_id]["answered"]


async def test_telegram_limits_and_errors(server: StandinServer, driver: Driver) -> None:
    alex = driver.user(42)
    alex.send_text("hi")
    async with bot_for(server) as bot:
        with pytest.raises(BadRequest, match="(?i)too long"):
            await bot.send_message(42, "x" * 4097)
        await bot.send_message(42, "x" * 4096)
        with pytest.raises(BadRequest, match="(?i)empty"):
            await bot.send_message(42, "   ")
        with pytest.raises(BadRequest, match="(?i)reserved"):
            await bot.send_message(42, "1.5 times", parse_mode="MarkdownV2")
        with pytest.raises(BadRequest, match="(?i)parse entities"):
            await bot.send_message(42, "<script>x</script>", parse_mode="HTML")
        with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
            await bot.send_message(
                42,
                "x",
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton("x", callback_data="y" * 65)]]
                ),
            )
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(999, "who?")
        big = driver.upload(b"0" * (20 * 1024 * 1024 + 1), folder="documents", suffix=".pdf")
        with pytest.raises(BadRequest, match="(?i)too big"):
            await bot.get_file(big["file_id"])
        alex.block()
        with pytest.raises(Forbidden, match="(?i)blocked"):
            await bot.send_message(42, "hello?")
    async with bot_for(server) as bot:
        driver.flood("sendChatAction", times=1, retry_after=3)
        alex.block(False)
        with pytest.raises(RetryAfter) as flood:
            await bot.send_chat_action(42, "typing")
        assert flood.value.retry_after == 3
        assert await bot.send_chat_action(42, "typing") is True
    with pytest.raises(InvalidToken):
        async with bot_for(server, token="111:wrong") as bot:
            await bot.get_me()


async def test_uploads_arrive_as_multipart(server: StandinServer, driver: Driver) -> None:
    driver.user(42).send_text("hi")
    async with bot_for(server) as bot:
        message = await bot.send_photo(
            42, InputFile(png_bytes(300), filename="a.png"), caption="chart"
        )
        assert message.caption == "chart" and message.photo
    assert driver.user(42).replies(timeout=2, quiet=0.1)[-1].caption == "chart"


def test_raw_http_forms_json_and_unknown_methods(server: StandinServer, driver: Driver) -> None:
    driver.user(7).send_text("hi")
    api = f"{server.base_url}{TOKEN}"
    form = requests.post(
        f"{api}/sendMessage",
        data={
            "chat_id": "7",
            "text": "form",
            "reply_markup": json.dumps({"remove_keyboard": True}),
        },
    )
    assert form.json()["ok"] and form.json()["result"]["text"] == "form"
    as_json = requests.post(f"{api}/SENDMESSAGE", json={"chat_id": 7, "text": "json"})
    assert as_json.json()["result"]["text"] == "json"
    unknown = requests.post(f"{api}/sendDice", data={"chat_id": 7})
    assert unknown.status_code == 404 and unknown.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found",
    }
    unauthorised = requests.get(f"{server.base_url}000:bad/getMe")
    assert unauthorised.status_code == 401


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[str | None, dict[str, Any]]] = []
    status = 200

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Receiver.received.append((self.headers.get("X-Telegram-Bot-Api-Secret-Token"), body))
        self.send_response(Receiver.status)
        self.send_header("Content-Length", "0")
        self.end_headers()


async def test_webhook_delivery_with_the_secret(server: StandinServer, driver: Driver) -> None:
    receiver = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    Receiver.received = []
    try:
        async with bot_for(server) as bot:
            url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
            assert await bot.set_webhook(url, secret_token="s3cret-token_value")
            with pytest.raises(Conflict):
                await bot.get_updates()
            driver.user(9).send_text("via webhook")
            # The receiver sees the update before the stand-in reads its 200 and marks the
            # update delivered: wait for both.
            deadline = 50
            while (not Receiver.received or driver.webhook()["pending"]) and deadline:
                await asyncio.sleep(0.1)
                deadline -= 1
            secret, update = Receiver.received[0]
            assert secret == "s3cret-token_value"
            assert update["message"]["text"] == "via webhook"
            assert driver.webhook()["pending"] == 0
            assert await bot.delete_webhook()
            assert await bot.get_updates(timeout=0) == ()
    finally:
        receiver.shutdown()
        receiver.server_close()
