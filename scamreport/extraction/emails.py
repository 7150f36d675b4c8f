"""E-mail addresses, plain or defanged ("name[at]host[.]com", "name (at) host dot com")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scamreport.extraction.domains import split_host
from scamreport.extraction.model import Found
from scamreport.extraction.refang import AT, DOT, DOT_OR_WORD, refang_at, refang_dots

_LOCAL_ATOM = r"[a-z0-9_%+\-]+"
_LOCAL = _LOCAL_ATOM + r"(?:" + DOT + _LOCAL_ATOM + r")*"
_LABEL = r"[a-z0-9\u00c0-\u024f\u0400-\u04ff](?:[a-z0-9\u00c0-\u024f\u0400-\u04ff\-]{0,61}[a-z0-9\u00c0-\u024f\u0400-\u04ff])?"  # noqa: E501

_EMAIL_RE = re.compile(
    r"(?<![a-z0-9_%+\-.@/])(?P<local>" + _LOCAL + r")" + AT
    + r"(?P<domain>" + _LABEL + r"(?:" + DOT_OR_WORD + _LABEL + r")+)(?![a-z0-9\-])",
    re.IGNORECASE,
)  # fmt: skip


def normalise_email(raw: str) -> str | None:
    """Re-fanged, lower-cased address; None when the domain has no public suffix."""
    text = refang_dots(refang_at(raw.strip())).lower()
    text = re.sub(r"\s+", "", text)
    local, _, domain = text.rpartition("@")
    if not local or not domain or local.startswith(".") or ".." in local:
        return None
    label, suffix = split_host(domain)
    if not label or not suffix:
        return None
    return f"{local}@{domain}"


def find_emails(text: str) -> Iterator[Found]:
    for match in _EMAIL_RE.finditer(text):
        raw = match.group(0)
        value = normalise_email(raw)
        if value:
            rule = "email_plain" if value == raw.lower() else "email_defanged"
            yield Found("email", value, raw, match.start(), match.end(), rule)
