"""The scam type of a story, from the spaCy text classifier `make train` builds.

The model (a blank English pipeline with one exclusive `textcat`, trained by
`scamreport.classification.train` on training/scam_types/train) is loaded lazily, once per
process, from ``models/scam_types-current`` or ``$SCAMREPORT_SCAM_TYPE_MODEL``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scamreport.classification.data import prepared
from scamreport.settings import PROJECT_ROOT
from scamreport.taxonomy import SCAM_TYPES

if TYPE_CHECKING:
    from spacy.language import Language

MODEL_ENV = "SCAMREPORT_SCAM_TYPE_MODEL"
DEFAULT_MODEL = PROJECT_ROOT / "models" / "scam_types-current"
# Below this confidence the first guess is "unsure": the caller asks the reporter, with buttons
# for the ranked alternatives. Chosen on the held-out split (docs/maintainers.md).
UNSURE_BELOW = 0.5
# The classifier reads at most this much of a story (the opening and the answers so far).
MAX_STORY_CHARS = 5000


class ScamTypeModelMissing(RuntimeError):
    """No trained scam-type model where one was expected."""


@dataclass(frozen=True)
class ScamTypeGuess:
    """The classifier's answer: the best code, its confidence, and every code ranked."""

    code: str
    confidence: float
    # (code, probability) best first; the probabilities of all 11 codes sum to 1.
    ranked: tuple[tuple[str, float], ...]
    unsure_below: float = UNSURE_BELOW

    @property
    def unsure(self) -> bool:
        """True when the caller should ask the reporter rather than take ``code``."""
        return self.confidence < self.unsure_below

    def alternatives(self, count: int = 3) -> tuple[str, ...]:
        """The ``count`` most likely codes, best first (buttons to offer when unsure)."""
        return tuple(code for code, _ in self.ranked[:count])


Classifier = Callable[[str], ScamTypeGuess]

_lock = threading.Lock()
_loaded: dict[Path, Language] = {}
_override: Classifier | None = None


def model_path(env: dict[str, str] | None = None) -> Path:
    """Where the trained model is read from."""
    env = dict(os.environ) if env is None else env
    return Path(env.get(MODEL_ENV) or DEFAULT_MODEL)


def load_model(path: Path | None = None) -> Language:
    """The spaCy pipeline at ``path`` (default: model_path()), loaded once per process."""
    path = (path or model_path()).resolve()
    with _lock:
        if path not in _loaded:
            _loaded[path] = _read_model(path)
        return _loaded[path]


def _read_model(path: Path) -> Language:
    if not (path / "meta.json").is_file():
        raise ScamTypeModelMissing(
            f"no trained scam-type model at {path}: run `make train` "
            f"(or set {MODEL_ENV} to a model directory)"
        )
    import spacy  # here, not at import time: loading spaCy takes a second

    nlp = spacy.load(path)
    labels = set(nlp.get_pipe("textcat").labels)
    if labels != set(SCAM_TYPES):
        raise ScamTypeModelMissing(
            f"the model at {path} knows {sorted(labels)}, not the scam types of "
            "scamreport.taxonomy: run `make train`"
        )
    return nlp


def ranked_scores(scores: dict[str, float]) -> tuple[tuple[str, float], ...]:
    """(code, probability) best first; ties in the order of the taxonomy."""
    order = list(SCAM_TYPES)
    return tuple(
        sorted(
            ((code, float(scores.get(code, 0.0))) for code in SCAM_TYPES),
            key=lambda item: (-item[1], order.index(item[0])),
        )
    )


def model_guess(story: str, nlp: Language | None = None) -> ScamTypeGuess:
    """The trained model's guess for ``story``."""
    nlp = nlp or load_model()
    doc = nlp(prepared(story[:MAX_STORY_CHARS]))
    ranked = ranked_scores(doc.cats)
    return ScamTypeGuess(code=ranked[0][0], confidence=ranked[0][1], ranked=ranked)


def guess_scam_type(story: str) -> ScamTypeGuess:
    """The scam type of the whole story so far (the opening plus later answers).

    Raises ScamTypeModelMissing when `make train` has not built the model. An empty story
    is "other" with confidence 0 (unsure).
    """
    if not story or not story.strip():
        return ScamTypeGuess(code="other", confidence=0.0, ranked=(("other", 0.0),))
    if _override is not None:
        return _override(story)
    return model_guess(story)


def classify_scam_type(text: str) -> str | None:
    """A scam-type code when the classifier is sure of one other than "other", else None.

    The short form the interview's callers use; guess_scam_type gives the confidence and the
    alternatives to ask about.
    """
    guess = guess_scam_type(text)
    if guess.unsure or guess.code == "other":
        return None
    return guess.code


@contextmanager
def classifier_override(classifier: Classifier) -> Iterator[None]:
    """Use ``classifier`` instead of the trained model (unit tests that say so only)."""
    global _override
    previous, _override = _override, classifier
    try:
        yield
    finally:
        _override = previous
