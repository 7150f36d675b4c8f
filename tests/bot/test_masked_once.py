"""The bot masks each typed message once: the inbox masks it when the update comes, and the
relay sends that masking on to Rasa instead of masking the text again; so do the evidence
handler with a caption and a forwarded text (issue 16). Real Application, stand-in, fake
Rasa."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

import scamreport.sensitive
from bot import texts
from telegram_standin.driver import ChatUser, origin_hidden_user, png_bytes
from tests.bot.conftest import BotRunner, agree, wait_until
from tests.bot.fake_rasa import FakeRasa

SAID = [
    "the police asked for my OTP and i gave it, it was 482913",
    "then he asked for my atm pin too",
    "7 3 9 1",
    "he called from +65 8123 4567",
]
# What Rasa gets: the code named in one message and given in the next is masked too.
RELAYED = [
    "the police asked for my OTP and i gave it, it was [REDACTED OTP]",
    "then he asked for my atm pin too",
    "[REDACTED PIN]",
    "he called from +65 8123 4567",
]


@pytest.fixture
def maskings(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each text was masked (mask_secrets reads its secrets with find_secrets)."""
    counted: Counter[str] = Counter()
    find_secrets = scamreport.sensitive.find_secrets

    def counting(text: str, *, expecting: str | None = None) -> Any:
        counted[text] += 1
        return find_secrets(text, expecting=expecting)

    monkeypatch.setattr(scamreport.sensitive, "find_secrets", counting)
    return counted


def test_each_typed_message_is_masked_once(
    alex: ChatUser, bot: BotRunner, fake_rasa: FakeRasa, maskings: Counter[str]
) -> None:
    agree(alex)
    pseudonym = bot.services.pseudonym(alex.id)
    for text in SAID:
        alex.send_text(text)
        alex.wait_for(f"You said: {RELAYED[SAID.index(text)]}")
    wait_until(lambda: fake_rasa.texts_from(pseudonym)[-len(RELAYED) :] == RELAYED)
    assert [maskings[text] for text in SAID] == [1, 1, 1, 1]
    warned = [m.body for m in alex.seen if m.body == texts.get("secret_not_kept", "en")]
    assert len(warned) == 2  # the code, and the PIN sent on its own


def test_a_caption_and_a_forwarded_text_are_masked_once(
    alex: ChatUser, bot: BotRunner, maskings: Counter[str]
) -> None:
    agree(alex)
    caption = "they said the code 482913 was needed to stop the warrant"
    alex.send_photo(png_bytes(3000, seed=5), caption=caption)
    assert texts.get("evidence_secret_hidden", "en") in alex.replies()[-1].body
    forwarded = "Your OTP is 771204. Do not share it with anyone."
    alex.forward_text(forwarded, origin=origin_hidden_user("DBS Bank"))
    assert texts.get("evidence_secret_hidden", "en") in alex.replies()[-1].body
    assert (maskings[caption], maskings[forwarded]) == (1, 1)
