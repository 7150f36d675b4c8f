"""Reading a Rasa 3 project's YAML (training data, domain, config) with the line of every item.

Rasa's own reader forgets where an example came from; maintainers need `file:line` to fix it.
ruamel.yaml's round-trip loader keeps positions (`.lc`), so every example, response, slot,
lookup table and synonym here carries the file and 1-based line it was written on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

# Rasa's annotation syntax: [text](entity), [text](entity:value), [text]{"entity": ...}.
_ENTITY_RE = re.compile(
    r"\[(?P<text>[^\]]+?)\]"
    r"(?:\((?P<entity>[^:)]+?)(?::(?P<value>[^)]+))?\)|\{(?P<json>[^}]+?)\}|\[(?P<list>.*?)\])"
)
_WORD_RE = re.compile(r"\w+")
YAML_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True, order=True)
class Location:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class RasaDataError(ValueError):
    """A file could not be read as YAML."""

    def __init__(self, where: Location, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


@dataclass(frozen=True)
class Entity:
    entity: str
    text: str
    value: str | None = None


@dataclass(frozen=True)
class Example:
    """One NLU example: its plain text (annotations removed) and where it was written."""

    intent: str
    text: str
    raw: str
    entities: tuple[Entity, ...]
    where: Location

    @property
    def key(self) -> str:
        return comparison_key(self.text)


@dataclass(frozen=True)
class NamedList:
    """A lookup table, a regex or a synonym: a name and its listed forms with their lines."""

    name: str
    items: tuple[tuple[str, Location], ...]
    where: Location


@dataclass
class TrainingData:
    examples: list[Example] = field(default_factory=list)
    intent_blocks: dict[str, Location] = field(default_factory=dict)
    lookups: list[NamedList] = field(default_factory=list)
    regexes: list[NamedList] = field(default_factory=list)
    synonyms: list[NamedList] = field(default_factory=list)
    # From stories and rules: every action named in a step, every slot a step or condition sets.
    actions: set[str] = field(default_factory=set)
    slots: set[str] = field(default_factory=set)
    files: list[Path] = field(default_factory=list)

    def examples_by_intent(self) -> dict[str, list[Example]]:
        grouped: dict[str, list[Example]] = {}
        for example in self.examples:
            grouped.setdefault(example.intent, []).append(example)
        return grouped


@dataclass
class Domain:
    intents: dict[str, Location] = field(default_factory=dict)
    entities: dict[str, Location] = field(default_factory=dict)
    slots: dict[str, Location] = field(default_factory=dict)
    responses: dict[str, Location] = field(default_factory=dict)
    response_texts: dict[str, list[str]] = field(default_factory=dict)
    forms: dict[str, list[str]] = field(default_factory=dict)
    actions: dict[str, Location] = field(default_factory=dict)
    # Intents that only the bot's own buttons send ("/stop_report"): nobody types them.
    payload_intents: set[str] = field(default_factory=set)


def comparison_key(text: str) -> str:
    """What the model sees of an example: its words, lower-cased, without punctuation.

    The whitespace tokenizer drops punctuation, so "hello" and "hello?" are one example to it.
    """
    return " ".join(_WORD_RE.findall(text.casefold()))


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it (shorter messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_yaml(path: Path) -> Any:
    """Round-trip loads ``path``; positions are available through each node's ``.lc``."""
    try:
        with path.open(encoding="utf-8") as handle:
            return YAML(typ="rt").load(handle)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        where = Location(display_path(path), line)
        raise RasaDataError(where, f"not valid YAML: {error.problem}") from error
    except OSError as error:
        raise RasaDataError(
            Location(display_path(path), 1), f"cannot read: {error.strerror}"
        ) from error


def yaml_files(root: Path) -> list[Path]:
    """``root`` itself when it is a file, else every YAML file below it, sorted."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in YAML_SUFFIXES)


def parse_example(raw: str) -> tuple[str, tuple[Entity, ...]]:
    """The plain text of an annotated example and its entities."""
    entities: list[Entity] = []
    for match in _ENTITY_RE.finditer(raw):
        if match.group("entity"):
            entities.append(
                Entity(match.group("entity").strip(), match.group("text"), match.group("value"))
            )
        elif match.group("json"):
            try:
                spec = json.loads("{" + match.group("json") + "}")
            except json.JSONDecodeError:
                continue
            if isinstance(spec, dict) and isinstance(spec.get("entity"), str):
                value = spec.get("value")
                entities.append(
                    Entity(
                        spec["entity"],
                        match.group("text"),
                        value if isinstance(value, str) else None,
                    )
                )
        elif match.group("list"):
            try:
                specs = json.loads("[" + match.group("list") + "]")
            except json.JSONDecodeError:
                continue
            for spec in specs if isinstance(specs, list) else []:
                if isinstance(spec, dict) and isinstance(spec.get("entity"), str):
                    entities.append(Entity(spec["entity"], match.group("text")))
    return _ENTITY_RE.sub(lambda m: m.group("text"), raw), tuple(entities)


def _line(node: Any, default: int = 0) -> int:
    lc = getattr(node, "lc", None)
    return (lc.line if lc is not None else default) + 1


def _key_line(node: Any, key: str) -> int:
    try:
        return int(node.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return _line(node)


def list_items(node: Any, key: str, path: str) -> Iterator[tuple[str, Location]]:
    """The ``- item`` lines of ``node[key]`` (a block string or a list), each with its line."""
    value = node.get(key)
    if isinstance(value, str):
        # A literal block's content starts on the line after `key: |`; a quoted string's
        # items all get the line the string starts on.
        start = int(node.lc.value(key)[0])
        block = isinstance(value, LiteralScalarString)
        for offset, line in enumerate(value.splitlines()):
            stripped = line.strip()
            if not stripped.startswith("-"):
                continue
            number = start + offset + 2 if block else start + 1
            yield stripped[1:].strip(), Location(path, number)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            text = item.get("text") if isinstance(item, dict) else item
            if isinstance(text, str):
                line = value.lc.item(index)[0] + 1
                yield text.strip(), Location(path, line)


def read_nlu_items(document: Any, path: str, data: TrainingData) -> None:
    for item in document.get("nlu") or []:
        if not isinstance(item, dict):
            continue
        where = Location(path, _line(item))
        if "intent" in item:
            intent = str(item["intent"])
            data.intent_blocks.setdefault(intent, where)
            for raw, location in list_items(item, "examples", path):
                text, entities = parse_example(raw)
                data.examples.append(Example(intent, text, raw, entities, location))
        else:
            for kind, bucket in (
                ("lookup", data.lookups),
                ("regex", data.regexes),
                ("synonym", data.synonyms),
            ):
                if kind in item:
                    items = tuple(list_items(item, "examples", path))
                    bucket.append(NamedList(str(item[kind]), items, where))


def _walk_steps(steps: Iterable[Any], data: TrainingData) -> None:
    for step in steps or []:
        if not isinstance(step, dict):
            continue
        if isinstance(step.get("action"), str):
            data.actions.add(step["action"])
        if isinstance(step.get("active_loop"), str):
            data.actions.add(step["active_loop"])
        for slot in step.get("slot_was_set") or []:
            if isinstance(slot, dict):
                data.slots.update(str(name) for name in slot)
            elif isinstance(slot, str):
                data.slots.add(slot)
        if isinstance(step.get("or"), list):
            _walk_steps(step["or"], data)


def read_dialogue_items(document: Any, data: TrainingData) -> None:
    for key in ("stories", "rules"):
        for item in document.get(key) or []:
            if isinstance(item, dict):
                _walk_steps(item.get("steps") or [], data)
                _walk_steps(item.get("condition") or [], data)


def load_training_data(roots: Iterable[Path]) -> TrainingData:
    """Every NLU item, story and rule in the YAML files under ``roots``."""
    data = TrainingData()
    for root in roots:
        for path in yaml_files(root):
            document = load_yaml(path)
            if not isinstance(document, dict):
                continue
            data.files.append(path)
            shown = display_path(path)
            read_nlu_items(document, shown, data)
            read_dialogue_items(document, data)
    return data


def _names(node: Any, path: str) -> dict[str, Location]:
    """Names listed under a domain key: a list of names/one-key maps, or a map of names."""
    names: dict[str, Location] = {}
    if isinstance(node, dict):
        for name in node:
            names[str(name)] = Location(path, _key_line(node, name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            name = next(iter(item)) if isinstance(item, dict) and item else item
            if isinstance(name, str):
                names[name] = Location(path, node.lc.item(index)[0] + 1)
    return names


def load_domain(root: Path) -> Domain:
    """The domain file, or every YAML file of a domain directory, merged."""
    domain = Domain()
    for path in yaml_files(root):
        document = load_yaml(path)
        if not isinstance(document, dict):
            continue
        shown = display_path(path)
        domain.intents.update(_names(document.get("intents"), shown))
        domain.entities.update(_names(document.get("entities"), shown))
        domain.slots.update(_names(document.get("slots"), shown))
        domain.actions.update(_names(document.get("actions"), shown))
        responses = document.get("responses") or {}
        domain.responses.update(_names(responses, shown))
        for name, variants in responses.items():
            domain.response_texts[str(name)] = [
                str(v.get("text", "")) for v in variants or [] if isinstance(v, dict)
            ]
            domain.payload_intents.update(_button_intents(variants))
        for name, form in (document.get("forms") or {}).items():
            required = (form or {}).get("required_slots") or []
            domain.forms[str(name)] = [str(s) for s in required]
    return domain


def _button_intents(variants: Any) -> set[str]:
    """The intents named by "/intent" payloads of a response's buttons."""
    found: set[str] = set()
    for variant in variants or []:
        for button in (variant.get("buttons") or []) if isinstance(variant, dict) else []:
            payload = str(button.get("payload", "")) if isinstance(button, dict) else ""
            if payload.startswith("/"):
                found.add(payload[1:].split("{", 1)[0])
    return found


def load_pipeline(config: Path) -> list[dict[str, Any]]:
    """The NLU pipeline of config.yml as plain dicts (component name under "name")."""
    document = load_yaml(config)
    pipeline = (document or {}).get("pipeline") or []
    return [dict(component) for component in pipeline if isinstance(component, dict)]
