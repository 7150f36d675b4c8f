"""`scamreport review`: unsure or corrected user messages, anonymised, as Rasa NLU YAML."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from scamreport.cli import main
from scamreport.cli.review import anonymise
from scamreport.settings import PROJECT_ROOT
from scamreport.storage import make_engine, make_session_factory, session_scope, upgrade_database
from scamreport.storage.records import NewReport, NewReporter, NewTranscriptMessage
from scamreport.storage.repository import submit_report

RASA_PYTHON = PROJECT_ROOT / ".venv" / "rasa" / "bin" / "python"
START = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)

# Personal details in the conversations below; none may reach the review file.
PERSONAL = [
    "Mary", "Tan", "marytan88", "Ah Kow", "Lim",
    "9123 4567", "91234567", "+6591234567", "6591234567",
    "lim.police@gmail.com", "lim.police",
    "DE89 3704 0044 0532 0130 00", "DE89370400440532013000",
    "012-345678-9", "0123456789",
    "spf-gov-verify.com", "@spf_help_desk", "123456",
]  # fmt: skip

Turn = tuple[str, str, str | None, float | None]  # sender, text, intent, confidence

FIRST: list[Turn] = [
    ("user", "hello", "greet", 0.99),
    ("bot", "Hello. I'm here to help you report a scam.", None, None),
    # low confidence; a name after "my name is", a phone number
    ("user", "my name is tan ah kow, officer Lim called me on 9123 4567", "report_scam", 0.41),
    ("bot", "Which country do you live in?", None, None),
    ("user", "singapore", "inform", 0.97),
    # confident, but the user corrected the next turn
    ("user", "he said email lim.police@gmail.com to clear my name", "inform", 0.93),
    ("user", "no i meant he emailed me", "correct", 0.88),
    ("bot", "What should I change?", None, None),
    # the fallback fired; an IBAN and an amount (kept)
    ("user", "I am Mary Tan, sent S$1,200 to DE89 3704 0044 0532 0130 00", "nlu_fallback", 0.3),
    ("bot", "Sorry, I didn't understand that. Could you say it another way?", None, None),
    # a button payload: never a training example
    ("user", "/affirm", "affirm", 1.0),
    # confident and understood: not listed
    ("user", "thank you so much", "thank", 0.98),
]
SECOND: list[Turn] = [
    # the same message as in the first conversation (listed once, "seen 2 times")
    ("user", "my name is tan ah kow, officer Lim called me on 9123 4567", "report_scam", 0.52),
    ("bot", "Which country do you live in?", None, None),
    # the bot did not understand; a link, a handle, an account number, a masked OTP
    (
        "user",
        "they sent hxxps://spf-gov-verify[.]com and @spf_help_desk, acct 012-345678-9, "
        "my otp is 123456",
        "inform",
        0.71,
    ),
    ("bot", "Sorry, I didn't understand that. Could you say it another way?", None, None),
]


def transcript(turns: list[Turn], start: datetime) -> list[NewTranscriptMessage]:
    return [
        NewTranscriptMessage(
            seq=seq,
            sender=sender,
            text=text,
            sent_at=start + timedelta(minutes=seq),
            intent=intent,
            intent_confidence=confidence,
        )
        for seq, (sender, text, intent, confidence) in enumerate(turns)
    ]


@pytest.fixture
def database(sqlite_url: str) -> str:
    upgrade_database(sqlite_url)
    engine = make_engine(sqlite_url)
    factory = make_session_factory(engine)
    conversations = [
        (FIRST, START, NewReporter(pseudonym="p1", display_name="Mary Tan",
                                   telegram_username="marytan88")),
        (SECOND, START + timedelta(days=10), None),
    ]  # fmt: skip
    for number, (turns, start, reporter) in enumerate(conversations):
        with session_scope(factory) as session:
            submit_report(
                session,
                report=NewReport(
                    pseudonym=f"conversation-{number}",
                    scam_type="fake_authority",
                    country="SG",
                    reporter=reporter,
                ),
                indicators=[],
                transcript=transcript(turns, start),
                consents=[],
            )
    engine.dispose()
    return sqlite_url


def review(database: str, tmp_path: Path, *args: str) -> tuple[str, dict[str, Any]]:
    out = tmp_path / "review" / "to_review.yml"
    assert main(["review", "--database-url", database, "--out", str(out), *args]) == 0
    text = out.read_text(encoding="utf-8")
    return text, yaml.safe_load(text)


def examples(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (block["intent"], example["text"], example["metadata"])
        for block in document["nlu"]
        for example in block["examples"]
    ]


def test_review_lists_unsure_and_corrected_messages_without_personal_details(
    database: str, tmp_path: Path
) -> None:
    text, document = review(database, tmp_path)
    for detail in PERSONAL:
        assert not re.search(rf"(?<!\w){re.escape(detail)}(?!\w)", text, re.IGNORECASE), detail
    assert document["version"] == "3.1"
    listed = examples(document)
    assert [(intent, message) for intent, message, _ in listed] == [
        # grouped by predicted intent, least confident first within a group
        ("inform", "they sent [URL] and [HANDLE], acct [NUMBER], my otp is [REDACTED OTP]"),
        ("inform", "he said email [EMAIL] to clear my name"),
        ("nlu_fallback", "I am [NAME], sent S$1,200 to [IBAN]"),
        ("report_scam", "my name is [NAME], officer [NAME] called me on [PHONE]"),
    ]
    metadata = {message: meta for _, message, meta in listed}
    assert metadata["my name is [NAME], officer [NAME] called me on [PHONE]"] == {
        "predicted_intent": "report_scam",
        "confidence": 0.41,
        "reasons": "low confidence",
    }
    assert metadata["he said email [EMAIL] to clear my name"]["reasons"] == "corrected next"
    assert metadata["I am [NAME], sent S$1,200 to [IBAN]"]["reasons"] == (
        "fallback, not understood"
    )
    assert "# predicted: report_scam (0.41); low confidence, seen 2 times" in text
    assert "# predicted: nlu_fallback (0.30); fallback, not understood" in text


def test_review_output_is_rasa_nlu_training_data(database: str, tmp_path: Path) -> None:
    _, document = review(database, tmp_path)
    out = tmp_path / "review" / "to_review.yml"
    # Rasa's own reader (schema-checked), in the Rasa environment.
    script = (
        "import json, sys, warnings\n"
        "warnings.simplefilter('error', UserWarning)\n"
        "from rasa.shared.nlu.training_data.loading import load_data\n"
        "data = load_data(sys.argv[1])\n"
        "print(json.dumps([[m.get('intent'), m.get('text'), m.get('entities') or []]"
        " for m in data.intent_examples]))\n"
    )
    result = subprocess.run(
        [str(RASA_PYTHON), "-c", script, str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env={"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    parsed = json.loads(result.stdout.strip().splitlines()[-1])
    assert sorted(parsed) == sorted(
        [intent, message, []] for intent, message, _ in examples(document)
    )


def test_review_threshold_limit_and_since(database: str, tmp_path: Path) -> None:
    _, document = review(database, tmp_path, "--threshold", "0.8")
    listed = [message for _, message, _ in examples(document)]
    # 0.71 is now unsure too, and still listed once.
    assert len(listed) == 4
    _, document = review(database, tmp_path, "--limit", "1")
    assert [m for _, m, _ in examples(document)] == ["I am [NAME], sent S$1,200 to [IBAN]"]
    since = (START + timedelta(days=5)).date().isoformat()
    _, document = review(database, tmp_path, "--since", since)
    assert sorted(m for _, m, _ in examples(document)) == [
        "my name is [NAME], officer [NAME] called me on [PHONE]",
        "they sent [URL] and [HANDLE], acct [NUMBER], my otp is [REDACTED OTP]",
    ]


def test_review_of_an_empty_database_writes_an_empty_nlu_file(
    sqlite_url: str, tmp_path: Path
) -> None:
    upgrade_database(sqlite_url)
    _, document = review(sqlite_url, tmp_path)
    assert document == {"version": "3.1", "nlu": []}


def test_review_without_the_schema_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["review", "--database-url", url]) == 1
    assert "no stored conversations" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Inspector Wong Kar Wai said pay now", "Inspector [NAME] said pay now"),
        ("the officer told me to pay", "the officer told me to pay"),
        ("I am scared, I'm at the bank", "I am scared, I'm at the bank"),
        ("call +44 20 7946 0958 or write to a.b@example.org", "call [PHONE] or write to [EMAIL]"),
        ("paid 0.5 BTC to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "paid 0.5 BTC to [WALLET]"),
        ("interpol said my case number is 88812345", "interpol said my case number is [NUMBER]"),
        ("[free masks](link) here", "[free masks] (link) here"),
    ],
)
def test_anonymise(text: str, expected: str) -> None:
    assert anonymise(text, country="GB") == expected
