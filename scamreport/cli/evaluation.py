"""`scamreport evaluate report`: the evaluation gate, its summary and the model card.

Reads what `rasa test nlu` and `rasa test core` wrote (scripts/evaluate.sh runs them), writes
results/summary.md and docs/model-card.md, and fails when the weighted intent F1 or the
weighted entity F1 on the held-out test split falls below its threshold, or when the intent
macro F1 on a language's own held-out split (tests/nlu/heldout_<lang>.yml) falls below its.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scamreport.cli import scam_type_report
from scamreport.cli.rasa_data import (
    RasaDataError,
    TrainingData,
    display_path,
    load_training_data,
    load_yaml,
)

DEFAULT_MIN_INTENT_F1 = 0.90
DEFAULT_MIN_ENTITY_F1 = 0.85
MIN_INTENT_F1_ENV = "EVAL_MIN_INTENT_F1"
MIN_ENTITY_F1_ENV = "EVAL_MIN_ENTITY_F1"
# Chinese and Malay (issue 12): macro F1, so a small intent with few test examples counts.
DEFAULT_MIN_LANGUAGE_INTENT_F1 = 0.90
MIN_LANGUAGE_INTENT_F1_ENV = "EVAL_MIN_LANGUAGE_INTENT_F1"
ENTITY_REPORT = "DIETClassifier_report.json"
AVERAGES = ("accuracy", "macro avg", "micro avg", "weighted avg")
# How many misunderstood test messages the summary lists.
SHOWN_ERRORS = 20


class EvaluationError(RuntimeError):
    """The evaluation results are missing or unreadable."""


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int
    confused_with: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    """One classification report of `rasa test` (sklearn's format)."""

    labels: tuple[LabelScore, ...]
    weighted_f1: float
    accuracy: float | None
    macro_f1: float | None = None

    @classmethod
    def read(cls, path: Path) -> Report:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise EvaluationError(
                f"{path}: not found ({error.strerror}); did `rasa test` run?"
            ) from error
        except json.JSONDecodeError as error:
            raise EvaluationError(f"{path}: not JSON ({error.msg})") from error
        weighted = raw.get("weighted avg")
        if not isinstance(weighted, dict) or "f1-score" not in weighted:
            raise EvaluationError(f"{path}: has no weighted average")
        labels = tuple(
            LabelScore(
                label=name,
                precision=float(scores.get("precision", 0.0)),
                recall=float(scores.get("recall", 0.0)),
                f1=float(scores.get("f1-score", 0.0)),
                support=int(scores.get("support", 0)),
                confused_with=dict(scores.get("confused_with") or {}),
            )
            for name, scores in raw.items()
            if name not in AVERAGES and isinstance(scores, dict)
        )
        accuracy = raw.get("accuracy")
        macro = (raw.get("macro avg") or {}).get("f1-score")
        return cls(
            labels=labels,
            weighted_f1=float(weighted["f1-score"]),
            accuracy=float(accuracy) if isinstance(accuracy, (int, float)) else None,
            macro_f1=float(macro) if isinstance(macro, (int, float)) else None,
        )


@dataclass(frozen=True)
class LanguageResult:
    """`rasa test nlu` on one language's held-out split: its intents, gated on macro F1."""

    language: str
    intents: Report

    @property
    def macro_f1(self) -> float:
        if self.intents.macro_f1 is not None:
            return self.intents.macro_f1
        scores = [s.f1 for s in self.intents.labels]
        return sum(scores) / len(scores) if scores else 0.0

    @classmethod
    def read(cls, language: str, nlu_dir: Path) -> LanguageResult:
        return cls(language=language, intents=Report.read(nlu_dir / "intent_report.json"))


def parse_language_results(values: Sequence[str]) -> list[tuple[str, Path]]:
    """``LANG=DIR`` arguments of --language-results."""
    out = []
    for value in values:
        language, sep, directory = value.partition("=")
        if not sep or not language or not directory:
            raise EvaluationError(f"--language-results {value!r}: expected LANG=DIR")
        out.append((language, Path(directory)))
    return out


@dataclass(frozen=True)
class StoryResults:
    correct: int
    total: int
    action_f1: float | None

    @classmethod
    def read(cls, core_dir: Path) -> StoryResults | None:
        """Story counts from rasa test core's story_report.json; None when it did not run."""
        path = core_dir / "story_report.json"
        if not path.exists():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise EvaluationError(f"{path}: not JSON ({error.msg})") from error
        conversations = raw.get("conversation_accuracy") or {}
        weighted = raw.get("weighted avg") or {}
        f1 = weighted.get("f1-score")
        return cls(
            correct=int(conversations.get("correct", 0)),
            total=int(conversations.get("total", 0)),
            action_f1=float(f1) if isinstance(f1, (int, float)) else None,
        )


@dataclass(frozen=True)
class Thresholds:
    intent_f1: float
    entity_f1: float
    language_intent_f1: float = DEFAULT_MIN_LANGUAGE_INTENT_F1

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Thresholds:
        env = os.environ if env is None else env
        return cls(
            intent_f1=float(env.get(MIN_INTENT_F1_ENV) or DEFAULT_MIN_INTENT_F1),
            entity_f1=float(env.get(MIN_ENTITY_F1_ENV) or DEFAULT_MIN_ENTITY_F1),
            language_intent_f1=float(
                env.get(MIN_LANGUAGE_INTENT_F1_ENV) or DEFAULT_MIN_LANGUAGE_INTENT_F1
            ),
        )


@dataclass(frozen=True)
class Evaluation:
    intents: Report
    entities: Report
    stories: StoryResults | None
    errors: tuple[dict[str, Any], ...]
    thresholds: Thresholds
    # False for cross-validation: the thresholds are shown for reference only.
    gated: bool = True
    languages: tuple[LanguageResult, ...] = ()

    def failures(self) -> list[str]:
        out = []
        if self.intents.weighted_f1 < self.thresholds.intent_f1:
            out.append(
                f"weighted intent F1 {self.intents.weighted_f1:.3f} is below "
                f"{self.thresholds.intent_f1:.2f}"
            )
        if self.entities.weighted_f1 < self.thresholds.entity_f1:
            out.append(
                f"weighted entity F1 {self.entities.weighted_f1:.3f} is below "
                f"{self.thresholds.entity_f1:.2f}"
            )
        for result in self.languages:
            if result.macro_f1 < self.thresholds.language_intent_f1:
                out.append(
                    f"{result.language} intent macro F1 {result.macro_f1:.3f} is below "
                    f"{self.thresholds.language_intent_f1:.2f}"
                )
        return out


def read_evaluation(
    nlu_dir: Path,
    core_dir: Path | None,
    thresholds: Thresholds,
    *,
    gated: bool = True,
    languages: Sequence[tuple[str, Path]] = (),
) -> Evaluation:
    errors_path = nlu_dir / "intent_errors.json"
    errors: list[dict[str, Any]] = []
    if errors_path.exists():
        errors = [
            e for e in json.loads(errors_path.read_text(encoding="utf-8")) if isinstance(e, dict)
        ]
    errors.sort(key=lambda e: -float((e.get("intent_prediction") or {}).get("confidence") or 0))
    return Evaluation(
        intents=Report.read(nlu_dir / "intent_report.json"),
        entities=Report.read(nlu_dir / ENTITY_REPORT),
        stories=StoryResults.read(core_dir) if core_dir is not None else None,
        errors=tuple(errors),
        thresholds=thresholds,
        gated=gated,
        languages=tuple(LanguageResult.read(lang, path) for lang, path in languages),
    )


def _counts(data: TrainingData) -> dict[str, int]:
    return {intent: len(examples) for intent, examples in data.examples_by_intent().items()}


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _confusions(score: LabelScore) -> str:
    top = sorted(score.confused_with.items(), key=lambda item: -item[1])[:3]
    return ", ".join(f"{name} ({count})" for name, count in top) or "-"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _score_rows(report: Report) -> list[list[object]]:
    return [
        [s.label, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", s.support, _confusions(s)]
        for s in sorted(report.labels, key=lambda s: (s.f1, s.label))
    ]


def _verdict(evaluation: Evaluation) -> list[str]:
    failures = evaluation.failures()
    t = evaluation.thresholds
    lines = [
        f"- Weighted intent F1: **{evaluation.intents.weighted_f1:.3f}** "
        f"(gate: at least {t.intent_f1:.2f})",
        f"- Weighted entity F1: **{evaluation.entities.weighted_f1:.3f}** "
        f"(gate: at least {t.entity_f1:.2f})",
    ]
    if evaluation.intents.accuracy is not None:
        lines.append(f"- Intent accuracy: {evaluation.intents.accuracy:.3f}")
    lines += [
        f"- Intent macro F1 on the {r.language} held-out split: **{r.macro_f1:.3f}** "
        f"(gate: at least {t.language_intent_f1:.2f})"
        for r in evaluation.languages
    ]
    if evaluation.stories is not None:
        s = evaluation.stories
        lines.append(f"- Test stories predicted without error: {s.correct} of {s.total}")
        if s.action_f1 is not None:
            lines.append(f"- Weighted action F1 on the test stories: {s.action_f1:.3f}")
    if not evaluation.gated:
        lines.append("- Gate: not applied to this evaluation (thresholds shown for reference)")
    else:
        lines.append("- Gate: " + ("**FAILED**: " + "; ".join(failures) if failures else "passed"))
    return lines


def summary_markdown(
    evaluation: Evaluation,
    *,
    model: str,
    when: datetime,
    nlu_dir: Path,
    title: str,
    summary_dir: Path | None = None,
) -> str:
    """The summary; links to the images are relative to ``summary_dir`` (where it is written)."""
    base = Path(os.path.relpath(nlu_dir, summary_dir)) if summary_dir is not None else nlu_dir
    lines = [f"# {title}", "", f"Model `{model}`, evaluated {when:%Y-%m-%d %H:%M} UTC.", ""]
    lines += _verdict(evaluation)
    lines += ["", "## Intents (worst first)", ""]
    lines += _table(
        ["intent", "precision", "recall", "F1", "test examples", "confused with"],
        _score_rows(evaluation.intents),
    )
    lines += ["", "## Entities (worst first)", ""]
    lines += _table(
        ["entity", "precision", "recall", "F1", "test tokens", "confused with"],
        _score_rows(evaluation.entities),
    )
    for result in evaluation.languages:
        lines += ["", f"## Intents on the {result.language} held-out split (worst first)", ""]
        lines += _table(
            ["intent", "precision", "recall", "F1", "test examples", "confused with"],
            _score_rows(result.intents),
        )
    if evaluation.errors:
        lines += [
            "",
            f"## Misunderstood test messages (most confident first, up to {SHOWN_ERRORS})",
            "",
        ]
        lines += _table(
            ["message", "labelled", "predicted", "confidence"],
            [
                [
                    _escape(str(e.get("text", ""))),
                    e.get("intent", ""),
                    (e.get("intent_prediction") or {}).get("name", ""),
                    f"{float((e.get('intent_prediction') or {}).get('confidence') or 0):.2f}",
                ]
                for e in evaluation.errors[:SHOWN_ERRORS]
            ],
        )
    images = sorted(p.name for p in nlu_dir.glob("*.png"))
    if images:
        lines += ["", "## Images", ""]
        lines += [f"- [{name}]({(base / name).as_posix()})" for name in images]
    reports = ("intent_report.json", ENTITY_REPORT, "intent_errors.json")
    lines += ["", "Full reports: " + ", ".join(f"`{(base / r).as_posix()}`" for r in reports), ""]
    return "\n".join(lines)


def _pipeline_lines(config: Path) -> list[str]:
    document = load_yaml(config) or {}
    lines = []
    for key in ("pipeline", "policies"):
        lines += ["", f"{key.capitalize()}:", ""]
        for component in document.get(key) or []:
            options = ", ".join(f"{k}={v}" for k, v in component.items() if k != "name")
            lines.append(f"- {component.get('name')}" + (f" ({options})" if options else ""))
    return lines


def model_card_markdown(
    evaluation: Evaluation,
    *,
    model: str,
    when: datetime,
    training: TrainingData,
    test: TrainingData,
    config: Path,
    fingerprint: str | None = None,
) -> str:
    train_counts, test_counts = _counts(training), _counts(test)
    scores = {s.label: s for s in evaluation.intents.labels}
    intents = sorted(set(train_counts) | set(test_counts))
    lines = [
        "# Model card: the scam-report assistant's NLU model",
        "",
        "Generated by `make evaluate` (scamreport evaluate report); do not edit by hand.",
        "",
        f"- Model: `{model}` (the hash in the name is the fingerprint of data/, domain.yml and "
        "config.yml it was trained from)",
        f"- Evaluated: {when:%Y-%m-%d %H:%M} UTC",
        f"- Training examples: {sum(train_counts.values())} in {len(train_counts)} intents; "
        f"held-out test examples: {sum(test_counts.values())} (tests/nlu/test_data.yml)",
    ]
    if fingerprint and fingerprint not in model:
        lines.append(
            f"- **Warning**: the data changed since this model was trained (fingerprint now "
            f"`{fingerprint}`); the counts above are of the current data. Run `make evaluate`."
        )
    lines += [
        "",
        "## Intended use",
        "",
        "Classifies the messages of people reporting a scam on Telegram (often distressed, on a "
        "phone, in imperfect English) into the intents of the interview, and finds the "
        "`country` and `payment_method` entities. Indicators (phones, links, IBANs, wallets, "
        "amounts, dates, claimed agencies) are found by rules in scamreport.extraction, not by "
        "this model. "
        + (
            "Trained in English, Chinese and Malay; each language has its own held-out split "
            "and gate."
            if evaluation.languages
            else "English only; messages in other languages are mostly not understood."
        ),
        "",
        "## Scores on the held-out test split",
        "",
    ]
    lines += _verdict(evaluation)
    lines += ["", "## Data and scores per intent", ""]
    lines += _table(
        ["intent", "training examples", "test examples", "test F1"],
        [
            [
                intent,
                train_counts.get(intent, 0),
                test_counts.get(intent, 0),
                f"{scores[intent].f1:.3f}" if intent in scores else "-",
            ]
            for intent in intents
        ],
    )
    lines += ["", "## Entities", ""]
    lines += _table(
        ["entity", "test F1", "test tokens"],
        [
            [s.label, f"{s.f1:.3f}", s.support]
            for s in sorted(evaluation.entities.labels, key=lambda s: s.label)
        ],
    )
    lines += ["", "## Configuration", "", f"From `{display_path(config)}`:"]
    lines += _pipeline_lines(config)
    lines += [
        "",
        "## Limitations",
        "",
        "- The test split is small (a few examples per intent), so one message moves an intent's "
        "F1 by several points; read the per-intent table with that in mind.",
        "- Test and training examples were written by the project, not taken from real "
        "conversations; `scamreport review` turns real misunderstood messages into new examples.",
        "",
    ]
    return "\n".join(lines)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run_report(args: argparse.Namespace) -> int:
    thresholds = Thresholds.from_env()
    thresholds = Thresholds(
        intent_f1=args.min_intent_f1 if args.min_intent_f1 is not None else thresholds.intent_f1,
        entity_f1=args.min_entity_f1 if args.min_entity_f1 is not None else thresholds.entity_f1,
        language_intent_f1=args.min_language_intent_f1
        if args.min_language_intent_f1 is not None
        else thresholds.language_intent_f1,
    )
    model = Path(args.model)
    model_name = model.resolve().name if model.exists() else model.name
    when = datetime.now(timezone.utc)
    try:
        evaluation = read_evaluation(
            args.nlu_results,
            args.core_results,
            thresholds,
            gated=not args.no_gate,
            languages=parse_language_results(args.language_results),
        )
        summary = summary_markdown(
            evaluation,
            model=model_name,
            when=when,
            nlu_dir=args.nlu_results,
            title=args.title,
            summary_dir=args.summary.parent,
        )
        write(args.summary, summary)
        if args.card is not None:
            card = model_card_markdown(
                evaluation,
                model=model_name,
                when=when,
                training=load_training_data([args.data]),
                test=load_training_data([args.test_nlu]),
                config=args.config,
                fingerprint=args.fingerprint,
            )
            write(args.card, card)
    except (EvaluationError, RasaDataError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join(_verdict(evaluation)))
    print(
        f"summary: {display_path(args.summary)}"
        + (f"; model card: {display_path(args.card)}" if args.card is not None else "")
    )
    failures = evaluation.failures()
    if failures and evaluation.gated:
        print("evaluation gate FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    evaluate = subparsers.add_parser("evaluate", help="the NLU evaluation gate and model card")
    commands = evaluate.add_subparsers(dest="evaluate_command", required=True)
    report = commands.add_parser(
        "report",
        help="read rasa test results, write the summary and model card, fail below the thresholds",
    )
    report.add_argument("--nlu-results", type=Path, default=Path("results/nlu"))
    report.add_argument("--core-results", type=Path, default=Path("results/core"))
    report.add_argument("--summary", type=Path, default=Path("results/summary.md"))
    report.add_argument(
        "--card", type=Path, default=Path("docs/model-card.md"), help="model card to regenerate"
    )
    report.add_argument(
        "--no-card",
        dest="card",
        action="store_const",
        const=None,
        help="do not write the model card (cross-validation, damaged copies)",
    )
    report.add_argument("--model", default="models/current.tar.gz")
    report.add_argument("--data", type=Path, default=Path("data"))
    report.add_argument("--test-nlu", type=Path, default=Path("tests/nlu/test_data.yml"))
    report.add_argument("--config", type=Path, default=Path("config.yml"))
    report.add_argument(
        "--fingerprint",
        help="fingerprint of the current data (scripts/model_fingerprint.sh), to warn when the "
        "model was trained on other data",
    )
    report.add_argument("--title", default="NLU evaluation on the held-out test split")
    report.add_argument(
        "--min-intent-f1",
        type=float,
        default=None,
        help=f"default: ${MIN_INTENT_F1_ENV} or {DEFAULT_MIN_INTENT_F1}",
    )
    report.add_argument(
        "--min-entity-f1",
        type=float,
        default=None,
        help=f"default: ${MIN_ENTITY_F1_ENV} or {DEFAULT_MIN_ENTITY_F1}",
    )
    report.add_argument(
        "--language-results",
        action="append",
        default=[],
        metavar="LANG=DIR",
        help="rasa test nlu results of a language's held-out split (repeatable); gated on the "
        "intent macro F1",
    )
    report.add_argument(
        "--min-language-intent-f1",
        type=float,
        default=None,
        help=f"default: ${MIN_LANGUAGE_INTENT_F1_ENV} or {DEFAULT_MIN_LANGUAGE_INTENT_F1}",
    )
    report.add_argument(
        "--no-gate",
        action="store_true",
        help="report only; exit 0 whatever the scores (cross-validation)",
    )
    report.set_defaults(handler=run_report)
    scam_type_report.register(commands)
