"""The schema state of a database, for tests: at head, at which revisions, migrated down."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from scamreport.storage.database import (
    alembic_config,
    current_revisions,
    head_revisions,
    make_engine,
    migration_connection,
)


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
