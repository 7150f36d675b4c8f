"""`scamreport parse` against the trained model (models/current.tar.gz, made by `make train`)."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

from scamreport.cli.rasa_data import load_domain
from scamreport.cli.stack import CURRENT_MODEL, free_port
from scamreport.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e

SCAMREPORT = PROJECT_ROOT / ".venv" / "app" / "bin" / "scamreport"
FAKE_POLICE = (
    "a man called saying he was from interpol and told me to transfer 5000 SGD "
    "to DE89 3704 0044 0532 0130 00"
)
FAKE_SHOP = "i paid S$80 by paynow to a shop on instagram for masks and nothing came"
# Plain enough that any model trained on data/ knows it.
TYPICAL = "someone called pretending to be police"


def run_parse(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    assert CURRENT_MODEL.exists(), f"no trained model at {CURRENT_MODEL}: run `make train`"
    env = {
        **os.environ,
        # Nothing listens there, so parse loads the model itself.
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
    }
    result = subprocess.run(
        [str(SCAMREPORT), "parse", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PROJECT_ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def domain_intents() -> set[str]:
    return set(load_domain(PROJECT_ROOT / "domain.yml").intents)


def test_parse_shows_intent_scam_type_and_indicators() -> None:
    result = json.loads(run_parse(FAKE_POLICE, "--country", "sg").stdout)
    assert result["text"] == FAKE_POLICE
    assert result["country"] == "SG"
    assert result["intent"]["name"] in domain_intents() | {"nlu_fallback"}
    assert 0.0 < result["intent"]["confidence"] <= 1.0
    assert "scam_type" in result
    indicators = result["indicators"]
    assert indicators["iban"] == ["DE89370400440532013000"]
    assert indicators["amount"] == [{"value": "5000", "currency": "SGD"}]
    assert indicators["claimed_agency"] == ["International Criminal Police Organization"]
    assert indicators["phone"] == indicators["email"] == indicators["url"] == []
    # Only with --explain:
    assert "intent_ranking" not in result
    assert "indicator_sources" not in result


def check_explained(result: dict[str, Any], intents: set[str]) -> None:
    ranking = result["intent_ranking"]
    assert ranking, "no intent ranking"
    assert ranking[0]["name"] == result["intent"]["name"]
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert {r["name"] for r in ranking} <= intents | {"nlu_fallback"}
    sources = result["indicator_sources"]
    text = result["text"]
    for source in sources:
        assert source["rule"], source
        assert text[source["start"] : source["end"]] == source["raw"]
    # Every indicator listed is explained by a source, and every source by an indicator.
    explained = {(s["kind"], json.dumps(s["value"], sort_keys=True)) for s in sources}
    listed = {
        (kind, json.dumps(value, sort_keys=True))
        for kind, values in result["indicators"].items()
        for value in values
    }
    assert explained == listed


def test_parse_explain_over_jsonl_gives_rankings_and_rules() -> None:
    lines = [
        json.dumps({"text": TYPICAL, "country": "MY"}),
        "",
        json.dumps({"text": FAKE_POLICE, "country": "SG"}),
        json.dumps({"text": FAKE_SHOP}),
    ]
    result = run_parse("--jsonl", "--explain", "--country", "SG", stdin="\n".join(lines) + "\n")
    outputs = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [o["text"] for o in outputs] == [TYPICAL, FAKE_POLICE, FAKE_SHOP]
    typical, police, shop = outputs
    intents = domain_intents()
    for output in outputs:
        check_explained(output, intents)
    assert typical["intent"]["name"] == "report_fake_authority"
    assert typical["scam_type"] == "fake_authority"
    assert typical["indicator_sources"] == []
    assert typical["country"] == "MY"
    assert shop["country"] == "SG"  # from --country when the line has none
    rules = {s["kind"]: s["rule"] for s in police["indicator_sources"]}
    assert set(rules) == {"iban", "amount", "claimed_agency"}
    assert rules["claimed_agency"] == "agency_phrase"
    (amount,) = [s for s in shop["indicator_sources"] if s["kind"] == "amount"]
    assert amount["value"] == {"value": "80", "currency": "SGD"}
    assert amount["raw"] == "S$80"


def test_parse_jsonl_answers_a_bad_line_with_an_error_and_goes_on() -> None:
    env = {**os.environ, "RASA_URL": f"http://127.0.0.1:{free_port()}"}
    lines = [
        '{"text": "hello"}',
        "not json",
        '{"text": "hi", "country": 5}',
        "[" * 100_000,
        '{"text": "x", "n": ' + "9" * 5000 + "}",
        '{"text": "a lone \\ud800 surrogate"}',
        '{"text": "still answered"}',
    ]
    result = subprocess.run(
        [str(SCAMREPORT), "parse", "--jsonl"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PROJECT_ROOT,
        env=env,
    )
    assert result.returncode == 1  # some lines failed
    assert "line 2: not JSON" in result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == len(lines)
    assert answers[0]["text"] == "hello"
    assert [a["line"] for a in answers[1:5]] == [2, 3, 4, 5]
    assert "two-letter" in answers[2]["error"]
    assert answers[5]["text"] == "a lone  surrogate"  # dropped, as the bot drops it
    assert answers[6]["text"] == "still answered"


def test_a_jsonl_line_of_exactly_the_limit_is_read_and_one_byte_more_is_refused() -> None:
    """Found by the fuzz at 10,000 lines: the limit counted the newline, so a line of exactly
    MAX_LINE_BYTES was refused as longer."""
    import io

    from scamreport.cli.parse import numbered_lines

    stream = io.BytesIO(b"12345\n123456\n1234\n12345")
    assert list(numbered_lines(stream, limit=5)) == [
        (1, b"12345\n"),
        (2, b""),
        (3, b"1234\n"),
        (4, b"12345"),
    ]
