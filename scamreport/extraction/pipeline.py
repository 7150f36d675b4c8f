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
    from spacy.util import compile_suffix_regex

    nlp = spacy.blank("en")
    # Split the full stop off acronyms with digits ("from I4C.") so agency aliases still match.
    suffixes = [*nlp.Defaults.suffixes, r"(?<=[0-9][A-Z])\."]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    return nlp
