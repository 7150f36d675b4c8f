"""A chat with the assistant in the terminal, for trying it out without Telegram.

Run with `python -m bot.terminal --rasa-url http://127.0.0.1:5005`. Buttons are numbered: type the
number to press one.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import textwrap
from typing import TextIO

from bot.rasa_client import Conversation, RasaClient, RasaUnavailable, Reply

UNAVAILABLE = (
    "Sorry, we could not process that just now. Please try again in a minute; "
    "nothing you told me is lost."
)


def render(replies: list[Reply], out: TextIO) -> None:
    for reply in replies:
        if reply.text:
            for paragraph in reply.text.split("\n"):
                out.write(textwrap.fill(paragraph, width=78, initial_indent="  ",
                                        subsequent_indent="  ") + "\n" if paragraph else "\n")
        if reply.image:
            out.write(f"  [image: {reply.image}]\n")
        for number, button in enumerate(reply.buttons, start=1):
            out.write(f"    [{number}] {button.title}\n")
    out.flush()


def chat(client: RasaClient, conversation: Conversation, inp: TextIO, out: TextIO) -> None:
    buttons: list[str] = []
    out.write("Type your message (Ctrl-D or 'exit' to leave).\n")
    for line in inp:
        text = line.strip()
        if text in ("exit", "quit"):
            break
        if not text:
            continue
        try:
            if text.isdigit() and 1 <= int(text) <= len(buttons):
                replies = client.press_button(conversation, buttons[int(text) - 1])
            else:
                replies = client.send_typed(conversation, text)
        except RasaUnavailable:
            out.write(f"  {UNAVAILABLE}\n")
            continue
        if not replies:
            out.write(f"  {UNAVAILABLE}\n")
        render(replies, out)
        buttons = [b.payload for r in replies for b in r.buttons] or buttons
        out.write("> ")
        out.flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005")
    args = parser.parse_args(argv)
    conversation = Conversation(sender_id=f"terminal-{secrets.token_hex(8)}")
    chat(RasaClient(args.rasa_url), conversation, sys.stdin, sys.stdout)


if __name__ == "__main__":
    main()
