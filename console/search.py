"""Full-text search over reporters' stories, picking the database's own index.

SQLite: the FTS5 table ``reports_fts`` (migration 0002_console). PostgreSQL: the GIN index on
``to_tsvector('simple', story)``. Both treat the query as words that must all occur (no
operators), so the same text finds the same reports on either database.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, and_, false, func, select, text

from scamreport.storage.models import Report
from scamreport.storage.models.console import PG_SEARCH_CONFIG, SQLITE_SEARCH_TABLE, story_tsvector

_WORD = re.compile(r"\w+", re.UNICODE)
_MAX_WORDS = 12


def search_words(query: str) -> list[str]:
    """The words of ``query`` (letters and digits), at most 12, lower-cased."""
    return [word.lower() for word in _WORD.findall(query)][:_MAX_WORDS]


def fts5_query(words: list[str]) -> str:
    """An FTS5 MATCH expression that ANDs ``words`` as literal strings (never as syntax)."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def story_matches(query: str, dialect_name: str) -> ColumnElement[bool]:
    """A condition on ``Report`` true when the story contains every word of ``query``."""
    words = search_words(query)
    if not words:
        return false()
    if dialect_name == "sqlite":
        matching = (
            select(text("rowid"))
            .select_from(text(SQLITE_SEARCH_TABLE))
            .where(text(f"{SQLITE_SEARCH_TABLE} MATCH :story_query"))
            .params(story_query=fts5_query(words))
        )
        return Report.id.in_(matching)
    if dialect_name == "postgresql":
        # The configuration is a literal so the planner can match the index expression.
        tsquery = func.plainto_tsquery(text(f"'{PG_SEARCH_CONFIG}'::regconfig"), " ".join(words))
        return story_tsvector().op("@@")(tsquery)
    return and_(*(Report.story.ilike(f"%{word}%") for word in words))
