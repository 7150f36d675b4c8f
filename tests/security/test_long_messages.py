"""No message can take Rasa down, and a long story still reaches the report whole.

Rasa's memory grows steeply with a message's length (one 100 kB message took it to 20 GB before
messages were bounded). The bot and Rasa's channel both bound what NLU reads; the whole text
travels beside it and the actions build the story from it.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot import texts as bot_texts
from bot.identity import pseudonym_for
from scamreport.channel import FULL_TEXT_KEY, MAX_NLU_CHARS, MAX_STORY_CHARS
from scamreport.cli.stack import Stack
from scamreport.storage.repository import get_report_by_reference
from telegram_standin.driver import Driver
from tests.bot.conftest import PSEUDONYM_KEY
from tests.security.conversations import file_report, long_story, reporter, say_long
from tests.security.support import peak_rss_mib, pid_of, user_events

pytestmark = pytest.mark.e2e

# Rasa's peak memory (VmHWM) may grow by at most this much while it handles a 100 kB and a 1 MB
# message. Unbounded, the 100 kB message alone took it from ~1.2 GB to 20 GB.
MAX_PEAK_GROWTH_MIB = 150.0


def test_100_kb_and_1_mb_messages_leave_rasas_memory_flat_and_the_story_whole(
    secure_stack: Stack, secure_driver: Driver, secure_db: sessionmaker[Session]
) -> None:
    rasa = pid_of(secure_stack, "rasa")
    user, chat = reporter(secure_driver)
    chat.say("hello")  # NLU and policies have run once: what stays is the working set
    before = peak_rss_mib(rasa)

    story = long_story(100_000)
    replies = say_long(chat, story, bot_texts.get("message_long", "en"))
    reference = file_report(chat, replies)
    after_100_kb = peak_rss_mib(rasa)

    huge_user, huge_chat = reporter(secure_driver, "Ah Kow")
    huge = long_story(1_000_000)
    say_long(huge_chat, huge, bot_texts.get("message_cut", "en", max=f"{MAX_STORY_CHARS:,}"))
    after_1_mb = peak_rss_mib(rasa)
    print(
        f"Rasa peak RSS: {before:.0f} MiB before, {after_100_kb:.0f} MiB after 100 kB, "
        f"{after_1_mb:.0f} MiB after 1 MB"
    )
    assert after_1_mb - before <= MAX_PEAK_GROWTH_MIB, (before, after_100_kb, after_1_mb)

    with secure_db() as session:
        report = get_report_by_reference(session, reference=reference)
        assert report is not None
        assert report.story == " ".join(story.split())
    [opening] = [
        e
        for e in user_events(secure_stack, pseudonym_for(huge_user.id, PSEUDONYM_KEY))
        if e["text"] and huge.startswith(e["text"][:100])
    ]
    assert len(opening["text"]) <= MAX_NLU_CHARS
    assert opening["metadata"][FULL_TEXT_KEY] == huge[:MAX_STORY_CHARS].rstrip()
