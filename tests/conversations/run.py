"""Playing many personas against one running stack, grading them, and the results files."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from scamreport.languages import LANGUAGES
from scamreport.storage.repository import get_report_by_reference
from telegram_standin.driver import Driver
from tests.conversations.grading import REPLY_LANGUAGE, FieldResult, grade
from tests.conversations.personas import SCAM_TYPES, Persona
from tests.conversations.questions import Catalogue
from tests.conversations.simulator import Playthrough, Simulator

FIRST_USER_ID = 9_100_001
# The closing questions every report ends with (consent and contact), counted apart as well.
CLOSING_QUESTIONS = frozenset({"consent_forward", "contact_permission", "contact_phone"})


def earlier_report(persona: Persona) -> Persona:
    """The first report a returning reporter filed (same country), played before theirs."""
    return Persona(
        id=f"{persona.id}/earlier",
        type="fake_shop",
        opening="i bought a phone from a seller on facebook and it never came",
        facts={
            "country": persona.facts.get("country", "Singapore"),
            "shop_name": "Phone Deals",
            "shop_link": "skip",
            "items_ordered": "a phone",
            "amount_lost": "200",
            "payment_method": "bank transfer",
            "item_received": "nothing arrived",
            "incident_date": "two weeks ago",
            "story": "he stopped replying after i paid",
        },
        expect={},
        first_name=persona.first_name,
    )


@dataclass
class Outcome:
    persona: Persona
    play: Playthrough
    fields: list[FieldResult] = field(default_factory=list)
    earlier_error: str | None = None

    @property
    def failing(self) -> list[FieldResult]:
        return [f for f in self.fields if not f.ok]

    @property
    def completed(self) -> bool:
        return self.play.reference is not None

    @property
    def passed(self) -> bool:
        return self.completed and not self.failing and self.play.error is None

    @property
    def questions(self) -> int:
        return len(self.play.questions)

    @property
    def wrong_language(self) -> bool:
        """A bot reply was in another language than the persona's."""
        return any(f.field == REPLY_LANGUAGE for f in self.failing)

    @property
    def interview_questions(self) -> int:
        return len([q for q in self.play.questions if q not in CLOSING_QUESTIONS])

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.persona.id,
            "type": self.persona.type,
            "heldout": self.persona.heldout,
            "language": self.persona.language,
            "language_code": self.persona.language_code,
            "wrong_language": self.wrong_language,
            "tags": list(self.persona.tags),
            "passed": self.passed,
            "reference": self.play.reference,
            "error": self.play.error or self.earlier_error,
            "questions": self.play.questions,
            "question_count": self.questions,
            "unanswered": self.play.unanswered,
            "seconds": round(self.play.seconds, 1),
            "fields": [
                {
                    "field": f.field,
                    "expected": _plain(f.expected),
                    "actual": _plain(f.actual),
                    "ok": f.ok,
                }
                for f in self.fields
            ],
            "transcript": [
                {"said": t.said, "replies": t.replies, "buttons": t.buttons}
                for t in self.play.transcript
            ],
        }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def play_one(
    simulator: Simulator,
    persona: Persona,
    user_id: int,
    sessions: sessionmaker[Session],
    *,
    today: date | None = None,
) -> Outcome:
    """Plays a persona (after its earlier report, for a returning reporter) and grades it."""
    started = time.monotonic()
    earlier_error = None
    if persona.returning:
        earlier = simulator.play(earlier_report(persona), user_id)
        earlier_error = None if earlier.reference else f"earlier report: {earlier.error}"
    play = simulator.play(persona, user_id, start=not persona.returning)
    play.seconds = time.monotonic() - started
    with sessions() as session:
        report = (
            get_report_by_reference(session, reference=play.reference) if play.reference else None
        )
        fields = grade(
            persona.expect,
            report,
            play,
            today=today or date.today(),
            language=persona.language,
            client_language_code=persona.language_code,
        )
    return Outcome(persona, play, fields, earlier_error)


def play_all(
    personas: list[Persona],
    *,
    standin_url: str,
    rasa_url: str,
    rasa_token: str | None = None,
    sessions: sessionmaker[Session],
    workers: int = 3,
    first_user_id: int = FIRST_USER_ID,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Every persona, ``workers`` at a time, each as its own Telegram user."""
    catalogue = Catalogue.load(rasa_url, rasa_token)

    def task(index: int, persona: Persona) -> Outcome:
        simulator = Simulator(Driver(standin_url), catalogue)
        outcome = play_one(simulator, persona, first_user_id + index, sessions)
        if progress:
            progress(outcome)
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(task, i, p) for i, p in enumerate(personas)]
        return [f.result() for f in futures]


# --- the results ---


def _rate(passed: int, total: int) -> str:
    return f"{passed}/{total} ({100 * passed / total:.0f}%)" if total else "-"


def by_language(outcomes: list[Outcome]) -> dict[str, dict[str, Any]]:
    """Pass rates per persona language (the languages the assistant speaks first)."""
    order = {language: index for index, language in enumerate(LANGUAGES)}
    found = sorted({o.persona.language for o in outcomes}, key=lambda x: (order.get(x, 99), x))
    rows = {}
    for language in found:
        chosen = [o for o in outcomes if o.persona.language == language]
        held = [o for o in chosen if o.persona.heldout]
        counts = [o.questions for o in chosen if o.completed]
        rows[language] = {
            "personas": len(chosen),
            "passed": sum(o.passed for o in chosen),
            "completed": sum(o.completed for o in chosen),
            "wrong_language": sum(o.wrong_language for o in chosen),
            "heldout_personas": len(held),
            "heldout_passed": sum(o.passed for o in held),
            "questions_median": statistics.median(counts) if counts else None,
            "questions_worst": max(counts) if counts else None,
        }
    return rows


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    counts = [o.questions for o in outcomes if o.completed]
    interview = [o.interview_questions for o in outcomes if o.completed]
    by_type = {}
    for scam_type in SCAM_TYPES:
        chosen = [o for o in outcomes if o.persona.type == scam_type]
        if chosen:
            by_type[scam_type] = {
                "personas": len(chosen),
                "passed": sum(o.passed for o in chosen),
                "completed": sum(o.completed for o in chosen),
                "questions_median": statistics.median([o.questions for o in chosen]),
                "questions_worst": max(o.questions for o in chosen),
            }
    field_failures: dict[str, int] = {}
    for outcome in outcomes:
        for failed in outcome.failing:
            name = (
                failed.field.split(".")[0] if failed.field.startswith("details") else failed.field
            )
            field_failures[name] = field_failures.get(name, 0) + 1
    reasked: dict[str, int] = {}
    for outcome in outcomes:
        for question in {q for q in outcome.play.questions if outcome.play.questions.count(q) > 1}:
            reasked[question] = reasked.get(question, 0) + 1
    return {
        "date": date.today().isoformat(),
        "reasked": dict(sorted(reasked.items(), key=lambda kv: -kv[1])),
        "errors": [f"{o.persona.id}: {o.play.error}" for o in outcomes if o.play.error],
        "personas": len(outcomes),
        "passed": sum(o.passed for o in outcomes),
        "completed": sum(o.completed for o in outcomes),
        "heldout": {
            "personas": sum(o.persona.heldout for o in outcomes),
            "passed": sum(o.passed for o in outcomes if o.persona.heldout),
        },
        "questions_median": statistics.median(counts) if counts else None,
        "questions_worst": max(counts) if counts else None,
        "over_10_questions": sum(c > 10 for c in counts),
        "interview_questions_median": statistics.median(interview) if interview else None,
        "interview_questions_worst": max(interview) if interview else None,
        "wrong_language": sum(o.wrong_language for o in outcomes),
        "by_language": by_language(outcomes),
        "by_type": by_type,
        "field_failures": dict(sorted(field_failures.items(), key=lambda kv: -kv[1])),
    }


def markdown(outcomes: list[Outcome], totals: dict[str, Any]) -> str:
    lines = [
        "# Conversation suite results",
        "",
        f"Run on {totals['date']}: {totals['personas']} personas played through the Telegram "
        "stand-in with the real bot, Rasa and actions (`make converse`).",
        "",
        f"- passed with every graded field right: {_rate(totals['passed'], totals['personas'])}",
        f"- completed with a reference number: {_rate(totals['completed'], totals['personas'])}",
        f"- held-out personas passed: "
        f"{_rate(totals['heldout']['passed'], totals['heldout']['personas'])}",
        f"- questions per completed report: median {totals['questions_median']}, "
        f"worst {totals['questions_worst']}, over 10: {totals['over_10_questions']} "
        f"(without the consent and contact questions: median "
        f"{totals['interview_questions_median']}, worst {totals['interview_questions_worst']})",
        "- conversations with a reply in another language than the persona's: "
        f"{totals['wrong_language']}",
        "",
        "| language | personas | passed | completed | wrong language | held out passed | "
        "questions median | worst |",
        "|---|---|---|---|---|---|---|---|",
        *(
            f"| {lang} | {row['personas']} | {_rate(row['passed'], row['personas'])} | "
            f"{row['completed']} | {row['wrong_language']} | "
            f"{_rate(row['heldout_passed'], row['heldout_personas'])} | "
            f"{row['questions_median']} | {row['questions_worst']} |"
            for lang, row in totals["by_language"].items()
        ),
        "",
        "| type | personas | passed | completed | questions median | worst |",
        "|---|---|---|---|---|---|",
    ]
    for scam_type, row in totals["by_type"].items():
        lines.append(
            f"| {scam_type} | {row['personas']} | {_rate(row['passed'], row['personas'])} | "
            f"{row['completed']} | {row['questions_median']} | {row['questions_worst']} |"
        )
    lines += ["", "## Failing fields (how many personas)", ""]
    lines += [f"- {name}: {count}" for name, count in totals["field_failures"].items()]
    lines += ["", "## Questions asked more than once (how many personas)", ""]
    lines += [f"- {name}: {count}" for name, count in totals["reasked"].items()]
    if totals["errors"]:
        lines += ["", "## Conversations that did not end with a report", ""]
        lines += [f"- {error}" for error in totals["errors"]]
    lines += [
        "",
        "## Per persona",
        "",
        "| persona | language | type | result | questions | failing |",
        "|---|---|---|---|---|---|",
    ]
    for outcome in sorted(outcomes, key=lambda o: (o.persona.type, o.persona.id)):
        lines.append(_persona_row(outcome))
    return "\n".join(lines) + "\n"


def _persona_row(outcome: Outcome) -> str:
    persona = outcome.persona
    name = persona.id + (" (held out)" if persona.heldout else "")
    result = "pass" if outcome.passed else ("fail" if outcome.completed else "no report")
    problems = [f.describe() for f in outcome.failing]
    if outcome.play.error:
        problems.insert(0, outcome.play.error)
    if outcome.earlier_error:
        problems.insert(0, outcome.earlier_error)
    text = "; ".join(problems).replace("|", "\\|").replace("\n", " ")
    return (
        f"| {name} | {persona.language} | {persona.type} | {result} | {outcome.questions} | "
        f"{text[:600]} |"
    )


def write_results(outcomes: list[Outcome], directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    totals = summary(outcomes)
    md_path = directory / "conversations.md"
    json_path = directory / "conversations.json"
    md_path.write_text(markdown(outcomes, totals))
    json_path.write_text(
        json.dumps(
            {"summary": totals, "personas": [o.to_json() for o in outcomes]},
            indent=1,
            ensure_ascii=False,
        )
    )
    return md_path, json_path


def pass_rate(outcomes: Iterable[Outcome]) -> float:
    chosen = list(outcomes)
    return sum(o.passed for o in chosen) / len(chosen) if chosen else 0.0
