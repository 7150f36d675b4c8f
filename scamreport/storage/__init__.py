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

# isort: split
# Models kept in their own modules register their tables with the metadata on import (after
# the database module, which loads the PostgreSQL dialect the search index needs).
from scamreport.storage import inbox as _inbox  # noqa: F401

__all__ = [
    "get_engine",
    "make_engine",
    "make_session_factory",
    "session_scope",
    "upgrade_database",
]
