"""The declarative base every table shares, its constraint names, and the CHECK helper.

Constraint names follow ``NAMING_CONVENTION`` so Alembic can address them on PostgreSQL and
rebuild tables in batch mode on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import CheckConstraint, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def one_of(column: str, values: Sequence[str]) -> CheckConstraint:
    """A CHECK constraint named after ``column`` that limits it to ``values``."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=column)
