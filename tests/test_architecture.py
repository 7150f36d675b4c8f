"""Import boundaries between the layers (docs/architecture.md).

The core package (scamreport/) imports no adapter, development stand-in, test or benchmark,
at any level, inside functions too; the adapters do not import one another where they run as
separate processes (the bot and the action server never load the console, nor the console
them). Every module is parsed with ast, so an import that only runs in one branch counts.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# package -> top-level packages its modules must never import
FORBIDDEN: dict[str, frozenset[str]] = {
    "scamreport": frozenset(
        {
            "actions",
            "action_server",
            "bot",
            "console",
            "rasa_runtime",
            "telegram_standin",
            "agency_sink",
            "tests",
            "benchmarks",
        }
    ),
    "bot": frozenset({"console", "actions", "telegram_standin", "agency_sink"}),
    "actions": frozenset({"console", "bot", "telegram_standin", "agency_sink"}),
    "console": frozenset({"bot", "actions", "telegram_standin", "agency_sink"}),
}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> Iterator[str]:
    """Every module ``source`` imports, relative imports resolved against ``module``.

    Also counts ``importlib.import_module("name")`` with a literal name.
    """
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                yield ".".join([*base, node.module] if node.module else base)
            elif node.module:
                yield node.module
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


def boundary_violations(package: str, root: Path = ROOT) -> list[str]:
    forbidden = FORBIDDEN[package]
    found = []
    for path in sorted((root / package).rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        module = _module_name(path, root)
        for name in imported_modules(source, module, is_package=path.name == "__init__.py"):
            if name.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(root)} imports {name}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_keeps_to_its_layer(package: str) -> None:
    assert (ROOT / package / "__init__.py").is_file()
    assert boundary_violations(package) == []


def test_every_kind_of_import_is_seen() -> None:
    source = """
import console.app
from bot import relay
def later():
    from actions.forms import x
    import importlib
    importlib.import_module("telegram_standin.server")
from . import sibling
from ..storage import models
"""
    assert list(imported_modules(source, "scamreport.cli.thing")) == [
        "console.app",
        "bot",
        "scamreport.cli",
        "scamreport.storage",
        "actions.forms",
        "importlib",
        "telegram_standin.server",
    ]


def test_a_core_module_importing_an_adapter_is_reported(tmp_path: Path) -> None:
    planted = tmp_path / "scamreport" / "cli" / "example.py"
    planted.parent.mkdir(parents=True)
    (tmp_path / "scamreport" / "__init__.py").write_text("")
    planted.write_text("import json\n\n\ndef f():\n    from console.users import create_user\n")
    assert boundary_violations("scamreport", tmp_path) == [
        "scamreport/cli/example.py imports console.users"
    ]


# What the bot may take from SQLAlchemy: a session's type and its errors; its queries are
# storage functions (scamreport.storage) it runs through BotServices.db.
BOT_SQLALCHEMY_NAMES: dict[str, frozenset[str]] = {
    "sqlalchemy.orm": frozenset({"Session", "sessionmaker"}),
    "sqlalchemy.exc": frozenset({"SQLAlchemyError"}),
}
QUERY_METHODS = frozenset({"get", "scalar", "scalars", "execute", "query"})


def queries_built(source: str) -> list[str]:
    """SQLAlchemy query building in ``source``: a name taken from SQLAlchemy beyond
    BOT_SQLALCHEMY_NAMES, or a query method called on a ``session``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.startswith("sqlalchemy")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            allowed = BOT_SQLALCHEMY_NAMES.get(node.module or "", frozenset())
            found += [
                f"from {node.module} import {a.name}" for a in node.names if a.name not in allowed
            ]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERY_METHODS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "session"
        ):
            found.append(f"session.{node.func.attr}(...)")
    return found


def test_the_bot_builds_no_queries() -> None:
    found = {
        str(path.relative_to(ROOT)): queries
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if (queries := queries_built(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_a_query_in_the_bot_is_reported() -> None:
    source = """
from sqlalchemy import func, select
from sqlalchemy.orm import Session
def count(session: Session) -> int:
    return session.scalar(select(func.count()))
"""
    assert queries_built(source) == [
        "from sqlalchemy import func",
        "from sqlalchemy import select",
        "session.scalar(...)",
    ]
