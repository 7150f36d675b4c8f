"""Alembic environment: runs on a connection handed over by scamreport.storage.database.

``upgrade_database()`` passes a connection that already holds the migration lock; the
``alembic`` command line (see alembic.ini) gets one the same way from ``sqlalchemy.url`` or,
when that is unset, from DATABASE_URL through scamreport.settings.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from scamreport.settings import get_settings
from scamreport.storage.database import (
    compare_column_types,
    include_object_filter,
    migration_connection,
    normalise_database_url,
    unmanaged_tables,
)
from scamreport.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def _run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # Batch operations rebuild tables on SQLite and fall back to ALTER on PostgreSQL,
        # so one migration script serves both.
        render_as_batch=True,
        compare_type=compare_column_types,
        # SQLite FTS5 tables made by migrations are not models: autogenerate must not drop them.
        include_object=include_object_filter(unmanaged_tables(connection)),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=normalise_database_url(_database_url()),
        target_metadata=target_metadata,
        render_as_batch=True,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    with migration_connection(_database_url()) as connection:
        _run_on(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
