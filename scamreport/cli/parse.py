"""`scamreport parse`: what the assistant understands from one message, as JSON.

A message is cleaned and bounded the way the bot bounds it before NLU (scamreport.channel):
lone surrogates and control characters dropped, NLU reading at most the beginning of a long
text. With ``--jsonl`` every non-blank input line gets one output line, in order: the result,
or ``{"line": n, "error": "..."}`` for a line that cannot be parsed; a bad line never stops
the run (the exit status is 1 when any line failed).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, TextIO

from scamreport.channel import bound_text
from scamreport.cli.nlu import ModelParser, NluError, NluUnavailable, ServerParser, open_parser
from scamreport.cli.stack import CURRENT_MODEL
from scamreport.extraction import Amount, Indicators, build_extractor
from scamreport.intents import implied_scam_type
from scamreport.settings import get_settings

# A JSONL line longer than this is answered with an error without being decoded.
MAX_LINE_BYTES = 1024 * 1024
_COUNTRY = re.compile(r"[A-Za-z]{2}")
INTERNAL_ERROR = "internal error"


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
        "scam_type": implied_scam_type(intent.get("name"), text, is_story=True),
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


class BadLine(ValueError):
    """An input line that cannot be parsed; the message says why."""


@dataclass(frozen=True)
class ParseRequest:
    line: int
    text: str
    country: str | None


@dataclass(frozen=True)
class LineError:
    line: int
    error: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "error": self.error}


def country_option(value: str) -> str:
    """``--country``: a two-letter code, upper-cased."""
    try:
        return checked_country(value) or ""
    except BadLine as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def checked_country(value: Any) -> str | None:
    """None, or a two-letter country code upper-cased; raises BadLine otherwise."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _COUNTRY.fullmatch(value):
        raise BadLine('"country" must be a two-letter ISO 3166 code such as "SG"')
    return value.upper()


def request_from_line(number: int, raw: bytes, default_country: str | None) -> ParseRequest:
    """One JSONL line as a request; raises BadLine for anything but
    ``{"text": <string>, "country": <two letters or null>}``."""
    try:
        item = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadLine("not UTF-8") from None
    except RecursionError:
        raise BadLine("not JSON (nested too deeply)") from None
    except ValueError as error:
        reason = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
        raise BadLine(f"not JSON ({reason})") from None
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise BadLine('expected {"text": ..., "country": ...}')
    country = checked_country(item.get("country")) or default_country
    return ParseRequest(line=number, text=item["text"], country=country)


def numbered_lines(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[tuple[int, bytes]]:
    """``(number, line)`` for each non-blank line; a line over ``limit`` bytes (not counting
    its newline) comes back as ``b""`` (its rest skipped), so that no line has to fit in
    memory."""
    number = 0
    while True:
        # The line, its newline, and one byte more to tell a longer line.
        line = stream.readline(limit + 2)
        if not line:
            return
        number += 1
        if len(line.removesuffix(b"\n")) > limit:
            while line and not line.endswith(b"\n"):
                line = stream.readline(limit + 2)
            yield number, b""
        elif line.strip():
            yield number, line


def jsonl_requests(
    stream: BinaryIO, default_country: str | None
) -> Iterator[ParseRequest | LineError]:
    for number, raw in numbered_lines(stream):
        if not raw:
            yield LineError(number, f"longer than {MAX_LINE_BYTES} bytes")
            continue
        try:
            yield request_from_line(number, raw, default_country)
        except BadLine as error:
            yield LineError(number, str(error))


def plain_request(args: argparse.Namespace, stdin: BinaryIO) -> ParseRequest:
    # Bytes that are not UTF-8 (in the argument or on standard input) arrive as lone
    # surrogates or replacement characters; bound_text drops the former.
    text = args.text if args.text is not None else stdin.read().decode("utf-8", "replace")
    return ParseRequest(line=1, text=text, country=args.country)


def answer(
    request: ParseRequest, parser: ServerParser | ModelParser, *, explain: bool
) -> dict[str, Any] | LineError:
    """The result for one request, or the error that kept it from one."""
    bounded = bound_text(request.text)
    try:
        nlu = parser.parse(bounded.nlu_text)
    except NluError as error:
        return LineError(request.line, f"NLU failed ({error})")
    try:
        result = understand(bounded.full_text, request.country, nlu, explain=explain)
    except Exception as error:  # noqa: BLE001 - one line's failure must not stop the others
        traceback.print_exc(file=sys.stderr)
        return LineError(request.line, f"{INTERNAL_ERROR} ({type(error).__name__})")
    if bounded.shortened_for_nlu:
        result["nlu_text"] = bounded.nlu_text
    return result


def write(out: TextIO, document: dict[str, Any], *, jsonl: bool) -> None:
    out.write(json.dumps(document, ensure_ascii=False, indent=None if jsonl else 2) + "\n")
    out.flush()


def run_parse(args: argparse.Namespace) -> int:
    settings = get_settings()
    stdin, out = sys.stdin.buffer, sys.stdout
    if hasattr(out, "reconfigure"):
        out.reconfigure(errors="backslashreplace")
    requests = jsonl_requests(stdin, args.country) if args.jsonl else [plain_request(args, stdin)]
    parser: ServerParser | ModelParser | None = None
    failed = 0
    try:
        parser = open_parser(settings.rasa_url, CURRENT_MODEL)
        for request in requests:
            result = (
                request
                if isinstance(request, LineError)
                else answer(request, parser, explain=args.explain)
            )
            if isinstance(result, LineError):
                failed += 1
                print(f"line {result.line}: {result.error}", file=sys.stderr)
                result = result.to_dict()
            write(out, result, jsonl=args.jsonl)
    except NluUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        if parser is not None:
            parser.close()
    return 1 if failed else 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "parse", help="show the intent, entities, scam type and indicators of a message"
    )
    parser.add_argument("text", nargs="?", help="the message (default: read standard input)")
    parser.add_argument(
        "--country", type=country_option, help="the reporter's country (ISO 3166 alpha-2), e.g. SG"
    )
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help='read {"text": ..., "country": ...} lines, write one result (or '
        '{"line": n, "error": ...}) per non-blank line',
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="add the intent ranking and the rule that found each indicator",
    )
    parser.set_defaults(handler=run_parse)
