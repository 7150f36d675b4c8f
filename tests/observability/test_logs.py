"""JSON log lines (scamreport/logs.py): the fields, reference and pseudonym, never the text."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest

from bot.logs import SecretRedactingFilter, configure_logging
from scamreport.logs import (
    JsonFormatter,
    LogFormatError,
    Safe,
    WithheldText,
    configure,
    handler_for,
    log_format,
)

STORY = "A man called saying he was from my bank and told me to move my savings to a safe account"
OTP = "482913"
WRITTEN = f"{STORY}. He asked for the OTP, my OTP is {OTP}"


def record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("actions.submission", logging.INFO, __file__, 1, msg, args, None)
    for name, value in extra.items():
        setattr(made, name, value)
    return made


def line_of(made: logging.LogRecord, process: str = "action_server") -> dict[str, object]:
    text = JsonFormatter(process).format(made)
    assert "\n" not in text
    return json.loads(text)


def test_a_line_has_the_fields_and_the_reference_and_pseudonym() -> None:
    line = line_of(
        record(
            "report %s filed (%d indicators)",
            "SR-7KQ2-9XW4",
            3,
            reference="SR-7KQ2-9XW4",
            pseudonym="p_3f9a1c",
        ),
    )
    assert set(line) == {"time", "level", "logger", "message", "process", "reference", "pseudonym"}
    assert line["message"] == "report SR-7KQ2-9XW4 filed (3 indicators)"
    assert line["level"] == "INFO" and line["logger"] == "actions.submission"
    assert line["process"] == "action_server"
    assert line["reference"] == "SR-7KQ2-9XW4" and line["pseudonym"] == "p_3f9a1c"
    assert str(line["time"]).endswith("+00:00")


def test_the_reporters_story_and_otp_never_appear() -> None:
    for made in (
        record("reporter %s wrote: %s", "p_3f9a1c", WRITTEN, pseudonym="p_3f9a1c"),
        record("reporter wrote: %(text)s", {"text": WRITTEN}),
        # Written into the message by the code itself: the OTP is still masked.
        record(f"the reporter's code: my OTP is {OTP}"),
    ):
        text = JsonFormatter("bot").format(made)
        assert OTP not in text
        assert "savings" not in text and "safe account" not in text
        assert json.loads(text)["pseudonym" if "pseudonym" in text else "process"]


def test_an_exception_keeps_its_type_and_frames_not_its_message() -> None:
    try:
        raise ValueError(f"could not parse {WRITTEN}")
    except ValueError:
        made = logging.LogRecord(
            "actions", logging.ERROR, __file__, 1, "parsing failed", None, sys.exc_info()
        )
    line = line_of(made)
    assert "ValueError (message withheld)" in str(line["exception"])
    assert "test_logs.py" in str(line["exception"])
    assert OTP not in json.dumps(line) and "savings" not in json.dumps(line)


def test_an_exception_argument_is_named_by_its_type() -> None:
    line = line_of(record("failed: %s", RuntimeError(WRITTEN)))
    assert line["message"] == "failed: RuntimeError"


def test_identifiers_numbers_and_statuses_are_kept() -> None:
    line = line_of(
        record("delivery %d (%s, %s) %s in %.1f s", 12, "sg-spf", "webhook/json", "delivered", 0.25)
    )
    assert line["message"] == "delivery 12 (sg-spf, webhook/json) delivered in 0.2 s"


def test_the_format_comes_from_the_environment() -> None:
    assert log_format({}) == "text"
    assert log_format({"SCAMREPORT_LOG_FORMAT": " JSON "}) == "json"
    with pytest.raises(LogFormatError, match="SCAMREPORT_LOG_FORMAT"):
        log_format({"SCAMREPORT_LOG_FORMAT": "xml"})
    assert isinstance(
        handler_for("worker", {"SCAMREPORT_LOG_FORMAT": "json"}).formatter, JsonFormatter
    )
    assert not isinstance(handler_for("worker", {}).formatter, JsonFormatter)


@pytest.fixture
def root_logging() -> object:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield root
    root.handlers[:], level = saved
    root.setLevel(level)


def test_every_line_of_a_configured_process_is_json(root_logging: logging.Logger) -> None:
    handler = configure("worker", {"SCAMREPORT_LOG_FORMAT": "json"}, count_errors=False)
    stream = io.StringIO()
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    logging.getLogger("scamreport.forwarding").warning(
        "delivery of %s failed: %s", "SR-7KQ2-9XW4", WRITTEN, extra={"reference": "SR-7KQ2-9XW4"}
    )
    (line,) = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert line["process"] == "worker" and line["reference"] == "SR-7KQ2-9XW4"
    assert line["message"] == "delivery of SR-7KQ2-9XW4 failed: [withheld]"


def test_the_bot_redacts_its_token_in_json_lines_too(root_logging: logging.Logger) -> None:
    token = "123456:AAAA-bot-token-value-0123456789"
    configure_logging([token], env={"SCAMREPORT_LOG_FORMAT": "json"})
    handler = root_logging.handlers[0]
    assert [type(f) for f in handler.filters] == [WithheldText, SecretRedactingFilter]
    stream = io.StringIO()
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    logging.getLogger("telegram.ext").error(f"POST https://api.telegram.org/bot{token}/send failed")
    logging.getLogger("bot.relay").info("relayed %s", WRITTEN, extra={"pseudonym": "p_1"})
    lines = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert [line["process"] for line in lines] == ["bot", "bot"]
    assert token not in stream.getvalue() and "[REDACTED]" in str(lines[0]["message"])
    assert OTP not in stream.getvalue() and lines[1]["pseudonym"] == "p_1"


def test_a_string_the_code_marks_safe_is_kept() -> None:
    line = line_of(record("forwarding: %s waits", Safe("delivery 3 (sg-spf, webhook/json)")))
    assert line["message"] == "forwarding: delivery 3 (sg-spf, webhook/json) waits"
