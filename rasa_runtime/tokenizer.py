"""A tokenizer for English, Malay and Chinese in one model: Han characters become one token each.

Rasa's WhitespaceTokenizer makes a whole Chinese sentence one token (Chinese has no spaces), so
the word featurizer sees each sentence as a new word and an entity inside it ("我住在新加坡")
cannot be marked; worse, Rasa's emoji filter drops every word made only of Han characters
from a message that has other words. JiebaTokenizer would need the jieba package, which the Rasa environment does
not have. Single characters are what the character n-gram featurizer already reads, and are
enough for the short messages here (docs/maintainers.md, "Languages: understanding", measures
it). Everything that is not Han is tokenized exactly as WhitespaceTokenizer does.

Used from config.yml as `rasa_runtime.tokenizer.HanCharTokenizer` (Rasa puts the project root
on sys.path).
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from scamreport.languages import HAN_RANGES

# One Han character, or a run of anything else.
_PIECE = re.compile(f"[{HAN_RANGES}]|[^{HAN_RANGES}]+")
_HAN = re.compile(f"[{HAN_RANGES}]")


def split_han(token: Token) -> list[Token]:
    """``token`` cut before and after every Han character; offsets stay in the message."""
    if not _HAN.search(token.text):
        return [token]
    return [
        Token(match.group(), token.start + match.start(), data=dict(token.data))
        for match in _PIECE.finditer(token.text)
    ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class HanCharTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer, with Han text split into single characters."""

    @staticmethod
    def not_supported_languages() -> list[str] | None:
        return None

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return WhitespaceTokenizer.get_default_config()

    def remove_emoji(self, text: str) -> str:
        # Rasa's emoji pattern spans U+24C2..U+1F251, all of Chinese: WhitespaceTokenizer drops
        # every all-Han word ("不对，是3000" keeps only "是3000").
        return text if _HAN.search(text) else super().remove_emoji(text)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        return [
            piece for token in super().tokenize(message, attribute) for piece in split_han(token)
        ]
