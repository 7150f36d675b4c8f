"""Claims of the bot's outbox and kept messages (notifications, pending_messages).

Revision ID: 0012_bot_claims
Revises: 0011_taxii_api_keys
Create Date: 2026-11-30

Two nullable columns on each table, added in place (no batch rebuild; ``reports`` is not
touched): ``claimed_by``, the bot process sending or replaying the row, and
``claimed_until``, when its claim lapses. Checked against scamreport/storage/models.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_bot_claims"
down_revision: str | Sequence[str] | None = "0011_taxii_api_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
TABLES = ("notifications", "pending_messages")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("claimed_by", sa.String(128), nullable=True))
        op.add_column(table, sa.Column("claimed_until", TIMESTAMP, nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place; neither table has a trigger or an index on these.
    for table in TABLES:
        op.drop_column(table, "claimed_until")
        op.drop_column(table, "claimed_by")
