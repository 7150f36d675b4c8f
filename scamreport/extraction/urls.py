"""Web links: plain, defanged (hxxps://a[.]b) and bare domains, re-fanged and normalised."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from urllib.parse import SplitResult, urlsplit

from scamreport.extraction.cjk import HAN
from scamreport.extraction.domains import registrable_host, split_host
from scamreport.extraction.model import Found
from scamreport.extraction.refang import DOT, is_defanged, refang_dots, refang_scheme

# Host labels: ASCII, Latin letters with accents and Cyrillic (look-alike phishing hosts), but no
# CJK, so that a link written inside Chinese text does not swallow the words around it.
_LABEL = r"[a-z0-9\u00c0-\u024f\u0400-\u04ff](?:[a-z0-9\u00c0-\u024f\u0400-\u04ff_\-]{0,61}[a-z0-9\u00c0-\u024f\u0400-\u04ff])?"  # noqa: E501
_HOST = _LABEL + r"(?:" + DOT + _LABEL + r")+"
_IPV4 = r"\d{1,3}(?:" + DOT + r"\d{1,3}){3}"
_PORT = r"(?::\d{2,5})?"
# A path stops at CJK punctuation and at Han characters ("https://bit.ly/3abcD输入密码").
_PATH = r"(?:[/?#][^\s<>\"'`\u3000-\u303f\uff00-\uffef" + HAN + r"]*)?"
_SCHEME = r"h(?:tt|xx|xt|tx|\*\*)ps?\s?(?:\[:\]//|\[://\]|\(:\)//|://)"

_WITH_SCHEME_RE = re.compile(
    r"(?<![a-z0-9_@])"
    + _SCHEME
    + r"(?:[^\s/@]+@)?(?P<host>"
    + _HOST
    + "|"
    + _IPV4
    + ")"
    + _PORT
    + _PATH,
    re.IGNORECASE,
)
_BARE_RE = re.compile(
    r"(?<![a-z0-9\u00c0-\u024f\u0400-\u04ff_@.\-/])(?P<host>"
    + _HOST
    + ")"
    + _PORT
    + r"(?P<path>"
    + _PATH
    + ")",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}'\"’”>"

# Suffixes that, written bare and lower-case, are more often file names or run-together words
# ("notes.zip", "paid.so") than web sites. A scheme, "www.", a path or defanging still admits them.
_DOUBTFUL_BARE_SUFFIXES = frozenset(
    {
        "zip", "mov", "md", "py", "sh", "so", "it", "is", "to", "no", "be", "do", "go", "am", "as",
        "at", "an", "on", "or", "in", "me", "us"
    }
)  # fmt: skip


def _trim(raw: str) -> str:
    """Drop sentence punctuation after a link, keeping a ")" that closes a "(" inside it."""
    while raw and raw[-1] in _TRAILING:
        if raw[-1] == ")" and raw.count("(") >= raw.count(")"):
            break
        raw = raw[:-1]
    return raw


def normalise_url(raw: str) -> str | None:
    """Re-fanged URL with a scheme and a lower-case host; None when the host is not a domain."""
    scheme, rest = refang_scheme(raw.strip())
    split = urlsplit(f"//{refang_dots(rest)}")
    host = (split.hostname or "").rstrip(".")
    if not host or not (_is_ip(host) or split_host(host)[1]):
        return None
    userinfo = split.netloc.rpartition("@")[0]  # "https://bank.com@evil.com": kept as evidence
    netloc = (f"{userinfo}@" if userinfo else "") + host + _port(split)
    path = split.path if split.path != "/" else ""
    query = f"?{split.query}" if split.query else ""
    fragment = f"#{split.fragment}" if split.fragment else ""
    return f"{scheme or 'https'}://{netloc}{path}{query}{fragment}"


def _port(split: SplitResult) -> str:
    try:
        port = split.port
    except ValueError:  # not a number or out of range
        return ""
    return f":{port}" if port is not None else ""


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def registrable_domain(url: str) -> str | None:
    """The registrable domain of a URL, bare host or e-mail address (re-fanged); None for IPs."""
    candidate = normalise_url(url) if url and url.strip() else None
    if candidate is None:
        return None
    host = urlsplit(candidate).hostname or ""
    return None if _is_ip(host) else registrable_host(host)


def _bare_is_plausible(raw: str, host: str, path: str) -> bool:
    """Bare domains need some sign of being a link: defanging, "www.", a path, or a known
    suffix written in lower case that is not a doubtful one."""
    if is_defanged(raw) or host.lower().startswith("www.") or path.strip(_TRAILING):
        return True
    label, suffix = split_host(refang_dots(host))
    if not label or not suffix:
        return False
    written_suffix = refang_dots(host)[-len(suffix) :]
    if written_suffix != written_suffix.lower():
        return False  # "paid.Then", "Mr.Tan": a sentence run together, not a domain
    return suffix not in _DOUBTFUL_BARE_SUFFIXES


def find_urls(text: str) -> Iterator[Found]:
    taken: list[tuple[int, int]] = []
    for match in _WITH_SCHEME_RE.finditer(text):
        raw = _trim(match.group(0))
        value = normalise_url(raw)
        if value:
            end = match.start() + len(raw)
            taken.append((match.start(), end))
            rule = "url_defanged" if is_defanged(raw) else "url_with_scheme"
            yield Found("url", value, raw, match.start(), end, rule)
    for match in _BARE_RE.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        raw = _trim(match.group(0))
        host = match.group("host")
        path = raw[len(match.group(0)) - len(match.group("path")) :] if match.group("path") else ""
        if not _bare_is_plausible(raw, host, path):
            continue
        value = normalise_url(raw)
        if value:
            rule = "url_defanged" if is_defanged(raw) else "url_bare_domain"
            yield Found("url", value, raw, match.start(), match.start() + len(raw), rule)
