"""Log lines as JSON (SCAMREPORT_LOG_FORMAT=json) or as text, never with the reporter's text.

Each JSON line has ``time``, ``level``, ``logger``, ``message`` and ``process``, plus
``reference`` and ``pseudonym`` when the code passes them (``extra={"reference": ...}``), and
``exception`` (its type and frames) for a record with a traceback.

What the reporter wrote reaches a log line as an argument (``logger.info("got %s", text)``) or
inside an exception's message. In JSON lines (WithheldText, applied before any other filter):

- a string argument is kept only when it reads like an identifier (one word of at most
  MAX_WORD_CHARS characters: a reference, a pseudonym, an agency code, a status) or the code
  marked it ``Safe``; anything longer or with spaces is replaced by ``[withheld]``, an
  exception argument by its type;
- an exception's message is left out of the traceback (as action_server.app.log_failure does);
- whatever remains is passed through scamreport.sensitive's masking, so an OTP, PIN, password
  or card number written into the message itself is masked too.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Mapping
from datetime import datetime, timezone
from enum import Enum
from typing import Any

LOG_FORMAT_ENV = "SCAMREPORT_LOG_FORMAT"
LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
WITHHELD = "[withheld]"
MAX_WORD_CHARS = 80
# The record attributes a JSON line carries besides the standard ones.
EXTRA_FIELDS = ("reference", "pseudonym")

_WORD = re.compile(r"[\w.:/@+\-=#,]*", re.ASCII)
# When scamreport.sensitive cannot be imported (the Rasa environment has no python-stdnum):
# a code announced by a word, as the bot's masking recognises them.
_ANNOUNCED_CODE = re.compile(
    r"(?i)\b(otp|tac|pin|cvv|code|password|passcode)\b(\W{0,3})\S+", re.UNICODE
)


class LogFormatError(ValueError):
    """SCAMREPORT_LOG_FORMAT names no format."""


def log_format(env: Mapping[str, str]) -> str:
    """SCAMREPORT_LOG_FORMAT: "text" (default) or "json"."""
    value = (env.get(LOG_FORMAT_ENV) or "text").strip().lower()
    if value not in LOG_FORMATS:
        raise LogFormatError(f"{LOG_FORMAT_ENV}={value!r}: give one of {', '.join(LOG_FORMATS)}")
    return value


class Safe(str):
    """A string argument the code built from identifiers only (``Safe(f"delivery {id} ({agency})")``),
    kept in JSON lines although it has spaces."""


def _safe_argument(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, Enum, Safe)):
        return value
    if isinstance(value, BaseException):
        return type(value).__name__
    text = str(value)
    if len(text) <= MAX_WORD_CHARS and _WORD.fullmatch(text):
        return text
    return WITHHELD


def _mask(text: str) -> str:
    try:
        from scamreport.sensitive import mask_secrets
    except ImportError:
        return _ANNOUNCED_CODE.sub(lambda m: f"{m.group(1)}{m.group(2)}{WITHHELD}", text)
    return mask_secrets(text).masked_text


def withheld_message(record: logging.LogRecord) -> str:
    """The record's message with its free-text arguments withheld and secrets masked."""
    message = str(record.msg)
    args = record.args
    if args:
        if isinstance(args, Mapping):
            safe: Any = {key: _safe_argument(value) for key, value in args.items()}
        else:
            safe = tuple(_safe_argument(value) for value in args)
        try:
            message = message % safe
        except (TypeError, ValueError):
            message = f"{message} [arguments withheld]"
    return _mask(message)


def _exception_text(exc_info: Any) -> str:
    kind, _error, tb = exc_info
    frames = "".join(traceback.format_tb(tb))
    name = getattr(kind, "__name__", "Exception")
    return f"Traceback (most recent call last):\n{frames}{name} (message withheld)"


class WithheldText(logging.Filter):
    """Rewrites each record so no handler after it sees the reporter's text (module doc)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_text_withheld", False):
            return True
        record.msg = withheld_message(record)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = _exception_text(record.exc_info)
        elif record.exc_text:
            # Formatted by someone else, with the message: keep the frames only.
            head, _, _last = record.exc_text.rstrip().rpartition("\n")
            record.exc_text = f"{head}\n(exception message withheld)" if head else None
        record.exc_info = None
        record._text_withheld = True
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record (module doc); ``process`` names the program."""

    def __init__(self, process: str) -> None:
        super().__init__()
        self.process = process
        self.withhold = WithheldText()

    def format(self, record: logging.LogRecord) -> str:
        self.withhold.filter(record)
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": self.process,
        }
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str) and value:
                line[name] = value
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False)


def handler_for(process: str, env: Mapping[str, str]) -> logging.Handler:
    """A stderr handler in the format SCAMREPORT_LOG_FORMAT names, for ``process``."""
    handler = logging.StreamHandler()
    if log_format(env) == "json":
        handler.addFilter(WithheldText())
        handler.setFormatter(JsonFormatter(process))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    return handler


def configure(
    process: str,
    env: Mapping[str, str],
    level: int | str = logging.INFO,
    *,
    text_format: str = TEXT_FORMAT,
    count_errors: bool = True,
    keep_existing: bool = False,
) -> logging.Handler:
    """Root logging for ``process``: one stderr handler (text or JSON), plus the error counter
    of scamreport.metrics when prometheus_client is installed. Returns the stderr handler.

    ``keep_existing``: as logging.basicConfig, leave a root logger that already has handlers
    as it is (the `scamreport` command run in-process by a test that captures its logs)."""
    handler = handler_for(process, env)
    if not isinstance(handler.formatter, JsonFormatter):
        handler.setFormatter(logging.Formatter(text_format))
    root = logging.getLogger()
    if not (keep_existing and root.handlers):
        root.handlers[:] = [handler]
        root.setLevel(level)
    if count_errors:
        try:
            import prometheus_client  # noqa: F401
        except ImportError:
            pass
        else:
            from scamreport.metrics import count_errors as add_error_counter

            add_error_counter(process)
    return handler
