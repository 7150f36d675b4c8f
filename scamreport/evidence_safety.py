"""Evidence safety: no programs in the evidence store, no hidden metadata in images.

``check_safe`` refuses, by content (magic bytes) and not only by name, what could run on an
analyst's computer: Windows (PE), Linux (ELF) and macOS (Mach-O) programs, Java and Android
code, scripts that start with ``#!``, and archives (zip, tar, gzip) that hold any of these,
looked into a few levels deep. RAR and 7z archives cannot be looked into with the standard
library, so they are refused as unreadable, like a damaged or bomb-sized archive.

``strip_image_metadata`` re-saves a JPEG, PNG or WebP image without its EXIF (GPS position,
camera serial, time), XMP, IPTC and text chunks, turned upright first when EXIF said it was
rotated. The caller keeps the SHA-256 of what the reporter sent (``Evidence.sha256``) beside
the hash of the stripped file (``Evidence.stored_sha256``). Images Pillow cannot open (HEIC
without a plug-in, damaged files) are kept as sent.
"""

from __future__ import annotations

import gzip
import io
import logging
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

logger = logging.getLogger(__name__)

# Names inside an archive that are programs or scripts whatever their content looks like.
EXECUTABLE_EXTENSIONS = frozenset(
    {
        ".exe", ".dll", ".scr", ".com", ".cpl", ".msi", ".msp", ".sys", ".drv", ".ocx",
        ".bat", ".cmd", ".ps1", ".psm1", ".vbs", ".vbe", ".js", ".jse", ".wsf", ".wsh",
        ".hta", ".lnk", ".pif", ".reg", ".jar", ".class", ".apk", ".dex", ".app", ".dmg",
        ".pkg", ".elf", ".so", ".dylib", ".bin", ".run", ".sh", ".bash", ".command",
        ".py", ".pl", ".rb", ".php", ".appimage", ".deb", ".rpm", ".iso", ".img",
    }
)  # fmt: skip

# How far into archives we look: nesting depth, members per archive, bytes read per member
# to find its type, and bytes unpacked in all (beyond these the archive is refused).
MAX_DEPTH = 3
MAX_MEMBERS = 2000
HEAD_BYTES = 4096
MAX_UNPACKED_BYTES = 64 * 1024 * 1024

_MACHO = (
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # a universal (fat) Mach-O binary, or a Java class file
)  # fmt: skip
_UTF8_BOM = b"\xef\xbb\xbf"


class UnsafeEvidence(ValueError):
    """Content refused as evidence. ``reason``: "executable", "archive_with_executable" or
    "archive_unreadable"; ``detail`` names what was found (for logs, not for the reporter)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def executable_kind(head: bytes) -> str | None:
    """What kind of program ``head`` (the first bytes of a file) starts, or None."""
    if head.startswith(b"\x7fELF"):
        return "ELF program"
    if head.startswith(b"MZ") and _is_pe(head):
        return "Windows program"
    if head[:4] in _MACHO:
        return "Mach-O program or Java class"
    if head.startswith(b"dex\n"):
        return "Android code"
    if head.startswith(b"\x00asm"):
        return "WebAssembly module"
    if head.startswith(b"L\x00\x00\x00\x01\x14\x02\x00"):
        return "Windows shortcut"
    if head.removeprefix(_UTF8_BOM).startswith(b"#!"):
        return "script"
    return None


def _is_pe(head: bytes) -> bool:
    """An MZ header whose e_lfanew points at "PE\\0\\0", or an old DOS program (binary header)."""
    if len(head) >= 0x40:
        offset = int.from_bytes(head[0x3C:0x40], "little")
        if head[offset : offset + 4] == b"PE\x00\x00":
            return True
    # No PE header in the bytes we have: an MZ file with binary fields is still a program;
    # a text that happens to start with "MZ" is not.
    return b"\x00" in head[2:0x40]


def archive_kind(data: bytes) -> str | None:
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if data.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if data.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if data.startswith(b"\x1f\x8b"):
        return "gzip"
    if data[257:262] == b"ustar":
        return "tar"
    return None


@dataclass
class _Budget:
    unpacked: int = 0

    def spend(self, size: int) -> None:
        self.unpacked += size
        if self.unpacked > MAX_UNPACKED_BYTES:
            raise UnsafeEvidence("archive_unreadable", "unpacks to too many bytes")


def _named_executable(name: str) -> bool:
    return PurePosixPath(name.replace("\\", "/")).suffix.lower() in EXECUTABLE_EXTENSIONS


def _check_member(name: str, data: bytes, *, depth: int, budget: _Budget) -> None:
    found = executable_kind(data[:HEAD_BYTES])
    if found is not None or _named_executable(name):
        raise UnsafeEvidence("archive_with_executable", f"{name!r}: {found or 'program name'}")
    if archive_kind(data) is not None:
        _check_archive(data, depth=depth + 1, budget=budget)


def _read_limited(handle: io.BufferedIOBase, size: int, budget: _Budget) -> bytes:
    data = handle.read(size)
    budget.spend(len(data))
    return data


def _check_zip(data: bytes, *, depth: int, budget: _Budget) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise UnsafeEvidence("archive_unreadable", f"{len(members)} members")
            for info in members:
                if info.is_dir():
                    continue
                if _named_executable(info.filename):
                    raise UnsafeEvidence("archive_with_executable", repr(info.filename))
                if info.flag_bits & 0x1:
                    # Encrypted: its content cannot be checked.
                    raise UnsafeEvidence("archive_unreadable", f"{info.filename!r} is encrypted")
                nested = info.file_size <= MAX_UNPACKED_BYTES - budget.unpacked
                with archive.open(info) as member:
                    head = _read_limited(member, HEAD_BYTES, budget)
                    if archive_kind(head) is not None and nested:
                        head += _read_limited(member, info.file_size, budget)
                _check_member(info.filename, head, depth=depth, budget=budget)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as error:
        if isinstance(error, UnsafeEvidence):
            raise
        raise UnsafeEvidence("archive_unreadable", f"zip: {type(error).__name__}") from None


def _check_tar(data: bytes, *, depth: int, budget: _Budget) -> None:
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
            for count, info in enumerate(archive):
                if count >= MAX_MEMBERS:
                    raise UnsafeEvidence("archive_unreadable", "too many members")
                if not info.isfile():
                    continue
                if _named_executable(info.name) or info.mode & 0o111:
                    raise UnsafeEvidence("archive_with_executable", repr(info.name))
                member = archive.extractfile(info)
                if member is None:
                    continue
                head = _read_limited(member, HEAD_BYTES, budget)  # type: ignore[arg-type]
                if archive_kind(head) is not None:
                    head += _read_limited(member, info.size, budget)  # type: ignore[arg-type]
                _check_member(info.name, head, depth=depth, budget=budget)
    except tarfile.TarError as error:
        raise UnsafeEvidence("archive_unreadable", f"tar: {type(error).__name__}") from None


def _gunzip(data: bytes, budget: _Budget) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(MAX_UNPACKED_BYTES - budget.unpacked + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise UnsafeEvidence("archive_unreadable", f"gzip: {type(error).__name__}") from None
    budget.spend(len(out))
    return out


def _check_archive(data: bytes, *, depth: int, budget: _Budget) -> None:
    kind = archive_kind(data)
    if kind is None:
        return
    if depth > MAX_DEPTH:
        raise UnsafeEvidence("archive_unreadable", f"archives nested deeper than {MAX_DEPTH}")
    if kind in ("rar", "7z"):
        raise UnsafeEvidence("archive_unreadable", f"{kind} archives cannot be checked")
    if kind == "zip":
        _check_zip(data, depth=depth, budget=budget)
    elif kind == "tar":
        _check_tar(data, depth=depth, budget=budget)
    else:
        _check_member("(gzip content)", _gunzip(data, budget), depth=depth, budget=budget)


def _has_zip_directory(data: bytes) -> bool:
    """A zip's central directory at the end: a file that is also a zip ("polyglot")."""
    return b"PK\x05\x06" in data[-66000:] and zipfile.is_zipfile(io.BytesIO(data))


def check_safe(data: bytes, *, filename: str | None = None) -> None:
    """Raises UnsafeEvidence when ``data`` is a program or an archive holding one (or an
    archive that cannot be looked into); returns quietly otherwise."""
    found = executable_kind(data[:HEAD_BYTES])
    if found is not None:
        raise UnsafeEvidence("executable", found)
    budget = _Budget()
    if archive_kind(data) is not None:
        _check_archive(data, depth=1, budget=budget)
    elif _has_zip_directory(data):
        # An image or PDF with a zip appended still opens as a zip: look inside it as well.
        # Only a program found in it refuses the file: a PDF whose bytes merely look like the
        # end of a zip must not be lost as "unreadable".
        try:
            _check_zip(data, depth=1, budget=budget)
        except UnsafeEvidence as error:
            if error.reason != "archive_unreadable":
                raise


# --- image metadata ------------------------------------------------------------------------

STRIPPABLE_IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def strip_image_metadata(data: bytes, mime_type: str) -> bytes | None:
    """``data`` re-saved without metadata, or None when it is not an image this can strip
    (or Pillow cannot read it). Pixels are kept; a JPEG keeps its quantisation tables."""
    image_format = STRIPPABLE_IMAGE_TYPES.get(mime_type.lower())
    if image_format is None:
        return None
    try:
        from PIL import Image, ImageOps
    except ImportError:  # pragma: no cover - Pillow is a dependency
        logger.warning("Pillow is not installed: image metadata is not removed")
        return None
    # Pillow's own limit (Image.MAX_IMAGE_PIXELS) refuses decompression bombs: kept as sent.
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            icc_profile = image.info.get("icc_profile")
            rotated = image.getexif().get(0x0112, 1) not in (1, None)  # Orientation
            upright = ImageOps.exif_transpose(image) if rotated else image
            options: dict[str, object] = {}
            if icc_profile:
                options["icc_profile"] = icc_profile  # colours, not a secret
            if image_format == "JPEG":
                if rotated:
                    options.update(quality=95)
                else:
                    options.update(quality="keep", subsampling="keep")
            elif image_format == "WEBP":
                options.update(lossless=image.info.get("lossless", False), quality=95)
            out = io.BytesIO()
            # No exif=, no pnginfo=, no xmp=: Pillow writes only what it is given.
            upright.save(out, format=image_format, **options)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        logger.info("image metadata not removed (%s): kept as sent", type(error).__name__)
        return None
    return out.getvalue()


def has_location(data: bytes) -> bool:
    """Whether an image's EXIF holds a GPS block (for tests and checks)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return bool(image.getexif().get_ifd(0x8825))
    except (OSError, ValueError, SyntaxError):
        return False
