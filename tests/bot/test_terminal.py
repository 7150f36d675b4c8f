"""The terminal chat plays a Telegram user on the stand-in, with the real bot behind it."""

from __future__ import annotations

import io
import threading
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from scamreport.storage.models import PendingEvidence
from telegram_standin.driver import Driver, SentMessage, png_bytes
from telegram_standin.terminal import TerminalChat, format_message
from tests.bot.conftest import BotRunner, wait_until
from tests.bot.fake_rasa import FakeRasa


class Screen(io.StringIO):
    """What the terminal printed, safe to read while the listener thread writes."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def write(self, text: str) -> int:
        with self.lock:
            return super().write(text)

    def text(self) -> str:
        with self.lock:
            return self.getvalue()


def test_format_numbers_buttons_and_mentions_the_contact_button() -> None:
    message = SentMessage(
        seq=1,
        chat_id=1,
        message_id=1,
        method="sendMessage",
        text="Did you lose money?",
        reply_markup={
            "inline_keyboard": [
                [{"text": "Yes", "callback_data": "b:x:0"}],
                [{"text": "No", "callback_data": "b:x:1"}],
            ]
        },
    )
    assert format_message(message) == "  Did you lose money?\n    [1] Yes\n    [2] No"
    asking = SentMessage(
        seq=2,
        chat_id=1,
        message_id=2,
        method="sendMessage",
        text="Which number?",
        reply_markup={"keyboard": [[{"text": "📱 Share", "request_contact": True}]]},
    )
    assert ":contact" in format_message(asking)


def test_a_terminal_session_through_the_real_bot(
    driver: Driver,
    bot: BotRunner,
    fake_rasa: FakeRasa,
    db: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    driver.wait_bot_ready()
    screen = Screen()
    chat = TerminalChat(driver.user(4_040_404, first_name="Terminal"), screen)
    listener = threading.Thread(target=chat.listen, daemon=True)
    listener.start()
    try:
        chat.handle_line("/start")
        wait_until(lambda: "[1] ✅ I agree" in screen.text())
        chat.handle_line("1")
        wait_until(lambda: "what happened?" in screen.text())
        chat.handle_line("/report")
        wait_until(lambda: "[2] Something else" in screen.text())
        chat.handle_line("2")
        wait_until(lambda: "✔ Something else" in screen.text())
        pseudonym = bot.services.pseudonym(4_040_404)
        wait_until(lambda: fake_rasa.texts_from(pseudonym)[-1] == "/report_other_scam")
        picture = tmp_path / "screenshot.png"
        picture.write_bytes(png_bytes(4000))
        chat.handle_line(f":photo {picture} the scam page")
        chat.handle_line(":forward Bank Security: Your card is blocked, call 8123 4567")
        wait_until(lambda: screen.text().count("📎 Saved") == 2)
        with db() as session:
            kinds = [d.kind for d in session.scalars(select(PendingEvidence))]
        assert sorted(kinds) == ["forwarded_message", "photo"]
        chat.handle_line(":file /no/such/file.pdf")
        wait_until(lambda: "No such file" in screen.text())
        assert chat.handle_line(":quit") is False
    finally:
        chat.stop.set()
        listener.join(5)
