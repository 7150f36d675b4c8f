"""Evidence files on disk: safe paths under the evidence directory, and integrity checks."""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from scamreport.storage.models import Evidence

# Image types a browser may show inline; anything else (SVG too: it can hold script) downloads.
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# Files larger than this are not re-hashed when a page is shown (hashing is then on request).
_MAX_HASH_BYTES = 64 * 1024 * 1024


def evidence_path(evidence_dir: Path, item: Evidence) -> Path | None:
    """The file of ``item`` if it lies inside ``evidence_dir`` and exists, else None."""
    if not item.storage_path:
        return None
    root = evidence_dir.resolve()
    candidate = (root / item.storage_path).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


_MAX_DOWNLOAD_NAME = 120


def download_name(item: Evidence, *, fallback: str) -> str:
    """The file name a browser saves the evidence under: the reporter's name for it without
    control characters (a CR/LF would split the header), quotes, backslashes or folders."""
    name = "".join(
        "_" if unicodedata.category(char)[0] in "CZ" and char != " " or char in '"\\/' else char
        for char in (item.filename or "")
    ).strip(" ._")
    return name[:_MAX_DOWNLOAD_NAME] or fallback


def is_inline_image(item: Evidence) -> bool:
    return item.mime_type.lower() in INLINE_IMAGE_TYPES


@functools.lru_cache(maxsize=1024)
def _sha256_of(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Integrity:
    """``present``: the file is on disk; ``verified``: its SHA-256 matches the stored one
    (None when the file was too big to check while showing the page)."""

    present: bool
    verified: bool | None


def evidence_integrity(evidence_dir: Path, item: Evidence) -> Integrity:
    """Checks the file against the hash of what was stored: ``stored_sha256`` for an image
    kept without its metadata, else ``sha256`` (what the reporter sent)."""
    path = evidence_path(evidence_dir, item)
    if path is None:
        return Integrity(present=False, verified=None)
    stat = path.stat()
    if stat.st_size > _MAX_HASH_BYTES:
        return Integrity(present=True, verified=None)
    return Integrity(
        present=True,
        verified=_sha256_of(str(path), stat.st_size, stat.st_mtime_ns)
        == (item.stored_sha256 or item.sha256),
    )
