"""A chat with the assistant in the terminal, through the Telegram stand-in and the real bot.

`make run` without TELEGRAM_BOT_TOKEN starts the stand-in (`python -m telegram_standin`), the
bot pointed at it, and this chat, which plays one Telegram user: the same bot code runs here
as on Telegram. Type to talk; type a button's number to press it; and

    :photo PATH [caption]     send a photo or screenshot
    :file PATH [caption]      send a document (PDF, .eml, ...)
    :forward NAME: TEXT       forward a message from NAME (for example the scammer's SMS)
    :contact [+PHONE]         share your phone number with Telegram's contact button
    :quit                     leave (or Ctrl-D)
"""

from __future__ import annotations

import argparse
import mimetypes
import sys
import textwrap
import threading
from pathlib import Path
from typing import TextIO

from telegram_standin.driver import ChatUser, Driver, SentMessage, StandinError, origin_hidden_user

HELP = __doc__.split("and\n\n", 1)[1] if __doc__ else ""
DEFAULT_PHONE = "+6581234567"


def format_message(message: SentMessage, first_button: int = 1) -> str:
    """A bot message as the terminal shows it; inline buttons numbered from ``first_button``."""
    lines: list[str] = []
    if message.photo:
        lines.append(f"  [image: {message.photo}]")
    for paragraph in (message.body or "").split("\n"):
        lines.append(
            textwrap.fill(paragraph, width=78, initial_indent="  ", subsequent_indent="  ")
            if paragraph
            else ""
        )
    for number, (title, _) in enumerate(message.buttons, start=first_button):
        lines.append(f"    [{number}] {title}")
    if any(button.get("request_contact") for button in message.reply_keyboard):
        lines.append('    (type :contact to tap "Share my phone number")')
    return "\n".join(lines)


class TerminalChat:
    """Reads lines, acts them out as a Telegram user, and prints the bot's messages."""

    def __init__(self, user: ChatUser, out: TextIO) -> None:
        self.user = user
        self.out = out
        self.keyboard: SentMessage | None = None
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def show(self, messages: list[SentMessage]) -> None:
        with self.lock:
            for message in messages:
                if message.buttons:
                    self.keyboard = message
                self.out.write(format_message(message) + "\n")
            self.out.flush()

    def say(self, text: str) -> None:
        with self.lock:
            self.out.write(text + "\n")
            self.out.flush()

    def listen(self) -> None:
        """Prints the bot's messages as they arrive (runs on a thread)."""
        while not self.stop.is_set():
            try:
                self.show(self.user.poll(timeout=1.0))
            except (StandinError, OSError) as error:
                self.say(f"  [the Telegram stand-in is unreachable: {error}]")
                self.stop.wait(2.0)

    def handle_line(self, line: str) -> bool:
        """Acts out one line; False when the user wants to leave."""
        text = line.strip()
        if not text:
            return True
        if text in (":quit", "exit", "quit"):
            return False
        try:
            self._act(text)
        except (StandinError, OSError, ValueError) as error:
            self.say(f"  [{error}]")
        return True

    def _act(self, text: str) -> None:
        command, _, rest = text.partition(" ")
        if text.isdigit() and self.keyboard is not None:
            index = int(text) - 1
            if not 0 <= index < len(self.keyboard.buttons):
                raise ValueError(f"there is no button {text}")
            self.user.press(self.keyboard, index)
            self.keyboard = None
        elif command in (":photo", ":file"):
            path_text, _, caption = rest.partition(" ")
            path = Path(path_text).expanduser()
            data = path.read_bytes()
            if command == ":photo":
                self.user.send_photo(data, caption=caption or None)
            else:
                mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                self.user.send_document(
                    data, filename=path.name, mime_type=mime_type, caption=caption or None
                )
        elif command == ":forward":
            name, _, message = rest.partition(":")
            if not message.strip():
                raise ValueError("write it as :forward NAME: TEXT")
            self.user.forward_text(message.strip(), origin=origin_hidden_user(name.strip()))
        elif command == ":contact":
            self.user.share_contact(rest.strip() or DEFAULT_PHONE)
        elif command == ":help":
            self.say(HELP)
        else:
            self.user.send_text(text)

    def run(self, inp: TextIO) -> None:
        listener = threading.Thread(target=self.listen, daemon=True)
        listener.start()
        self.say("Type your message (:help for sending files, :quit to leave).")
        self.user.send_text("/start")
        try:
            for line in inp:
                if not self.handle_line(line):
                    break
        except KeyboardInterrupt:
            pass
        finally:
            self.stop.set()
            listener.join(timeout=3)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--standin-url", default="http://127.0.0.1:8081", help="the Telegram stand-in's address"
    )
    parser.add_argument("--user-id", type=int, default=100_000_001)
    parser.add_argument("--name", default="Alex")
    parser.add_argument(
        "--language-code",
        default="en",
        help="the Telegram client's language (zh-hans, ms...): the bot starts in it",
    )
    args = parser.parse_args(argv)
    driver = Driver(args.standin_url)
    try:
        driver.wait_bot_ready(timeout=60)
    except (StandinError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
    user = driver.user(args.user_id, first_name=args.name, language_code=args.language_code)
    TerminalChat(user, sys.stdout).run(sys.stdin)


if __name__ == "__main__":
    main()
