"""Chinese and Malay stories for the scam-type classifier: files per language, Han text read as
characters and pairs, and a macro-F1 gate per language (no trained model needed)."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from pathlib import Path

import pytest

from scamreport.classification.data import (
    HELDOUT_SPLIT,
    TRAIN_SPLIT,
    ScamTypeDataError,
    Story,
    load_split,
    prepared,
    read_file,
)
from scamreport.classification.evaluation import score
from scamreport.classification.guess import ScamTypeGuess
from scamreport.cli.scam_type_report import language_threshold_from, summary_markdown
from scamreport.taxonomy import SCAM_TYPES


def test_every_type_has_chinese_and_malay_stories_in_both_splits() -> None:
    for split, minimum in ((TRAIN_SPLIT, 25), (HELDOUT_SPLIT, 12)):
        stories = load_split(split)
        for language in ("zh", "ms"):
            for code in SCAM_TYPES:
                count = sum(s.label == code and s.language == language for s in stories)
                assert count >= minimum, f"{split}: {code} has {count} {language} stories"


def test_english_files_hold_no_chinese_stories() -> None:
    for split in (TRAIN_SPLIT, HELDOUT_SPLIT):
        for story in load_split(split):
            if story.language == "en":
                assert not any("\u4e00" <= ch <= "\u9fff" for ch in story.text), story.where


def _write(path: Path, label: str, lines: list[str], language: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    head = f"label: {label}\n" + (f"language: {language}\n" if language else "")
    body = "".join(f"  - {line}\n" for line in lines)
    path.write_text(f"{head}examples: |\n{body}", encoding="utf-8")
    return path


def test_the_language_comes_from_the_file_name(tmp_path: Path) -> None:
    assert read_file(_write(tmp_path / "romance.yml", "romance", ["x"]))[0].language == "en"
    assert read_file(_write(tmp_path / "romance.zh.yml", "romance", ["网恋"]))[0].language == "zh"
    ms = read_file(_write(tmp_path / "romance.ms.yml", "romance", ["cinta"], language="ms"))
    assert (ms[0].label, ms[0].language) == ("romance", "ms")


def test_a_wrong_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScamTypeDataError, match="language"):
        read_file(_write(tmp_path / "romance.id.yml", "romance", ["x"]))
    with pytest.raises(ScamTypeDataError, match="language"):
        read_file(_write(tmp_path / "romance.zh.yml", "romance", ["x"], language="ms"))
    with pytest.raises(ScamTypeDataError, match="file named"):
        read_file(_write(tmp_path / "romance.zh.yml", "sextortion", ["x"]))


def test_han_text_is_read_as_characters_and_pairs() -> None:
    assert prepared("被骗了 RM5000") == "被 骗 了 被骗 骗了 rm5000"
    assert prepared("a man from the 公安 said") == "a man from the 公 安 公安 said"


def test_english_is_read_as_before() -> None:
    assert prepared("  He said   I WON the Lottery ") == "he said i won the lottery"


def _guess(code: str) -> ScamTypeGuess:
    return ScamTypeGuess(code, 0.9, ((code, 0.9),))


def test_each_language_is_scored_and_gated_on_its_own(tmp_path: Path) -> None:
    stories = [Story(f"en {c}", c, tmp_path, 1) for c in SCAM_TYPES]
    stories += [Story(f"zh {c}", c, tmp_path, 1, language="zh") for c in SCAM_TYPES]
    stories += [Story(f"ms {c}", c, tmp_path, 1, language="ms") for c in SCAM_TYPES]

    def classify(text: str) -> ScamTypeGuess:
        language, code = text.split()
        return _guess("other" if language == "ms" and code != "other" else code)

    scores = score(stories, classify, min_language_macro_f1=0.9)
    assert scores.by_language["en"].macro_f1 == 1.0
    assert scores.by_language["zh"].macro_f1 == 1.0
    assert scores.by_language["ms"].macro_f1 < 0.9
    failures = scores.failures()
    assert any(f.startswith("ms scam-type macro F1") for f in failures)
    assert not any(f.startswith(("en ", "zh ")) for f in failures)
    report = scores.as_json()["languages"]
    assert isinstance(report, dict) and set(report) == {"en", "zh", "ms"}
    text = summary_markdown(scores, model="m", when=datetime.now(timezone.utc))
    assert "| Malay (ms) | 11 |" in text and "**FAILED**" in text


def test_without_a_language_threshold_nothing_changes(tmp_path: Path) -> None:
    stories = [Story("a", "romance", tmp_path, 1, language="zh")]
    scores = score(stories, lambda _: _guess("romance"))
    assert scores.by_language == {}
    assert "languages" in scores.as_json()


def test_the_language_threshold_comes_from_the_flag_then_the_environment() -> None:
    flag = argparse.Namespace(min_language_f1=0.8)
    assert language_threshold_from(flag, {"EVAL_MIN_SCAM_TYPE_LANGUAGE_F1": "0.7"}) == 0.8
    none = argparse.Namespace(min_language_f1=None)
    assert language_threshold_from(none, {"EVAL_MIN_SCAM_TYPE_LANGUAGE_F1": "0.7"}) == 0.7
    assert language_threshold_from(none, {}) == 0.9
