"""rasa_runtime.tokenizer: Han characters one token each, the rest as WhitespaceTokenizer does
(run in .venv/rasa)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from scamreport.settings import PROJECT_ROOT

RASA_PYTHON = PROJECT_ROOT / ".venv" / "rasa" / "bin" / "python"
pytestmark = pytest.mark.skipif(
    not RASA_PYTHON.exists(), reason="needs the Rasa environment (.venv/rasa; `make env`)"
)

SCRIPT = """
import json, sys
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa_runtime.tokenizer import HanCharTokenizer
out = {}
for cls in (WhitespaceTokenizer, HanCharTokenizer):
    tokenizer = cls(cls.get_default_config())
    out[cls.__name__] = [
        [[t.text, t.start, t.end] for t in tokenizer.tokenize(Message(data={"text": s}), "text")]
        for s in json.loads(sys.argv[1])
    ]
print(json.dumps(out))
"""

TEXTS = [
    "我transfer了5000块",
    "不对，是300",
    "hello 你好",
    "sy kena tipu, dia ckp polis :)",
    "they took 3,000 from hxxps://a[.]shop",
]


@pytest.fixture(scope="module")
def tokens() -> dict[str, list[list[list[object]]]]:
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", SCRIPT, json.dumps(TEXTS)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_han_characters_are_one_token_each_with_their_offsets(
    tokens: dict[str, list[list[list[object]]]],
) -> None:
    assert tokens["HanCharTokenizer"][0] == [
        ["我", 0, 1], ["transfer", 1, 9], ["了", 9, 10], ["5000", 10, 14], ["块", 14, 15]
    ]  # fmt: skip
    # WhitespaceTokenizer takes all-Han words for emoji and drops them.
    assert [t[0] for t in tokens["WhitespaceTokenizer"][1]] == ["是300"]
    assert [t[0] for t in tokens["HanCharTokenizer"][1]] == ["不", "对", "是", "300"]
    assert [t[0] for t in tokens["HanCharTokenizer"][2]] == ["hello", "你", "好"]


def test_text_without_han_is_tokenized_as_by_whitespace_tokenizer(
    tokens: dict[str, list[list[list[object]]]],
) -> None:
    assert tokens["HanCharTokenizer"][3:] == tokens["WhitespaceTokenizer"][3:]
