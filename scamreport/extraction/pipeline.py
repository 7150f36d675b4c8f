"""The spaCy pipeline: a blank English tokenizer (no model to download); matchers run on its Docs."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language


@lru_cache(maxsize=1)
def blank_pipeline() -> Language:
    """Built once, on first use (importing spaCy takes about a second, so not at import)."""
    import spacy

    return spacy.blank("en")
