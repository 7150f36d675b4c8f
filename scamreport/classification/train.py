"""Trains the scam-type classifier: `python -m scamreport.classification.train --out DIR`.

spaCy 3.8, `spacy.blank("en")` plus one `textcat` with exclusive classes (the 11 codes of the
brief); no pretrained vectors. The architecture and the schedule are fixed here, with the seed,
so the same data gives the same model; scripts/train.sh retrains when this file or
training/scam_types/ changes.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scamreport.classification.data import (
    DATA_DIR,
    HELDOUT_SPLIT,
    TRAIN_SPLIT,
    ScamTypeDataError,
    Story,
    load_split,
    prepared,
    problems,
)
from scamreport.taxonomy import SCAM_TYPES

SEED = 42
EPOCHS = 20
DROPOUT = 0.2
BATCH_SIZES = (4.0, 32.0, 1.001)  # compounding from 4 to 32 stories a batch
# A bag of words (hashed into 16384 buckets). Measured against spaCy's default ensemble (bag of
# words next to a CNN over word, prefix, suffix and shape features) and against word pairs with
# 4-fold cross-validation of the training split: no better, and 15 times slower to train
# (docs/maintainers.md, "The scam-type classifier").
MODEL: dict[str, Any] = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": True,
    "ngram_size": 1,
    "no_output_layer": False,
    "length": 16384,
}


def blank_pipeline() -> Any:
    """spacy.blank("en") with an untrained exclusive textcat that knows every scam type."""
    import spacy

    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": MODEL, "threshold": 0.0})
    for code in SCAM_TYPES:
        textcat.add_label(code)
    return nlp


def as_examples(nlp: Any, stories: Sequence[Story]) -> list[Any]:
    from spacy.training import Example

    return [
        Example.from_dict(
            nlp.make_doc(prepared(story.text)),
            {"cats": {code: float(code == story.label) for code in SCAM_TYPES}},
        )
        for story in stories
    ]


def train(stories: Sequence[Story], *, epochs: int = EPOCHS, seed: int = SEED) -> Any:
    """A trained pipeline; the same stories and seed give the same model."""
    from spacy.util import compounding, fix_random_seed, minibatch

    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = blank_pipeline()
    examples = as_examples(nlp, stories)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(epochs):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=compounding(*BATCH_SIZES)):
            nlp.update(batch, drop=DROPOUT, sgd=optimizer)
    return nlp


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scamreport.classification.train", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    parser.add_argument("--out", type=Path, required=True, help="model directory to write")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--fingerprint", default="", help="stored in the model's meta.json")
    args = parser.parse_args(argv)
    try:
        stories = load_split(TRAIN_SPLIT, args.data)
        found = problems(stories, load_split(HELDOUT_SPLIT, args.data))
    except ScamTypeDataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if found:
        print("\n".join(found), file=sys.stderr)
        return 2
    started = time.monotonic()
    nlp = train(stories, epochs=args.epochs)
    seconds = time.monotonic() - started
    nlp.meta.update(
        {
            "name": "scam_types",
            "description": "Scam type of a victim's story (scamreport.classification)",
            "scamreport": {
                "fingerprint": args.fingerprint,
                "training_stories": len(stories),
                "epochs": args.epochs,
                "seed": SEED,
                "training_seconds": round(seconds, 1),
            },
        }
    )
    nlp.to_disk(args.out)
    print(f"trained {args.out} on {len(stories)} stories in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
