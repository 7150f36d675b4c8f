"""Logging for the bot: the token never reaches a log line, and httpx stays quiet."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping

from scamreport.logs import configure

REDACTED = "[REDACTED]"


class SecretRedactingFilter(logging.Filter):
    """Replaces each secret in a record (message, arguments, traceback) with [REDACTED].

    The Bot API puts the token in every URL, so any error that quotes a URL would leak it.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self._clean(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        # The traceback is now in exc_text; formatters print that instead of re-rendering.
        record.exc_info = None
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True


def configure_logging(
    secrets: Iterable[str], level: int = logging.INFO, env: Mapping[str, str] | None = None
) -> None:
    """Root logging to stderr (text, or JSON with SCAMREPORT_LOG_FORMAT=json: scamreport.logs)
    through the redacting filter."""
    handler = configure("bot", os.environ if env is None else env, level)
    handler.addFilter(SecretRedactingFilter(secrets))
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
