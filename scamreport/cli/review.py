"""`scamreport review`: the user messages the model was least sure of, as new training examples.

Reads the stored conversations (transcript_messages) and picks user messages that
- were classified with low confidence or as `nlu_fallback`, or
- were followed by a correction (the user's next message has intent `correct`), or
- got the "Sorry, I didn't understand" reply.
Indicators (phones, e-mails, IBANs, links, wallets, handles), names and long numbers are
replaced by placeholders; amounts, dates and claimed agencies stay (they are not personal and
the model should learn around them). The result is Rasa NLU YAML grouped by predicted intent,
each example annotated with its prediction, for a maintainer to correct and add to data/.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, selectinload

from scamreport.cli.rasa_data import comparison_key
from scamreport.extraction import build_extractor
from scamreport.sensitive import mask_secrets
from scamreport.settings import get_settings
from scamreport.storage import make_engine, make_session_factory
from scamreport.storage.models import Report, TranscriptMessage

DEFAULT_THRESHOLD = 0.6
DEFAULT_LIMIT = 50
FALLBACK_INTENT = "nlu_fallback"
CORRECTION_INTENT = "correct"
# The start of the domain's utter_default: the bot did not understand the message before it.
NOT_UNDERSTOOD_REPLIES = ("Sorry, I didn't understand",)

PLACEHOLDERS = {
    "phone": "[PHONE]",
    "email": "[EMAIL]",
    "iban": "[IBAN]",
    "url": "[URL]",
    "crypto_wallet": "[WALLET]",
    "handle": "[HANDLE]",
}
# Found by extraction but neither personal nor identifying: kept as written.
KEPT_KINDS = frozenset({"amount", "date", "claimed_agency"})
NAME = "[NAME]"
NUMBER = "[NUMBER]"

_NAME_WORD = r"[A-Z][\w'’-]*"
# "My name is tan ah kow": whatever follows is a name, capitalised or not (up to three words).
_MY_NAME_RE = re.compile(
    r"\b(?:my\s+name\s+is|my\s+name's|name\s*:|call\s+me)\s+(?P<name>[^\W\d_])", re.IGNORECASE
)
# "I am Mary Tan", "this is John": only capitalised words (not "I am scared").
_I_AM_RE = re.compile(
    r"\b(?:[Ii]\s+am|[Ii]['’]m|[Tt]his\s+is)\s+(?P<name>"
    + _NAME_WORD
    + r"(?:\s+"
    + _NAME_WORD
    + r"){0,2})"
)
_TITLE = (
    r"(?:mr|mrs|ms|miss|mdm|madam|dr|sir|inspector|insp|officer|sergeant|sgt|detective|"
    r"constable|agent|captain|capt|lieutenant|superintendent|supt|corporal|cpl|uncle|auntie|aunty)"
)
_TITLE_RE = re.compile(r"\b" + _TITLE + r"\.?\s+(?P<name>[^\W\d_])", re.IGNORECASE)
# After a title, a lower-case word is a name unless it is one of these ("the officer told me").
_NOT_A_NAME = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "then",
        "so",
        "to",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "without",
        "about",
        "as",
        "into",
        "onto",
        "is",
        "was",
        "were",
        "are",
        "be",
        "been",
        "being",
        "am",
        "do",
        "did",
        "does",
        "done",
        "have",
        "has",
        "had",
        "will",
        "would",
        "can",
        "could",
        "shall",
        "should",
        "may",
        "might",
        "must",
        "not",
        "no",
        "yes",
        "i",
        "me",
        "my",
        "mine",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "it",
        "its",
        "we",
        "us",
        "our",
        "they",
        "them",
        "their",
        "who",
        "whom",
        "whose",
        "which",
        "what",
        "when",
        "where",
        "why",
        "how",
        "that",
        "this",
        "these",
        "those",
        "there",
        "here",
        "said",
        "says",
        "say",
        "told",
        "tell",
        "tells",
        "asked",
        "asks",
        "ask",
        "called",
        "calls",
        "call",
        "phoned",
        "rang",
        "came",
        "come",
        "comes",
        "went",
        "go",
        "goes",
        "gone",
        "wanted",
        "wants",
        "want",
        "claimed",
        "claims",
        "claiming",
        "pretended",
        "pretending",
        "also",
        "just",
        "only",
        "still",
        "already",
        "again",
        "then",
        "now",
        "later",
        "today",
        "yesterday",
        "again",
        "very",
        "really",
        "one",
        "two",
        "three",
        "some",
        "any",
        "all",
        "from",
        "of",
        "police",
        "officer",
        "officers",
        "inspector",
        "station",
        "department",
        "team",
        "bank",
        "court",
        "customs",
        "immigration",
        "embassy",
        "interpol",
        "please",
        "pls",
        "help",
        "back",
        "tomorrow",
        "someone",
        "somebody",
        "need",
        "needs",
        "scammed",
        "scam",
        "here",
    ]
)
# Six or more digits (with spaces, dots or dashes) that extraction did not recognise: account
# numbers, local phone numbers, ids.
_LONG_NUMBER_RE = re.compile(r"(?<![\w])\d(?:[ .\-/]?\d){5,}(?![\w])")
# Rasa reads "[text](entity)", "[text]{...}" and "[text][...]" as annotations.
_ANNOTATION_LIKE_RE = re.compile(r"\](?=[(\[{])")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    replacement: str | None  # None: keep the text as written (protects it from other rules)

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def _leading_name(text: str, start: int) -> Span | None:
    """The words of ``text`` from ``start`` up to the first word that is no name."""
    words = []
    for word in text[start:].split()[:3]:
        core = word.rstrip(".,;:!?")
        if not core or core.casefold() in _NOT_A_NAME or not core[0].isalpha():
            break
        words.append(core)
        if core != word:
            break  # punctuation ends the name
    if not words:
        return None
    return Span(start, start + len(" ".join(words)), NAME)


def _name_spans(text: str, known_names: Sequence[str]) -> Iterator[Span]:
    for regex in (_MY_NAME_RE, _TITLE_RE):
        for match in regex.finditer(text):
            span = _leading_name(text, match.start("name"))
            if span is not None:
                yield span
    for match in _I_AM_RE.finditer(text):
        yield Span(match.start("name"), match.end("name"), NAME)
    for name in known_names:
        for part in {name, *name.split()}:
            part = part.strip().lstrip("@")
            if len(part) < 2:
                continue
            pattern = r"(?<![\w])@?" + re.escape(part) + r"(?![\w])"
            for match in re.finditer(pattern, text, re.IGNORECASE):
                yield Span(match.start(), match.end(), NAME)


def anonymise(text: str, *, country: str | None = None, known_names: Sequence[str] = ()) -> str:
    """``text`` with indicators, names, secrets and long numbers replaced by placeholders."""
    text = " ".join(mask_secrets(text).masked_text.split())
    spans: list[Span] = []

    def add(span: Span) -> None:
        if span.end > span.start and not any(span.overlaps(kept) for kept in spans):
            spans.append(span)

    # Names the reporter is known by first: they may look like handles ("@marytan").
    for span in _name_spans(text, known_names):
        add(span)
    for found in build_extractor().find(text, country):
        if found.kind in PLACEHOLDERS:
            add(Span(found.start, found.end, PLACEHOLDERS[found.kind]))
        elif found.kind in KEPT_KINDS:
            add(Span(found.start, found.end, None))
    for match in re.finditer(r"\[REDACTED [A-Z ]+\]", text):
        add(Span(match.start(), match.end(), None))
    for match in _LONG_NUMBER_RE.finditer(text):
        add(Span(match.start(), match.end(), NUMBER))
    pieces, position = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        pieces.append(text[position : span.start])
        pieces.append(text[span.start : span.end] if span.replacement is None else span.replacement)
        position = span.end
    pieces.append(text[position:])
    return _ANNOTATION_LIKE_RE.sub("] ", "".join(pieces))


@dataclass
class Candidate:
    text: str
    intent: str
    confidence: float | None
    reasons: list[str] = field(default_factory=list)
    count: int = 1

    @property
    def sort_key(self) -> tuple[float, int]:
        return (self.confidence if self.confidence is not None else 0.0, -self.count)


def reasons_for(messages: Sequence[TranscriptMessage], index: int, threshold: float) -> list[str]:
    """Why ``messages[index]`` (a user message) is worth a maintainer's look; [] if it is not."""
    message = messages[index]
    reasons = []
    if message.intent == FALLBACK_INTENT:
        reasons.append("fallback")
    elif message.intent_confidence is not None and message.intent_confidence < threshold:
        reasons.append("low confidence")
    for later in messages[index + 1 :]:
        if later.sender == "user":
            if later.intent == CORRECTION_INTENT:
                reasons.append("corrected next")
            break
        if later.text.startswith(NOT_UNDERSTOOD_REPLIES):
            reasons.append("not understood")
            break
    return reasons


def _known_names(report: Report) -> list[str]:
    reporter = report.reporter
    if reporter is None:
        return []
    return [n for n in (reporter.display_name, reporter.telegram_username) if n]


def candidates_from(
    reports: Iterable[Report], *, threshold: float, since: datetime | None = None
) -> list[Candidate]:
    """Deduplicated candidates, least confident first."""
    found: dict[str, Candidate] = {}
    for report in reports:
        messages = list(report.transcript)
        names = _known_names(report)
        for index, message in enumerate(messages):
            if message.sender != "user" or not message.text.strip():
                continue
            if message.text.lstrip().startswith("/"):
                continue  # a button payload, not words a person typed
            if since is not None and message.sent_at < since:
                continue
            reasons = reasons_for(messages, index, threshold)
            if not reasons:
                continue
            text = anonymise(message.text, country=report.country, known_names=names)
            key = comparison_key(text)
            if not key:
                continue
            seen = found.get(key)
            if seen is None:
                found[key] = Candidate(
                    text=text,
                    intent=message.intent or FALLBACK_INTENT,
                    confidence=message.intent_confidence,
                    reasons=reasons,
                )
                continue
            seen.count += 1
            seen.reasons += [r for r in reasons if r not in seen.reasons]
            if (message.intent_confidence or 0.0) < (seen.confidence or 0.0):
                seen.intent = message.intent or FALLBACK_INTENT
                seen.confidence = message.intent_confidence
    return sorted(found.values(), key=lambda c: c.sort_key)


def _quoted(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(text, ensure_ascii=False)


def nlu_yaml(candidates: Sequence[Candidate], *, generated: datetime, threshold: float) -> str:
    lines = [
        'version: "3.1"',
        "",
        f"# Written by `scamreport review` on {generated:%Y-%m-%d %H:%M} UTC: {len(candidates)} "
        "user message(s)",
        f"# the model was unsure of (confidence below {threshold:g}, or nlu_fallback), that the "
        "user corrected,",
        "# or that the bot did not understand. Grouped by the intent the model PREDICTED, which "
        "may be wrong.",
        "# For each example:",
        "#   1. move it under the intent it really is (in data/nlu/<topic>.yml);",
        "#   2. replace placeholders ([PHONE], [NAME], [NUMBER], ...) by made-up values of that kind;",
        "#   3. annotate entities (country, payment_method) as in data/nlu.yml, drop the metadata;",
        "#   4. never copy it into tests/nlu/test_data.yml as well (`make validate` checks).",
        "",
        "nlu:",
    ]
    if not candidates:
        lines[-1] = "nlu: []"
        return "\n".join(lines) + "\n"
    by_intent: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_intent.setdefault(candidate.intent, []).append(candidate)
    for intent, group in sorted(by_intent.items()):
        lines += [f"  - intent: {intent}", "    examples:"]
        for candidate in group:
            confidence = "?" if candidate.confidence is None else f"{candidate.confidence:.2f}"
            seen = f", seen {candidate.count} times" if candidate.count > 1 else ""
            lines.append(
                f"      # predicted: {intent} ({confidence}); {', '.join(candidate.reasons)}{seen}"
            )
            lines.append(f"      - text: {_quoted(candidate.text)}")
            lines.append("        metadata:")
            lines.append(f"          predicted_intent: {_quoted(intent)}")
            if candidate.confidence is not None:
                lines.append(f"          confidence: {round(candidate.confidence, 4)}")
            lines.append(f"          reasons: {_quoted(', '.join(candidate.reasons))}")
        lines.append("")
    return "\n".join(lines)


def load_reports(session: Session, *, since: datetime | None) -> list[Report]:
    query = (
        select(Report)
        .options(selectinload(Report.transcript), selectinload(Report.reporter))
        .order_by(Report.id)
    )
    if since is not None:
        has_recent = select(TranscriptMessage.report_id).where(TranscriptMessage.sent_at >= since)
        query = query.where(Report.id.in_(has_recent))
    return list(session.scalars(query))


def parse_since(value: str) -> datetime:
    try:
        parsed = date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from error
    return datetime(parsed.year, parsed.month, parsed.day, tzinfo=timezone.utc)


def run_review(args: argparse.Namespace) -> int:
    url = args.database_url or get_settings().database_url
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table(TranscriptMessage.__tablename__):
            print(
                f"error: no stored conversations: the database has no "
                f"{TranscriptMessage.__tablename__} table (is DATABASE_URL right?)",
                file=sys.stderr,
            )
            return 1
        with make_session_factory(engine)() as session:
            reports = load_reports(session, since=args.since)
            candidates = candidates_from(reports, threshold=args.threshold, since=args.since)
    finally:
        engine.dispose()
    chosen = candidates[: args.limit]
    text = nlu_yaml(chosen, generated=datetime.now(timezone.utc), threshold=args.threshold)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"{len(chosen)} message(s) to review written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "review",
        help="list stored user messages the model was unsure of, as Rasa NLU YAML to correct",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        help="at most this many messages, least confident first (%(default)s)",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help="intent confidence below which a message counts as unsure (%(default)s)",
    )
    parser.add_argument(
        "--since",
        type=parse_since,
        default=None,
        help="only messages sent on or after this date (YYYY-MM-DD)",
    )
    parser.add_argument("--out", help="write the YAML here (default: standard output)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="default: DATABASE_URL, else the SQLite file under var/",
    )
    parser.set_defaults(handler=run_review)
