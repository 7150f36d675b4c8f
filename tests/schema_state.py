"""The schema state of a database given by URL, for tests that start processes on it."""

from __future__ import annotations

from scamreport.storage.database import current_revisions, make_engine, schema_is_current


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
