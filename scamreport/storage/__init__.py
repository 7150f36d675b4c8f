"""Storage: SQLAlchemy 2.0 models, Alembic migrations and the repository functions.

SQLite by default (a file under var/), PostgreSQL in production (DATABASE_URL). Build an
engine with ``make_engine``, migrate with ``upgrade_database``, and work through the
keyword-only functions of ``scamreport.storage.repository``.
"""

from scamreport.storage.database import (
    get_engine,
    make_engine,
    make_session_factory,
    session_scope,
    upgrade_database,
)

__all__ = [
    "get_engine",
    "make_engine",
    "make_session_factory",
    "session_scope",
    "upgrade_database",
]
