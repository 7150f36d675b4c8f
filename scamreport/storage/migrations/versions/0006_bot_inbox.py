"""The bot's inbox of Telegram updates (inbox_updates).

Revision ID: 0006_bot_inbox
Revises: 0005_triage_flags
Create Date: 2026-11-29

Checked against scamreport/storage/inbox.py (InboxUpdate): columns, nullability, types, the
unique update id, the indexes on conversation_id and handled_at and the CHECK on attempts,
named after models.NAMING_CONVENTION.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_bot_inbox"
down_revision: str | Sequence[str] | None = "0005_triage_flags"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inbox_updates",
        sa.Column("id", ID, nullable=False),
        sa.Column("bot_id", sa.BigInteger(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("handled_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_updates")),
        sa.UniqueConstraint("bot_id", "update_id", name=op.f("uq_inbox_updates_bot_id_update_id")),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_inbox_updates_attempts")),
    )
    op.create_index(op.f("ix_inbox_updates_conversation_id"), "inbox_updates", ["conversation_id"])
    op.create_index(op.f("ix_inbox_updates_handled_at"), "inbox_updates", ["handled_at"])


def downgrade() -> None:
    op.drop_table("inbox_updates")
