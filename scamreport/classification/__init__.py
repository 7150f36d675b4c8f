"""The scam type of a victim's story, from a spaCy text classifier trained by `make train`.

    guess = guess_scam_type(opening + "\n" + later_answers)
    guess.code, guess.confidence, guess.ranked, guess.unsure, guess.alternatives(3)

Nothing is loaded at import time; the model is read once per process on first use.
"""

from scamreport.classification.guess import (
    DEFAULT_MODEL,
    MODEL_ENV,
    UNSURE_BELOW,
    ScamTypeGuess,
    ScamTypeModelMissing,
    classifier_override,
    classify_scam_type,
    guess_scam_type,
    load_model,
    model_path,
)

__all__ = [
    "DEFAULT_MODEL",
    "MODEL_ENV",
    "UNSURE_BELOW",
    "ScamTypeGuess",
    "ScamTypeModelMissing",
    "classifier_override",
    "classify_scam_type",
    "guess_scam_type",
    "load_model",
    "model_path",
]
