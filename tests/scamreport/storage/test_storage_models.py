"""The models package: its ``__init__`` imports every module; a module imports only at its top
(no import at the bottom of a file) and never the package itself (no cycle); stored and pending
evidence share their columns."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import pytest

from scamreport.storage import models
from scamreport.storage.models import Evidence, EvidenceColumns, PendingEvidence

PACKAGE = Path(models.__file__).parent
MODULES = sorted(info.name for info in pkgutil.iter_modules([str(PACKAGE)]))


def _runtime_imports(tree: ast.Module) -> list[ast.ImportFrom | ast.Import]:
    """The module's top-level imports, leaving out those under ``if TYPE_CHECKING:``."""
    return [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]


def test_the_package_imports_every_module() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    imported = {node.module for node in _runtime_imports(tree) if isinstance(node, ast.ImportFrom)}
    assert {f"scamreport.storage.models.{name}" for name in MODULES} <= imported


@pytest.mark.parametrize("name", MODULES)
def test_a_module_imports_at_its_top_and_never_the_package(name: str) -> None:
    tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
    body = tree.body[1:] if ast.get_docstring(tree) is not None else tree.body
    first_other = next(
        index
        for index, node in enumerate(body)
        if not isinstance(node, ast.Import | ast.ImportFrom | ast.If)
    )
    assert all(not isinstance(node, ast.Import | ast.ImportFrom) for node in body[first_other:])
    for node in _runtime_imports(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.module != "scamreport.storage.models"
            names = {alias.name for alias in node.names}
            assert not (node.module == "scamreport.storage" and "models" in names)


def test_stored_and_pending_evidence_share_their_columns() -> None:
    shared = list(EvidenceColumns.__annotations__)
    assert "sha256" in shared and "ocr_text" in shared
    for name in shared:
        stored, pending = Evidence.__table__.c[name], PendingEvidence.__table__.c[name]
        assert (repr(stored.type), stored.nullable) == (repr(pending.type), pending.nullable)
