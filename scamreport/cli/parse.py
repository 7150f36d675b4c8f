"""`scamreport parse`: what the assistant understands from one message, as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from scamreport.cli.nlu import ModelParser, NluUnavailable, ServerParser, open_parser
from scamreport.cli.stack import CURRENT_MODEL
from scamreport.extraction import Amount, Indicators, build_extractor
from scamreport.intents import implied_scam_type
from scamreport.settings import get_settings


def understand(
    text: str, country: str | None, nlu: dict[str, Any], *, explain: bool = False
) -> dict[str, Any]:
    extractor = build_extractor()
    found = extractor.find(text, country)
    indicators: Indicators = extractor.extract(text, country)
    intent = nlu.get("intent") or {}
    result: dict[str, Any] = {
        "text": text,
        "country": country,
        "intent": {"name": intent.get("name"), "confidence": intent.get("confidence")},
        "entities": [
            {k: e.get(k) for k in ("entity", "value", "start", "end", "extractor")}
            for e in nlu.get("entities") or []
        ],
        "scam_type": implied_scam_type(intent.get("name"), text),
        "indicators": indicators.to_dict(),
    }
    if explain:
        result["intent_ranking"] = [
            {"name": r.get("name"), "confidence": r.get("confidence")}
            for r in nlu.get("intent_ranking") or []
        ]
        result["indicator_sources"] = [
            {
                "kind": f.kind,
                "value": f.value.to_dict() if isinstance(f.value, Amount) else f.value,
                "raw": f.raw,
                "start": f.start,
                "end": f.end,
                "rule": f.rule,
            }
            for f in found
        ]
    return result


def requests_from(args: argparse.Namespace, stdin: TextIO) -> Iterable[tuple[str, str | None]]:
    if not args.jsonl:
        text = args.text if args.text is not None else stdin.read()
        yield text.strip(), args.country
        return
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise SystemExit(f"line {number}: not JSON ({error.msg})") from error
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise SystemExit(f'line {number}: expected {{"text": ..., "country": ...}}')
        yield item["text"], item.get("country") or args.country


def run_parse(args: argparse.Namespace) -> int:
    settings = get_settings()
    parser: ServerParser | ModelParser | None = None
    try:
        parser = open_parser(settings.rasa_url, CURRENT_MODEL)
        for text, country in requests_from(args, sys.stdin):
            country = country.upper() if country else None
            result = understand(text, country, parser.parse(text), explain=args.explain)
            print(json.dumps(result, ensure_ascii=False, indent=None if args.jsonl else 2))
            sys.stdout.flush()
    except NluUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        if parser is not None:
            parser.close()
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "parse", help="show the intent, entities, scam type and indicators of a message"
    )
    parser.add_argument("text", nargs="?", help="the message (default: read standard input)")
    parser.add_argument("--country", help="the reporter's country (ISO 3166 alpha-2), e.g. SG")
    parser.add_argument("--jsonl", action="store_true",
                        help='read {"text": ..., "country": ...} lines, write one result per line')
    parser.add_argument("--explain", action="store_true",
                        help="add the intent ranking and the rule that found each indicator")
    parser.set_defaults(handler=run_parse)
