"""`scamreport data check`: each check on a small Rasa project, then on a copy of the real data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from scamreport.cli import main
from scamreport.cli.rasa_data import load_training_data
from scamreport.settings import PROJECT_ROOT

DOMAIN = """\
version: "3.1"
intents:
  - greet
  - report_scam
entities:
  - country
slots:
  country:
    type: any
    mappings:
      - type: from_entity
        entity: country
  reference:
    type: text
    mappings:
      - type: custom
  interview:
    type: text
    mappings:
      - type: custom
forms:
  report_form:
    required_slots:
      - country
responses:
  utter_greet:
    - text: "Hello"
  utter_ask_country:
    - text: "Which country?"
  utter_submitted:
    - text: "Saved as {reference}."
  utter_explain_country:
    - text: "So we know the agency."
actions:
  - action_submit
"""

CONFIG = """\
recipe: default.v1
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: RegexFeaturizer
    use_lookup_tables: true
  - name: DIETClassifier
  - name: EntitySynonymMapper
policies:
  - name: RulePolicy
"""

NLU = """\
version: "3.1"
nlu:
  - intent: greet
    examples: |
      - hi
      - hello there
      - good morning
  - intent: report_scam
    examples: |
      - i was scammed in [Singapore](country)
      - someone in [uk](country) took my money
      - a fake shop cheated me
  - lookup: country
    examples: |
      - Singapore
      - uk
  - synonym: United Kingdom
    examples: |
      - uk
"""

RULES = """\
version: "3.1"
rules:
  - rule: greet
    steps:
      - intent: greet
      - action: utter_greet
  - rule: report
    steps:
      - intent: report_scam
      - action: action_submit
      - slot_was_set:
          - interview: general
"""

ACTIONS = """\
def run(dispatcher, slot):
    dispatcher.utter_message(response="utter_submitted")
    dispatcher.utter_message(response=f"utter_explain_{slot}")
"""

TEST_NLU = """\
version: "3.1"
nlu:
  - intent: greet
    examples: |
      - hey hey
  - intent: report_scam
    examples: |
      - they stole my savings
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "actions").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "domain.yml").write_text(DOMAIN)
    (tmp_path / "config.yml").write_text(CONFIG)
    (tmp_path / "data" / "nlu.yml").write_text(NLU)
    (tmp_path / "data" / "rules.yml").write_text(RULES)
    (tmp_path / "actions" / "submit.py").write_text(ACTIONS)
    (tmp_path / "tests" / "test_data.yml").write_text(TEST_NLU)
    return tmp_path


def check(
    project: Path, capsys: pytest.CaptureFixture[str], *extra: str, min_examples: int = 3
) -> tuple[int, list[str]]:
    code = main(
        [
            "data", "check",
            "--data", str(project / "data"),
            "--domain", str(project / "domain.yml"),
            "--config", str(project / "config.yml"),
            "--actions", str(project / "actions"),
            "--test-nlu", str(project / "tests" / "test_data.yml"),
            "--min-examples", str(min_examples),
            *extra,
        ]
    )  # fmt: skip
    return code, [line for line in capsys.readouterr().out.splitlines() if line]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def test_a_clean_project_passes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = check(project, capsys, "--no-registry")
    assert lines == ["scamreport data check: ok"]
    assert code == 0


def test_an_intent_with_too_few_examples_is_named_with_its_block(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = check(project, capsys, "--no-registry", min_examples=4)
    nlu = project / "data" / "nlu.yml"
    assert code == 1
    assert lines == [
        f"{nlu}:{line_of(nlu, 'intent: greet')}: intent 'greet' has 3 distinct training "
        "example(s); at least 4 are needed",
        f"{nlu}:{line_of(nlu, 'intent: report_scam')}: intent 'report_scam' has 3 distinct "
        "training example(s); at least 4 are needed",
    ]


def test_an_example_under_two_intents_is_caught(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nlu = project / "data" / "nlu.yml"
    # Punctuation and case do not make a different example: the tokenizer drops them.
    edit(
        nlu,
        "      - a fake shop cheated me\n",
        "      - a fake shop cheated me\n      - Hello there!\n",
    )
    code, lines = check(project, capsys, "--no-registry")
    assert code == 1
    assert lines == [
        f"{nlu}:{line_of(nlu, 'Hello there!')}: example 'Hello there!' stands under intent "
        f"'report_scam' and under intent 'greet' ({nlu}:{line_of(nlu, 'hello there')})"
    ]


def test_an_example_listed_twice_under_one_intent_is_caught(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nlu = project / "data" / "nlu.yml"
    edit(nlu, "      - good morning\n", "      - good morning\n      - good  morning\n")
    code, lines = check(project, capsys, "--no-registry")
    assert code == 1
    assert lines == [
        f"{nlu}:{line_of(nlu, 'good  morning')}: example 'good  morning' is listed twice under "
        f"intent 'greet' (first at {nlu}:{line_of(nlu, 'good morning')})"
    ]


def test_a_test_example_in_the_training_data_is_caught(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    test_nlu = project / "tests" / "test_data.yml"
    nlu = project / "data" / "nlu.yml"
    edit(test_nlu, "      - hey hey\n", "      - hey hey\n      - Good morning.\n")
    code, lines = check(project, capsys, "--no-registry")
    assert code == 1
    assert lines == [
        f"{test_nlu}:{line_of(test_nlu, 'Good morning.')}: test example 'Good morning.' leaks "
        f"into the training data at {nlu}:{line_of(nlu, 'good morning')}"
    ]


def test_unused_responses_and_slots_are_named(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    domain = project / "domain.yml"
    edit(domain, "actions:\n", '  utter_never:\n    - text: "unused"\nactions:\n')
    edit(
        domain, "forms:\n", "  mood:\n    type: text\n    mappings:\n      - type: custom\nforms:\n"
    )
    # Without the actions' code, the responses and the slot only it uses are unused too.
    (project / "actions" / "submit.py").write_text("")
    code, lines = check(project, capsys, "--no-registry")
    assert code == 1
    assert lines == sorted(
        [
            f"{domain}:{line_of(domain, 'utter_never:')}: response 'utter_never' is never used "
            "(no story, rule, form question or action utters it)",
            f"{domain}:{line_of(domain, 'utter_submitted:')}: response 'utter_submitted' is "
            "never used (no story, rule, form question or action utters it)",
            f"{domain}:{line_of(domain, 'utter_explain_country:')}: response "
            "'utter_explain_country' is never used (no story, rule, form question or action "
            "utters it)",
            f"{domain}:{line_of(domain, 'mood:')}: slot 'mood' is never used (no form, story, "
            "rule, response or action uses it)",
        ],
        key=lambda line: int(line.split(":")[1]),
    )


def test_unreferenced_lookup_tables_and_synonyms_are_named(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nlu = project / "data" / "nlu.yml"
    edit(nlu, "  - synonym: United Kingdom\n    examples: |\n      - uk\n",
         "  - synonym: United Kingdom\n    examples: |\n      - uk\n      - blighty\n"
         "  - lookup: payment_method\n    examples: |\n      - paynow\n")  # fmt: skip
    code, lines = check(project, capsys, "--no-registry")
    assert code == 1
    lookup = line_of(nlu, "lookup: payment_method")
    assert lines == [
        f"{nlu}:{line_of(nlu, 'blighty')}: synonym form 'blighty' (-> 'United Kingdom') is not "
        "referenced: no lookup table lists it and no training example annotates it",
        f"{nlu}:{lookup}: lookup table 'payment_method' names no entity of the domain",
    ]


def test_lookup_tables_unread_by_the_pipeline_are_named(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project / "config.yml"
    edit(config, "use_lookup_tables: true", "use_lookup_tables: false")
    edit(config, "  - name: EntitySynonymMapper\n", "")
    code, lines = check(project, capsys, "--no-registry")
    nlu = project / "data" / "nlu.yml"
    assert code == 1
    assert lines == [
        f"{nlu}:{line_of(nlu, 'lookup: country')}: lookup table 'country' is not read: "
        f"{config} has no RegexFeaturizer or RegexEntityExtractor with use_lookup_tables",
        f"{nlu}:{line_of(nlu, 'synonym: United Kingdom')}: synonyms are never applied: "
        f"{config} has no EntitySynonymMapper",
    ]


def test_yaml_errors_name_the_file_and_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = project / "data" / "rules.yml"
    rules.write_text(RULES + "  - rule: broken\n    steps: [\n")
    code, lines = check(project, capsys, "--no-registry")
    assert code == 1
    assert len(lines) == 1
    assert re.fullmatch(rf"{re.escape(str(rules))}:1[0-9]: not valid YAML: .+", lines[0])


def test_registry_aliases_the_extraction_cannot_find_are_named(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = yaml.safe_load((PROJECT_ROOT / "scamreport/registry/agencies.yaml").read_text())
    real["agencies"] = [a for a in real["agencies"] if a["code"] in ("sg-spf", "int-desk")]
    spf = real["agencies"][0]
    spf["aliases"] = ["Singapore Police", "Ministry of Imaginary Affairs"]
    registry = project / "agencies.yaml"
    registry.write_text(yaml.safe_dump(real, allow_unicode=True, sort_keys=False))
    code, lines = check(project, capsys, "--registry", str(registry))
    assert code == 1
    assert lines == [
        f"{registry}:{line_of(registry, 'Ministry of Imaginary Affairs')}: sg-spf: 'Ministry of "
        "Imaginary Affairs' is not found by the claimed-agency extraction "
        "(scamreport.extraction.build_extractor)"
    ]


@pytest.fixture
def real_copy(tmp_path: Path) -> Path:
    """The project's own data, domain, config, actions and test split, copied."""
    for name in ("data", "actions"):
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name)
    for name in ("domain.yml", "config.yml"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    (tmp_path / "tests").mkdir()
    shutil.copy(PROJECT_ROOT / "tests/nlu/test_data.yml", tmp_path / "tests/test_data.yml")
    return tmp_path


def test_on_the_real_data_a_duplicate_and_a_leak_are_caught(
    real_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, before = check(real_copy, capsys, "--no-registry", min_examples=10)
    training = load_training_data([real_copy / "data"])
    test = load_training_data([real_copy / "tests" / "test_data.yml"])
    by_intent = training.examples_by_intent()
    moved = by_intent["affirm"][0]
    leaked = next(e for e in test.examples if e.intent == "report_fake_shop")
    # Append the affirm example under `deny`, and the test example under its own intent.
    path = Path(moved.where.path)
    appended = (
        f"\n  - intent: deny\n    examples: |\n      - {moved.raw}\n"
        f"  - intent: {leaked.intent}\n    examples: |\n      - {leaked.raw}\n"
    )
    with path.open("a") as handle:
        handle.write(appended)
    text = path.read_text()
    moved_line = text.splitlines().index(f"      - {moved.raw}", moved.where.line) + 1
    leaked_line = text.splitlines().index(f"      - {leaked.raw}") + 1

    code, after = check(real_copy, capsys, "--no-registry", min_examples=10)
    assert code == 1
    new = sorted(set(after) - set(before))
    assert new == sorted(
        [
            f"{path}:{moved_line}: example '{moved.text}' stands under intent 'deny' and under "
            f"intent 'affirm' ({moved.where})",
            f"{real_copy / 'tests' / 'test_data.yml'}:{leaked.where.line}: test example "
            f"'{leaked.text}' leaks into the training data at {path}:{leaked_line}",
        ]
    )
