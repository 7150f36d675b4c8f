"""Scores of the scam-type classifier on labelled stories: per-type precision, recall and F1,
macro F1, the confusion matrix, and the most confident mistakes; and the same per language
(English, Chinese, Malay), each with a macro-F1 gate of its own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from scamreport.classification.data import Story
from scamreport.classification.guess import UNSURE_BELOW, ScamTypeGuess
from scamreport.languages import DEFAULT_LANGUAGE, LANGUAGES
from scamreport.taxonomy import SCAM_TYPES

DEFAULT_MIN_MACRO_F1 = 0.90
DEFAULT_MIN_TYPE_F1 = 0.80
# Every language's held-out stories on their own: macro F1 at least this. English also keeps
# the per-type threshold; Chinese and Malay have about 12 stories a type, where one story moves
# a type's F1 by about 8 points, so only their macro F1 is gated.
DEFAULT_MIN_LANGUAGE_MACRO_F1 = 0.90


@dataclass(frozen=True)
class TypeScore:
    code: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Mistake:
    story: Story
    guess: ScamTypeGuess


@dataclass(frozen=True)
class ScamTypeScores:
    types: tuple[TypeScore, ...]
    # confusion[labelled][predicted] = count
    confusion: dict[str, dict[str, int]]
    mistakes: tuple[Mistake, ...]
    total: int
    correct: int
    # how many stories fell below the unsure threshold, and how many of those were wrong
    unsure: int = 0
    unsure_wrong: int = 0
    sure_wrong: int = 0
    unsure_below: float = UNSURE_BELOW
    thresholds: tuple[float, float] = field(default=(DEFAULT_MIN_MACRO_F1, DEFAULT_MIN_TYPE_F1))
    # The same scores for each language's stories alone, and their macro-F1 threshold.
    by_language: dict[str, ScamTypeScores] = field(default_factory=dict)
    min_language_macro_f1: float = DEFAULT_MIN_LANGUAGE_MACRO_F1

    @property
    def macro_f1(self) -> float:
        return sum(t.f1 for t in self.types) / len(self.types) if self.types else 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def failures(self) -> list[str]:
        """Why the gate fails: macro F1 or any type's F1 below its threshold."""
        min_macro, min_type = self.thresholds
        found = []
        if self.macro_f1 < min_macro:
            found.append(f"scam-type macro F1 {self.macro_f1:.3f} is below {min_macro:.2f}")
        found += [
            f"scam type {t.code}: F1 {t.f1:.3f} is below {min_type:.2f}"
            for t in self.types
            if t.f1 < min_type
        ]
        for language, scores in self.by_language.items():
            if scores.macro_f1 < self.min_language_macro_f1:
                found.append(
                    f"{language} scam-type macro F1 {scores.macro_f1:.3f} is below "
                    f"{self.min_language_macro_f1:.2f}"
                )
            if language == DEFAULT_LANGUAGE:
                found += [
                    f"{language} scam type {t.code}: F1 {t.f1:.3f} is below {min_type:.2f}"
                    for t in scores.types
                    if t.f1 < min_type
                ]
        return found

    def as_json(self) -> dict[str, object]:
        return {
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "total": self.total,
            "unsure_below": self.unsure_below,
            "unsure": self.unsure,
            "unsure_wrong": self.unsure_wrong,
            "sure_wrong": self.sure_wrong,
            "types": {
                t.code: {
                    "precision": round(t.precision, 4),
                    "recall": round(t.recall, 4),
                    "f1": round(t.f1, 4),
                    "support": t.support,
                }
                for t in self.types
            },
            "confusion": self.confusion,
            "languages": {
                language: {
                    "macro_f1": round(scores.macro_f1, 4),
                    "accuracy": round(scores.accuracy, 4),
                    "total": scores.total,
                    "min_macro_f1": self.min_language_macro_f1,
                    "types": {t.code: round(t.f1, 4) for t in scores.types},
                }
                for language, scores in self.by_language.items()
            },
            "mistakes": [
                {
                    "text": m.story.text,
                    "labelled": m.story.label,
                    "predicted": m.guess.code,
                    "confidence": round(m.guess.confidence, 4),
                    "where": m.story.where,
                }
                for m in self.mistakes
            ],
        }


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def type_scores(confusion: dict[str, dict[str, int]]) -> tuple[TypeScore, ...]:
    scores = []
    for code in SCAM_TYPES:
        true_positive = confusion[code][code]
        predicted = sum(confusion[label][code] for label in SCAM_TYPES)
        support = sum(confusion[code].values())
        precision = _ratio(true_positive, predicted)
        recall = _ratio(true_positive, support)
        f1 = _ratio(2 * true_positive, predicted + support)
        scores.append(TypeScore(code, precision, recall, f1, support))
    return tuple(scores)


def score(
    stories: Sequence[Story],
    classify: Callable[[str], ScamTypeGuess],
    *,
    thresholds: tuple[float, float] = (DEFAULT_MIN_MACRO_F1, DEFAULT_MIN_TYPE_F1),
    unsure_below: float = UNSURE_BELOW,
    min_language_macro_f1: float | None = None,
) -> ScamTypeScores:
    """Classifies every story and scores the guesses against the labels; with
    ``min_language_macro_f1``, each language's stories are scored on their own too."""
    guesses = {id(story): classify(story.text) for story in stories}
    scores = _score(stories, guesses, thresholds, unsure_below)
    if min_language_macro_f1 is None:
        return scores
    by_language = {
        language: _score(
            [story for story in stories if story.language == language],
            guesses,
            thresholds,
            unsure_below,
        )
        for language in LANGUAGES
        if any(story.language == language for story in stories)
    }
    return replace(scores, by_language=by_language, min_language_macro_f1=min_language_macro_f1)


def _score(
    stories: Sequence[Story],
    guesses: dict[int, ScamTypeGuess],
    thresholds: tuple[float, float],
    unsure_below: float,
) -> ScamTypeScores:
    confusion = {label: {code: 0 for code in SCAM_TYPES} for label in SCAM_TYPES}
    mistakes = []
    unsure = unsure_wrong = sure_wrong = 0
    for story in stories:
        guess = guesses[id(story)]
        confusion[story.label][guess.code] += 1
        wrong = guess.code != story.label
        if guess.confidence < unsure_below:
            unsure += 1
            unsure_wrong += wrong
        else:
            sure_wrong += wrong
        if wrong:
            mistakes.append(Mistake(story, guess))
    mistakes.sort(key=lambda m: -m.guess.confidence)
    correct = sum(confusion[code][code] for code in SCAM_TYPES)
    return ScamTypeScores(
        types=type_scores(confusion),
        confusion=confusion,
        mistakes=tuple(mistakes),
        total=len(stories),
        correct=correct,
        unsure=unsure,
        unsure_wrong=unsure_wrong,
        sure_wrong=sure_wrong,
        unsure_below=unsure_below,
        thresholds=thresholds,
    )
