"""Evidence files on disk: stored once by content (SHA-256), named relative to one folder.

The bot writes them; erasure and retention delete the ones no row names any more. Whatever
writes evidence goes through ``save``, which refuses programs and archives holding them and
removes images' metadata (scamreport.evidence_safety) before anything is written.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scamreport.evidence_safety import check_safe, strip_image_metadata


@dataclass(frozen=True)
class StoredBlob:
    # The hash and size of what the reporter sent.
    sha256: str
    size_bytes: int
    # Relative to the evidence directory: "ab/ab12..." (named by the stored file's hash).
    storage_path: str
    # The hash of the stored file when it is not what was sent (metadata removed), else None.
    stored_sha256: str | None = None


class EvidenceFiles:
    """Files under ``root``/sha256[:2]/sha256; the same bytes are stored once."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, storage_path: str) -> Path:
        relative = PurePosixPath(storage_path)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"not a path inside the evidence directory: {storage_path!r}")
        return self.root.joinpath(*relative.parts)

    def save(
        self, data: bytes, *, mime_type: str | None = None, filename: str | None = None
    ) -> StoredBlob:
        """Stores ``data`` (an image of ``mime_type`` without its metadata); raises
        scamreport.evidence_safety.UnsafeEvidence for a program or an archive holding one."""
        check_safe(data, filename=filename)
        original = hashlib.sha256(data).hexdigest()
        stripped = strip_image_metadata(data, mime_type) if mime_type else None
        kept = data if stripped is None else stripped
        digest = original if stripped is None else hashlib.sha256(kept).hexdigest()
        storage_path = f"{digest[:2]}/{digest}"
        target = self.path_of(storage_path)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename: a reader never sees half a file, and two writers of the
            # same bytes end with the same complete file.
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(kept)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(temporary, 0o640)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        return StoredBlob(
            sha256=original,
            size_bytes=len(data),
            storage_path=storage_path,
            stored_sha256=None if digest == original else digest,
        )

    def remove(self, storage_path: str) -> None:
        self.path_of(storage_path).unlink(missing_ok=True)

    def remove_all(self, storage_paths: Iterable[str]) -> list[str]:
        """Deletes the files; returns the paths that could not be deleted."""
        failed: list[str] = []
        for storage_path in storage_paths:
            try:
                self.remove(storage_path)
            except (OSError, ValueError):
                failed.append(storage_path)
        return failed
