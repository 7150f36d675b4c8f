"""Which evidence files the bot keeps, and keeping them: by SHA-256, deduplicated, on disk.

A file is judged twice: by what Telegram says about it before it is downloaded (size, name,
declared MIME type), and by its first bytes after, so a renamed executable is refused too.
The stored MIME type is the one the content shows, not the one the sender declared.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from scamreport.evidence_safety import EXECUTABLE_EXTENSIONS, UnsafeEvidence, check_safe
from scamreport.storage.evidence_files import EvidenceFiles, StoredBlob

# Telegram's getFile limit for bots; larger files cannot be downloaded at all.
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024

ALLOWED_MIME_TYPES: dict[str, str] = {
    "image/jpeg": "photo",
    "image/png": "photo",
    "image/webp": "photo",
    "image/heic": "photo",
    "image/heif": "photo",
    "application/pdf": "document",
    "message/rfc822": "document",
    "text/plain": "document",
}
ALLOWED_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".pdf", ".eml", ".txt"}
)
_DECLARED_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"heif"}
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]", re.MULTILINE)
_MAIL_HEADERS = (b"from:", b"to:", b"subject:", b"date:", b"received:", b"message-id:")


class EvidenceRefused(ValueError):
    """A file the bot does not keep; ``reason`` is "too_big", "type", "empty" or "unsafe"
    (a program, or an archive holding one: scamreport.evidence_safety)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def _extension(filename: str | None) -> str:
    return PurePosixPath(filename or "").suffix.lower()


def check_declared(*, filename: str | None, mime_type: str | None, size: int | None) -> None:
    """Refuses a file from what Telegram says about it, before downloading it."""
    if size is not None and size > MAX_EVIDENCE_BYTES:
        raise EvidenceRefused("too_big", f"{size} bytes")
    extension = _extension(filename)
    if extension in EXECUTABLE_EXTENSIONS:
        raise EvidenceRefused("unsafe", f"extension {extension}")
    if extension and extension not in ALLOWED_EXTENSIONS:
        raise EvidenceRefused("type", f"extension {extension}")
    declared = _DECLARED_ALIASES.get((mime_type or "").lower(), (mime_type or "").lower())
    # "application/octet-stream" says nothing; the content decides.
    if declared and declared != "application/octet-stream" and declared not in ALLOWED_MIME_TYPES:
        raise EvidenceRefused("type", f"declared {declared}")


def _looks_like_text(data: bytes) -> bool:
    head = data[:65536]
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(head) - 4:
            return False
    return True


def sniff_mime_type(data: bytes, *, filename: str | None = None) -> str:
    """The allowed MIME type the content shows; raises EvidenceRefused for anything else."""
    if not data:
        raise EvidenceRefused("empty")
    try:
        check_safe(data, filename=filename)
    except UnsafeEvidence as error:
        raise EvidenceRefused("unsafe", str(error)) from error
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "image/heic" if data[8:12] in (b"heic", b"heix", b"hevc", b"hevx") else "image/heif"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if _looks_like_text(data):
        head = data[:8192].lower()
        is_mail = _extension(filename) == ".eml" or (
            _HEADER_LINE.match(data[:8192]) is not None
            and sum(marker in head for marker in _MAIL_HEADERS) >= 2
        )
        return "message/rfc822" if is_mail else "text/plain"
    raise EvidenceRefused("type", "content is not an image, PDF, e-mail or text")


def save_evidence(
    store: EvidenceFiles, data: bytes, *, mime_type: str | None = None, filename: str | None = None
) -> StoredBlob:
    """Stores ``data`` once it is known to be within the size limit and safe; an image of
    ``mime_type`` is stored without its metadata (the blob keeps the original's hash)."""
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceRefused("too_big", f"{len(data)} bytes")
    try:
        return store.save(data, mime_type=mime_type, filename=filename)
    except UnsafeEvidence as error:
        raise EvidenceRefused("unsafe", str(error)) from error
