"""The schema state of a database, for tests: at head, at which revisions, migrated down, and
how it differs from the models."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, Engine, inspect
from sqlalchemy.engine import URL

from scamreport.storage.database import (
    alembic_config,
    compare_column_types,
    current_revisions,
    head_revisions,
    include_object_filter,
    make_engine,
    migration_connection,
    unmanaged_tables,
)
from scamreport.storage.models import Base


def schema_is_current(engine: Engine) -> bool:
    """True when the database has every migration shipped with the package."""
    return current_revisions(engine) == head_revisions()


def downgrade_database(url: str | URL, revision: str) -> None:
    """Migrates the database at ``url`` down to ``revision`` (``"base"`` drops everything)."""
    config = alembic_config()
    with migration_connection(url) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def revisions_of(url: str) -> tuple[str, ...]:
    engine = make_engine(url)
    try:
        return current_revisions(engine)
    finally:
        engine.dispose()


def at_head(url: str) -> bool:
    engine = make_engine(url)
    try:
        return schema_is_current(engine)
    finally:
        engine.dispose()


def schema_differences(engine: Engine) -> list[Any]:
    """How the database's schema differs from the models; an empty list when they match.

    Alembic's autogenerate comparison (tables, columns, types, nullability, indexes, unique
    constraints), plus what it leaves out: foreign keys' ON DELETE rules and CHECK constraints
    (compared by name, as PostgreSQL rewrites their SQL).
    """
    with engine.connect() as connection:
        skip = unmanaged_tables(connection)
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": compare_column_types,
                "include_object": include_object_filter(skip),
            },
        )
        differences: list[Any] = list(compare_metadata(context, Base.metadata))
        inspector = inspect(connection)
        tables = [t for t in inspector.get_table_names() if t not in skip | {"alembic_version"}]
        actual_fks = {
            (
                table,
                fk["name"],
                tuple(fk["constrained_columns"]),
                fk["referred_table"],
                (fk.get("options", {}).get("ondelete") or "").upper(),
            )
            for table in tables
            for fk in inspector.get_foreign_keys(table)
        }
        actual_checks = {
            (table, check["name"])
            for table in tables
            for check in inspector.get_check_constraints(table)
        }
    expected_fks = {
        (
            table.name,
            fk.name,
            tuple(c.name for c in fk.columns),
            fk.referred_table.name,
            (fk.ondelete or "").upper(),
        )
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_key_constraints
    }
    expected_checks = {
        (table.name, constraint.name)
        for table in Base.metadata.sorted_tables
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    differences += [
        ("foreign key only in models", fk) for fk in sorted(expected_fks - actual_fks, key=repr)
    ]
    differences += [
        ("foreign key only in database", fk) for fk in sorted(actual_fks - expected_fks, key=repr)
    ]
    differences += [
        ("check only in models", ck) for ck in sorted(expected_checks - actual_checks, key=repr)
    ]
    differences += [
        ("check only in database", ck) for ck in sorted(actual_checks - expected_checks, key=repr)
    ]
    return differences
