"""What a front end may hand to Rasa's channel, shared by the bot and the channel itself.

The bot (bot/rasa_client.py) and the project's Rasa channel (rasa_runtime/secure_rest.py) both
apply these rules, so that a message is bounded before it reaches NLU even if one side is wrong.

- The bot proves itself with a shared secret in the ``CHANNEL_TOKEN_HEADER`` header.
- Rasa reads text that starts with "/" as an intent with entities. Only a button payload the bot
  offered may look like that, and the bot marks it with ``PAYLOAD_KEY`` in the metadata.
- NLU reads at most ``MAX_NLU_CHARS`` characters and ``MAX_NLU_TOKENS`` words of a message (Rasa's
  memory grows steeply with a message's length); the whole text, up to ``MAX_STORY_CHARS``, travels
  beside it in the metadata (``FULL_TEXT_KEY``) for the report.
- Each message carries the id of the Telegram update it came from (``UPDATE_ID_KEY``), also
  when the bot sends it again after a failure: Rasa's tracker then tells whether it has it,
  and the report's transcript keeps it once.
- Each message carries the reporter's language (``LANGUAGE_KEY``: "en", "zh" or "ms", see
  scamreport.languages), chosen by the bot; Rasa's responses and the actions' texts follow it.
- Characters that cannot be encoded (lone surrogates) and control characters are dropped.

This module is imported by the Rasa process too: it must need nothing but the standard library
(and scamreport.languages, itself standard library only).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from scamreport.languages import DEFAULT_LANGUAGE, Language, is_language

CHANNEL_TOKEN_HEADER = "X-Channel-Token"
# The conversation (the pseudonymous sender id) of a channel message, so that a load balancer
# in front of several Rasa replicas can keep a conversation on one of them without reading the
# body (deploy/k8s/base/haproxy.cfg hashes on it; docs/deployment.md).
SENDER_HEADER = "X-Conversation-Id"
PAYLOAD_KEY = "offered_payload"
FULL_TEXT_KEY = "full_text"
UPDATE_ID_KEY = "update_id"
LANGUAGE_KEY = "language"

# What NLU reads of one message. Measured on the project's model (docs/security.md): Rasa's
# memory stays flat up to these bounds and grows quadratically with the number of tokens beyond.
MAX_NLU_CHARS = 2_000
MAX_NLU_TOKENS = 300
# What a report keeps of one message. Telegram caps a message at 4,096 characters, so this only
# bounds what a forged or relayed message could make every later action call carry.
MAX_STORY_CHARS = 100_000
# A request to the channel larger than this is refused before it is parsed (the whole text in
# the metadata, JSON-escaped at worst 12 bytes a character, and the NLU text beside it).
MAX_REQUEST_BYTES = 16 * (MAX_STORY_CHARS + MAX_NLU_CHARS) + 64_000

_INTENT_PREFIX = re.compile(r"^\s*/")
# Lone surrogates cannot be encoded in UTF-8; control characters (but tab and newlines) break
# tokenisers, logs and PostgreSQL text columns.
_UNENCODABLE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# An upper bound of the tokens Rasa's WhitespaceTokenizer makes of a text.
_TOKEN = re.compile(r"[\w#@&]+")


@dataclass(frozen=True)
class BoundedText:
    """A message as NLU reads it, and as the report keeps it."""

    nlu_text: str
    full_text: str
    # The original was longer than MAX_STORY_CHARS: only its beginning is kept.
    cut: bool = False

    @property
    def shortened_for_nlu(self) -> bool:
        return self.nlu_text != self.full_text


def without_unencodable(text: str) -> str:
    """``text`` without lone surrogates and control characters (tab and newlines stay)."""
    return _UNENCODABLE.sub("", text)


def looks_like_intent(text: str) -> bool:
    """True when Rasa would read ``text`` as an intent (``/inform{...}``)."""
    return bool(_INTENT_PREFIX.match(text))


def count_tokens(text: str) -> int:
    return sum(1 for _ in _TOKEN.finditer(text))


def nlu_prefix(text: str) -> str:
    """The beginning of ``text`` that NLU may read: MAX_NLU_CHARS characters, MAX_NLU_TOKENS
    tokens."""
    prefix = text[:MAX_NLU_CHARS]
    for number, token in enumerate(_TOKEN.finditer(prefix), start=1):
        if number == MAX_NLU_TOKENS:
            return prefix[: token.end()]
    return prefix


def bound_text(text: str) -> BoundedText:
    """Cleans ``text`` and bounds it for NLU and for the report."""
    cleaned = without_unencodable(text).strip()
    full = cleaned[:MAX_STORY_CHARS].rstrip()
    return BoundedText(nlu_text=nlu_prefix(full).rstrip(), full_text=full, cut=full != cleaned)


def metadata_language(metadata: Mapping[str, object] | None) -> Language:
    """The reporter's language a message's metadata carries; English when it names none or one
    the assistant does not speak (a message from before languages, a test, a forged value)."""
    value = (metadata or {}).get(LANGUAGE_KEY)
    return value if is_language(value) else DEFAULT_LANGUAGE  # type: ignore[return-value]
