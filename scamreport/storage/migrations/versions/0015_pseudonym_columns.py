"""The reporter's key is named ``pseudonym`` in every table (was ``conversation_id``).

Revision ID: 0015_pseudonym_columns
Revises: 0014_delivery_notify
Create Date: 2026-11-30

``reports``, ``pending_evidence``, ``pending_messages`` and ``inbox_updates`` kept the
reporter's pseudonym (the Rasa sender id) in a column named ``conversation_id``; it is renamed
``pseudonym``, as ``reporters.pseudonym`` and the code name it, and so is its index. The column
is renamed in place with ``ALTER TABLE ... RENAME COLUMN`` (SQLite 3.25 and later, PostgreSQL):
no batch rebuild, which on SQLite would copy ``reports`` and lose what hangs on it (the console's
search index and its triggers). The index follows the column on both; only its name is changed:
``ALTER INDEX ... RENAME`` on PostgreSQL, dropped and created again on SQLite, which cannot
rename an index. Checked against scamreport/storage/models/.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015_pseudonym_columns"
down_revision: str | Sequence[str] | None = "0014_delivery_notify"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("reports", "pending_evidence", "pending_messages", "inbox_updates")
OLD_NAME = "conversation_id"
NEW_NAME = "pseudonym"


def rename_column_and_index(table: str, old: str, new: str) -> None:
    """Renames ``table.old`` to ``new`` and its index ``ix_<table>_<old>`` to match."""
    op.alter_column(table, old, new_column_name=new)
    old_index, new_index = f"ix_{table}_{old}", f"ix_{table}_{new}"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER INDEX {old_index} RENAME TO {new_index}")
    else:
        op.drop_index(old_index, table_name=table)
        op.create_index(new_index, table, [new])


def upgrade() -> None:
    for table in TABLES:
        rename_column_and_index(table, OLD_NAME, NEW_NAME)


def downgrade() -> None:
    for table in TABLES:
        rename_column_and_index(table, NEW_NAME, OLD_NAME)
