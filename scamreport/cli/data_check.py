"""`scamreport data check`: the project's own checks of the Rasa training data.

`rasa data validate` checks that the data and the domain agree; these checks catch what it
does not, each reported as `file:line: message`:
- every intent of the domain has enough training examples;
- no example stands under two intents (the model sees words only, so "hello" = "hello?"),
  and no example is listed twice under one intent;
- no example of the held-out test split appears in the training data;
- every response is used (by a story, a rule, a form question, a default action or the custom
  actions' code) and every slot is used (by a form, a story, a rule, a response or the actions);
- every lookup table and regex names an annotated entity and a featurizer reads it, and every
  synonym can be reached (a lookup table or an annotated example contains its forms);
- every name and alias in the agency registry is found by the claimed-agency extraction and
  given that agency's name.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scamreport.cli.rasa_data import (
    Domain,
    Example,
    Location,
    RasaDataError,
    TrainingData,
    display_path,
    load_domain,
    load_pipeline,
    load_training_data,
    load_yaml,
)

DEFAULT_MIN_EXAMPLES = 10
# Slots Rasa itself sets.
BUILTIN_SLOTS = frozenset({"requested_slot", "session_started_metadata"})
# Responses Rasa's default actions utter: action_default_fallback (the core fallback and the
# rule for nlu_fallback) and action_restart (the built-in /restart rule).
DEFAULT_ACTION_RESPONSES = frozenset({"utter_default", "utter_restart"})
# Responses other default actions utter, used only when the action is.
DEFAULT_ACTION_RESPONSE_OF = {
    "action_default_ask_rephrase": "utter_ask_rephrase",
    "action_back": "utter_back",
}
LOOKUP_READERS = ("RegexFeaturizer", "RegexEntityExtractor")
# A claim the extraction recognises for every alias, generic words ("customs") included.
CLAIM_SENTENCE = "A man called me and said he was from {alias}."


@dataclass(frozen=True, order=True)
class Problem:
    where: Location
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class CodeReferences:
    """String constants in the custom actions' code: names used literally and f-string prefixes."""

    names: frozenset[str]
    prefixes: frozenset[str]

    def uses(self, name: str) -> bool:
        return name in self.names or any(name.startswith(p) for p in self.prefixes)


def code_references(actions_dir: Path) -> CodeReferences:
    names: set[str] = set()
    prefixes: set[str] = set()
    files = [actions_dir] if actions_dir.is_file() else sorted(actions_dir.rglob("*.py"))
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values:
                head = node.values[0]
                if isinstance(head, ast.Constant) and isinstance(head.value, str) and head.value:
                    prefixes.add(head.value)
    # An f-string prefix stands for a family of names only when it is specific enough.
    return CodeReferences(frozenset(names), frozenset(p for p in prefixes if len(p) > 6))


def check_intent_sizes(domain: Domain, data: TrainingData, minimum: int) -> Iterator[Problem]:
    by_intent = data.examples_by_intent()
    for intent, declared in domain.intents.items():
        examples = by_intent.get(intent, [])
        distinct = len({e.key for e in examples})
        if distinct >= minimum or (distinct == 0 and intent in domain.payload_intents):
            continue
        where = data.intent_blocks.get(intent, declared)
        yield Problem(
            where,
            f"intent '{intent}' has {distinct} distinct training example(s); "
            f"at least {minimum} are needed",
        )


def check_duplicate_examples(data: TrainingData) -> Iterator[Problem]:
    first: dict[str, Example] = {}
    for example in data.examples:
        if not example.key:
            yield Problem(example.where, f"empty example under intent '{example.intent}'")
            continue
        seen = first.setdefault(example.key, example)
        if seen is example:
            continue
        if seen.intent != example.intent:
            yield Problem(
                example.where,
                f"example '{example.text}' stands under intent '{example.intent}' and under "
                f"intent '{seen.intent}' ({seen.where})",
            )
        elif seen.text.casefold().split() == example.text.casefold().split():
            yield Problem(
                example.where,
                f"example '{example.text}' is listed twice under intent '{example.intent}' "
                f"(first at {seen.where})",
            )


def check_test_leaks(test: TrainingData, training: TrainingData) -> Iterator[Problem]:
    trained: dict[str, Example] = {}
    for example in training.examples:
        trained.setdefault(example.key, example)
    for example in test.examples:
        leaked = trained.get(example.key)
        if leaked is not None:
            yield Problem(
                example.where,
                f"test example '{example.text}' leaks into the training data at {leaked.where}",
            )


def check_test_intents(domain: Domain, test: TrainingData) -> Iterator[Problem]:
    for intent, where in test.intent_blocks.items():
        if intent not in domain.intents:
            yield Problem(where, f"test intent '{intent}' is not in the domain")


def used_responses(domain: Domain, data: TrainingData, code: CodeReferences) -> set[str]:
    used = set(data.actions) | DEFAULT_ACTION_RESPONSES
    used |= {r for a, r in DEFAULT_ACTION_RESPONSE_OF.items() if a in data.actions}
    for form, slots in domain.forms.items():
        for slot in slots:
            used |= {f"utter_ask_{slot}", f"utter_ask_{form}_{slot}"}
    used |= {name for name in domain.responses if code.uses(name)}
    return used


def check_responses_used(
    domain: Domain, data: TrainingData, code: CodeReferences
) -> Iterator[Problem]:
    used = used_responses(domain, data, code)
    for name, where in domain.responses.items():
        if name not in used:
            yield Problem(
                where,
                f"response '{name}' is never used (no story, rule, form question or action "
                "utters it)",
            )


def check_slots_used(domain: Domain, data: TrainingData, code: CodeReferences) -> Iterator[Problem]:
    used = set(data.slots) | BUILTIN_SLOTS
    for slots in domain.forms.values():
        used.update(slots)
    for texts in domain.response_texts.values():
        for text in texts:
            used.update(name for name in domain.slots if "{" + name + "}" in text)
    used.update(name for name in domain.slots if name in code.names)
    for name, where in domain.slots.items():
        if name not in used:
            yield Problem(
                where,
                f"slot '{name}' is never used (no form, story, rule, response or action uses it)",
            )


def _reads_lookups(pipeline: Sequence[dict[str, Any]], option: str) -> bool:
    return any(
        c.get("name") in LOOKUP_READERS and c.get(option, True) is not False for c in pipeline
    )


def check_lookups_referenced(
    data: TrainingData, domain: Domain, pipeline: Sequence[dict[str, Any]], config: str
) -> Iterator[Problem]:
    annotated = {entity.entity for example in data.examples for entity in example.entities}
    for kind, tables, option in (
        ("lookup table", data.lookups, "use_lookup_tables"),
        ("regex", data.regexes, "use_regexes"),
    ):
        for table in tables:
            if table.name not in domain.entities:
                yield Problem(table.where, f"{kind} '{table.name}' names no entity of the domain")
            elif table.name not in annotated:
                yield Problem(
                    table.where,
                    f"{kind} '{table.name}' is not referenced: no training example annotates "
                    f"a '{table.name}' entity",
                )
            if not _reads_lookups(pipeline, option):
                yield Problem(
                    table.where,
                    f"{kind} '{table.name}' is not read: {config} has no "
                    f"{' or '.join(LOOKUP_READERS)} with {option}",
                )
            if not table.items:
                yield Problem(table.where, f"{kind} '{table.name}' lists nothing")


def check_synonyms_referenced(
    data: TrainingData, pipeline: Sequence[dict[str, Any]], config: str
) -> Iterator[Problem]:
    if data.synonyms and not any(c.get("name") == "EntitySynonymMapper" for c in pipeline):
        yield Problem(
            data.synonyms[0].where,
            f"synonyms are never applied: {config} has no EntitySynonymMapper",
        )
    reachable = {entity.text.casefold() for e in data.examples for entity in e.entities}
    reachable |= {form.casefold() for table in data.lookups for form, _ in table.items}
    for synonym in data.synonyms:
        if not synonym.items:
            yield Problem(synonym.where, f"synonym '{synonym.name}' lists nothing")
        for form, where in synonym.items:
            if form.casefold() not in reachable:
                yield Problem(
                    where,
                    f"synonym form '{form}' (-> '{synonym.name}') is not referenced: no lookup "
                    "table lists it and no training example annotates it",
                )


def registry_alias_lines(path: Path) -> dict[str, tuple[int, dict[str, int]]]:
    """Agency code -> (line of the entry, alias or name -> line), read from the registry file."""
    document = load_yaml(path)
    lines: dict[str, tuple[int, dict[str, int]]] = {}
    for entry in (document or {}).get("agencies") or []:
        if not isinstance(entry, dict) or "code" not in entry:
            continue
        names: dict[str, int] = {}
        for key in ("name", "short_name"):
            if key in entry:
                names.setdefault(str(entry[key]), entry.lc.value(key)[0] + 1)
        aliases = entry.get("aliases") or []
        for index, alias in enumerate(aliases):
            names.setdefault(str(alias), aliases.lc.item(index)[0] + 1)
        lines[str(entry["code"])] = (entry.lc.line + 1, names)
    return lines


def check_registry_aliases(registry_path: Path) -> Iterator[Problem]:
    # Imported here: the registry and the spaCy pipeline are only needed by this check.
    from scamreport.extraction import build_extractor
    from scamreport.registry import RegistryError, load_registry

    shown = display_path(registry_path)
    try:
        registry = load_registry(registry_path)
    except RegistryError as error:
        yield Problem(Location(shown, 1), str(error))
        return
    lines = registry_alias_lines(registry_path)
    owners: dict[str, set[str]] = {}
    for agency in registry.agencies:
        for name in agency.names():
            owners.setdefault(name.casefold(), set()).add(agency.name)
    extractor = build_extractor()
    for agency in registry.agencies:
        if agency.kind == "desk":
            continue  # nobody claims to be the international desk
        entry_line, alias_lines = lines.get(agency.code, (1, {}))
        for alias in agency.names():
            where = Location(shown, alias_lines.get(alias, entry_line))
            text = CLAIM_SENTENCE.format(alias=alias)
            start = text.index(alias)
            found = [
                f
                for f in extractor.find(text)
                if f.kind == "claimed_agency" and f.start <= start and f.end >= start + len(alias)
            ]
            if not found:
                yield Problem(
                    where,
                    f"{agency.code}: '{alias}' is not found by the claimed-agency extraction "
                    "(scamreport.extraction.build_extractor)",
                )
            elif str(found[0].value) not in owners[alias.casefold()]:
                yield Problem(
                    where,
                    f"{agency.code}: '{alias}' is extracted as claimed agency "
                    f"'{found[0].value}', not as the registry's '{agency.name}'",
                )


@dataclass(frozen=True)
class CheckInputs:
    data: Path
    domain: Path
    config: Path
    test_nlu: Path | None
    actions: Path
    registry: Path | None
    min_examples: int = DEFAULT_MIN_EXAMPLES


def run_checks(inputs: CheckInputs) -> list[Problem]:
    """Every problem the checks find, sorted by file and line."""
    try:
        data = load_training_data([inputs.data])
        domain = load_domain(inputs.domain)
        pipeline = load_pipeline(inputs.config)
        test = load_training_data([inputs.test_nlu]) if inputs.test_nlu else TrainingData()
    except RasaDataError as error:
        return [Problem(error.where, error.problem)]
    code = code_references(inputs.actions)
    config = display_path(inputs.config)
    checks: list[Iterable[Problem]] = [
        check_intent_sizes(domain, data, inputs.min_examples),
        check_duplicate_examples(data),
        check_test_leaks(test, data),
        check_test_intents(domain, test),
        check_duplicate_examples(test),
        check_responses_used(domain, data, code),
        check_slots_used(domain, data, code),
        check_lookups_referenced(data, domain, pipeline, config),
        check_synonyms_referenced(data, pipeline, config),
    ]
    if inputs.registry is not None:
        checks.append(check_registry_aliases(inputs.registry))
    return sorted({problem for check in checks for problem in check})


def default_registry_path() -> Path:
    from scamreport.registry.loader import packaged_registry_path, registry_override

    override = registry_override()
    return Path(override) if override else packaged_registry_path()


def run_data_check(args: argparse.Namespace) -> int:
    for name in ("data", "domain", "config", "actions"):
        path = getattr(args, name)
        if not path.exists():
            print(f"error: {path} does not exist", file=sys.stderr)
            return 2
    test_nlu = Path(args.test_nlu) if args.test_nlu else None
    if test_nlu is not None and not test_nlu.exists():
        print(f"error: {test_nlu} does not exist", file=sys.stderr)
        return 2
    registry = None if args.no_registry else (args.registry or default_registry_path())
    problems = run_checks(
        CheckInputs(
            data=args.data,
            domain=args.domain,
            config=args.config,
            test_nlu=test_nlu,
            actions=args.actions,
            registry=registry,
            min_examples=args.min_examples,
        )
    )
    for problem in problems:
        print(problem)
    if problems:
        print(f"scamreport data check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("scamreport data check: ok")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    data = subparsers.add_parser("data", help="check the Rasa training data")
    commands = data.add_subparsers(dest="data_command", required=True)
    check = commands.add_parser(
        "check",
        help="the project's own checks of the training data (file:line: message; exit 1 on any)",
    )
    check.add_argument("--data", type=Path, default=Path("data"), help="training data folder")
    check.add_argument("--domain", type=Path, default=Path("domain.yml"))
    check.add_argument("--config", type=Path, default=Path("config.yml"))
    check.add_argument(
        "--test-nlu",
        default="tests/nlu/test_data.yml",
        help="the held-out NLU test split ('' to skip the leak check)",
    )
    check.add_argument(
        "--actions",
        type=Path,
        default=Path("actions"),
        help="custom actions' code, scanned for the responses and slots it uses",
    )
    check.add_argument(
        "--registry",
        type=Path,
        default=None,
        help="agency registry file (default: $AGENCY_REGISTRY or the packaged one)",
    )
    check.add_argument(
        "--no-registry", action="store_true", help="skip the check of the registry's aliases"
    )
    check.add_argument(
        "--min-examples",
        type=int,
        default=DEFAULT_MIN_EXAMPLES,
        help="distinct training examples each intent needs (default: %(default)s)",
    )
    check.set_defaults(handler=run_data_check)
