"""Long-lived resources of the action server, built on first use (never at import)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

from scamreport.registry import Registry, load_registry
from scamreport.settings import Settings, get_settings
from scamreport.storage.database import make_engine, make_session_factory


@lru_cache(maxsize=1)
def settings() -> Settings:
    return get_settings()


@lru_cache(maxsize=1)
def registry() -> Registry:
    return load_registry()


@lru_cache(maxsize=1)
def session_factory() -> sessionmaker[Session]:
    # The schema was checked (or, by opt-in, migrated) when the action server started.
    return make_session_factory(make_engine(settings().database_url))
