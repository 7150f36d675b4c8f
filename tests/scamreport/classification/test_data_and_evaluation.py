"""The labelled stories, the scores, and the model-card section (no trained model needed)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from scamreport.classification.data import (
    HELDOUT_SPLIT,
    TRAIN_SPLIT,
    ScamTypeDataError,
    Story,
    load_split,
    problems,
    read_file,
)
from scamreport.classification.evaluation import score
from scamreport.classification.guess import ScamTypeGuess
from scamreport.cli.scam_type_report import (
    CARD_END,
    CARD_START,
    replace_card_section,
    summary_markdown,
    thresholds_from,
)
from scamreport.taxonomy import SCAM_TYPES


def test_the_committed_data_is_clean_and_large_enough() -> None:
    train, heldout = load_split(TRAIN_SPLIT), load_split(HELDOUT_SPLIT)
    assert problems(train, heldout) == []
    for split, stories, minimum in (("train", train, 80), ("heldout", heldout, 25)):
        for code in SCAM_TYPES:
            count = sum(story.label == code for story in stories)
            assert count >= minimum, f"{split}: {code} has {count} stories"


def _write(path: Path, label: str, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"  - {line}\n" for line in lines)
    path.write_text(f"# header\nlabel: {label}\nexamples: |\n{body}", encoding="utf-8")
    return path


def test_read_file_keeps_lines_and_needs_no_quoting(tmp_path: Path) -> None:
    path = _write(tmp_path / "romance.yml", "romance", ["he said: send money", "# not a comment"])
    stories = read_file(path)
    assert [(s.text, s.line) for s in stories] == [
        ("he said: send money", 4),
        ("# not a comment", 5),
    ]


def test_a_file_must_be_named_for_its_label(tmp_path: Path) -> None:
    with pytest.raises(ScamTypeDataError, match="romance.yml"):
        read_file(_write(tmp_path / "romance.yml", "sextortion", ["x"]))
    with pytest.raises(ScamTypeDataError, match="not a scam type"):
        read_file(_write(tmp_path / "pig.yml", "pig", ["x"]))


def test_problems_finds_duplicates_and_leaks(tmp_path: Path) -> None:
    def story(text: str, label: str, line: int) -> Story:
        return Story(text, label, tmp_path / f"{label}.yml", line)

    train = [story("Paid for a PS5!", "fake_shop", 4), story("paid for a ps5", "other", 5)]
    heldout = [story("paid for a  PS5", "fake_shop", 4)]
    found = problems(train, heldout)
    assert any("the same story as" in p for p in found)
    assert any("leaks into the training data" in p for p in found)


def _guess(code: str, confidence: float) -> ScamTypeGuess:
    return ScamTypeGuess(code, confidence, ((code, confidence),))


def test_score_counts_precision_recall_and_confusion(tmp_path: Path) -> None:
    stories = [
        Story("a", "romance", tmp_path, 1),
        Story("b", "romance", tmp_path, 2),
        Story("c", "investment", tmp_path, 3),
    ]
    answers = {
        "a": _guess("romance", 0.9),
        "b": _guess("investment", 0.4),
        "c": _guess("investment", 0.8),
    }
    scores = score(stories, answers.__getitem__, thresholds=(0.9, 0.8), unsure_below=0.5)
    by_code = {t.code: t for t in scores.types}
    assert (by_code["romance"].precision, by_code["romance"].recall) == (1.0, 0.5)
    assert (by_code["investment"].precision, by_code["investment"].recall) == (0.5, 1.0)
    assert scores.confusion["romance"]["investment"] == 1
    assert (scores.unsure, scores.unsure_wrong, scores.sure_wrong) == (1, 1, 0)
    assert [m.story.text for m in scores.mistakes] == ["b"]
    failures = scores.failures()
    assert any("macro F1" in f for f in failures)
    assert any("romance" in f for f in failures)


def test_card_section_is_replaced_not_repeated() -> None:
    card = "# Model card\n\nintents\n"
    once = replace_card_section(card, f"{CARD_START}\nold\n{CARD_END}")
    twice = replace_card_section(once, f"{CARD_START}\nnew\n{CARD_END}")
    assert twice.count(CARD_START) == 1
    assert "new" in twice and "old" not in twice and twice.startswith("# Model card")


def test_summary_has_every_type_and_the_matrix(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    stories = [Story("a", code, tmp_path, 1) for code in SCAM_TYPES]
    scores = score(stories, lambda _: _guess("other", 0.9))
    text = summary_markdown(scores, model="m", when=datetime.now(timezone.utc))
    assert "## Confusion matrix" in text
    assert all(code in text for code in SCAM_TYPES)
    assert "FAILED" in text


def test_thresholds_come_from_flags_then_environment() -> None:
    flags = argparse.Namespace(min_macro_f1=None, min_type_f1=0.5)
    assert thresholds_from(flags, {"EVAL_MIN_SCAM_TYPE_MACRO_F1": "0.7"}) == (0.7, 0.5)
    assert thresholds_from(argparse.Namespace(min_macro_f1=None, min_type_f1=None), {}) == (
        0.9,
        0.8,
    )
