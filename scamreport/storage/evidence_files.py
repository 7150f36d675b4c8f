"""Evidence files on disk: stored once by content (SHA-256), named relative to one folder.

The bot writes them; erasure and retention delete the ones no row names any more.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size_bytes: int
    # Relative to the evidence directory: "ab/ab12...".
    storage_path: str


class EvidenceFiles:
    """Files under ``root``/sha256[:2]/sha256; the same bytes are stored once."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, storage_path: str) -> Path:
        relative = PurePosixPath(storage_path)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"not a path inside the evidence directory: {storage_path!r}")
        return self.root.joinpath(*relative.parts)

    def save(self, data: bytes) -> StoredBlob:
        digest = hashlib.sha256(data).hexdigest()
        storage_path = f"{digest[:2]}/{digest}"
        target = self.path_of(storage_path)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename: a reader never sees half a file, and two writers of the
            # same bytes end with the same complete file.
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(temporary, 0o640)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        return StoredBlob(sha256=digest, size_bytes=len(data), storage_path=storage_path)

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
