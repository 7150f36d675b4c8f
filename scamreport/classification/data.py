"""The labelled scam-type stories under training/scam_types/{train,heldout}/<code>[.<lang>].yml.

Each file holds one type in one language: `<code>.yml` is English, `<code>.zh.yml` Chinese and
`<code>.ms.yml` Malay (scamreport.languages' codes):

    label: romance
    language: ms            # optional; when given it must agree with the file name
    examples: |
      - my mum met a soldier on facebook ...
      - ...

Every line of the `examples` block that starts with "- " is one story (no quoting needed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from scamreport.languages import DEFAULT_LANGUAGE, LANGUAGES
from scamreport.settings import PROJECT_ROOT
from scamreport.taxonomy import SCAM_TYPES

DATA_DIR = PROJECT_ROOT / "training" / "scam_types"
TRAIN_SPLIT = "train"
HELDOUT_SPLIT = "heldout"
_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]")
# Chinese and Japanese are written without spaces: each character becomes a word of its own, and
# each pair of neighbouring characters one more ("警察", "转账", "裸聊"): most Chinese words are
# two characters, and single characters ("警", "转") say much less than the pairs.
_CJK_CHAR = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_CJK_RUN = re.compile(_CJK_CHAR + "+")


class ScamTypeDataError(ValueError):
    """A data file is malformed (the message starts with file:line)."""


@dataclass(frozen=True)
class Story:
    text: str
    label: str
    path: Path
    line: int
    language: str = DEFAULT_LANGUAGE

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def _han_words(match: re.Match[str]) -> str:
    run = match.group(0)
    pairs = [run[i : i + 2] for i in range(len(run) - 1)]
    return " " + " ".join([*run, *pairs]) + " "


def prepared(text: str) -> str:
    """What the classifier reads, in training and in use: lower case, single spaces.

    spaCy's bag-of-words model counts exact word forms, and reporters capitalise at random;
    Chinese characters are spaced so that each, and each pair, counts as a word.
    """
    return _SPACE.sub(" ", _CJK_RUN.sub(_han_words, text.lower())).strip()


def normalised(text: str) -> str:
    """What makes two stories "the same": case, punctuation and spacing do not count."""
    return _SPACE.sub(" ", _NOT_WORD.sub(" ", text.lower())).strip()


def _examples_line(raw: str) -> int:
    """1-based line of the `examples:` key (the stories follow it)."""
    for number, line in enumerate(raw.splitlines(), start=1):
        if line.startswith("examples:"):
            return number
    return 1


def file_label_and_language(path: Path) -> tuple[str, str]:
    """("romance", "ms") for romance.ms.yml, ("romance", "en") for romance.yml."""
    label, _, rest = path.name.partition(".")
    language = rest.rsplit(".", 1)[0] if rest.count(".") == 1 else DEFAULT_LANGUAGE
    return label, language


def read_file(path: Path) -> list[Story]:
    """The stories of one file; the file name must be its label (and language)."""
    raw = path.read_text(encoding="utf-8")
    try:
        content = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        raise ScamTypeDataError(f"{path}: not YAML ({error})") from error
    if not isinstance(content, dict) or not isinstance(content.get("examples"), str):
        raise ScamTypeDataError(f"{path}:1: needs `label:` and an `examples: |` block")
    label = content.get("label")
    if label not in SCAM_TYPES:
        raise ScamTypeDataError(f"{path}:1: label {label!r} is not a scam type of the brief")
    named, language = file_label_and_language(path)
    if named != label:
        raise ScamTypeDataError(f"{path}:1: label {label!r} stands in a file named {path.name}")
    if language not in LANGUAGES or content.get("language", language) != language:
        raise ScamTypeDataError(
            f"{path}:1: language {content.get('language', language)!r} does not fit the file "
            f"name {path.name} (<code>.yml for English, <code>.<zh|ms>.yml otherwise)"
        )
    first = _examples_line(raw) + 1
    stories = []
    for offset, line in enumerate(content["examples"].splitlines()):
        text = line.strip()
        if not text:
            continue
        if not text.startswith("- "):
            raise ScamTypeDataError(f"{path}:{first + offset}: a story line starts with '- '")
        stories.append(
            Story(
                text=text[2:].strip(),
                label=label,
                path=path,
                line=first + offset,
                language=language,
            )
        )
    return stories


def load_split(split: str, data_dir: Path = DATA_DIR) -> list[Story]:
    """Every story of ``split`` ("train" or "heldout"), file by file in name order."""
    directory = data_dir / split
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise ScamTypeDataError(f"{directory}: no <scam type>.yml files")
    return [story for path in files for story in read_file(path)]


def problems(
    train: Sequence[Story], heldout: Sequence[Story], *, min_per_type: int = 1
) -> list[str]:
    """Duplicates, stories under two labels, held-out stories that leak into training."""
    found = _duplicates(train) + _duplicates(heldout)
    seen = {normalised(story.text): story for story in train}
    for story in heldout:
        twin = seen.get(normalised(story.text))
        if twin is not None:
            found.append(
                f"{story.where}: held-out story leaks into the training data at {twin.where}"
            )
    for split, stories in (("train", train), ("heldout", heldout)):
        counts = {code: 0 for code in SCAM_TYPES}
        for story in stories:
            counts[story.label] += 1
        found += [
            f"{split}: {code} has {count} stories; at least {min_per_type} are needed"
            for code, count in counts.items()
            if count < min_per_type
        ]
    return found


def _duplicates(stories: Iterable[Story]) -> list[str]:
    first: dict[str, Story] = {}
    found = []
    for story in stories:
        key = normalised(story.text)
        if key in first:
            other = first[key]
            found.append(f"{story.where}: the same story as {other.where} ({other.label})")
        else:
            first[key] = story
    return found
