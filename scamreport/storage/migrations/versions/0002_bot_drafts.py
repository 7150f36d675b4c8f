"""Bot drafts: evidence sent before its report is filed (pending_evidence).

Revision ID: 0002_bot_drafts
Revises: 0001
Create Date: 2025-11-26

Checked against scamreport/storage/drafts.py: columns, nullability, types, the index on
conversation_id and both CHECK constraints, named after models.NAMING_CONVENTION.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_bot_drafts"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)

# Frozen copy of scamreport.storage.codes.EVIDENCE_KINDS at this revision.
EVIDENCE_KINDS = ("photo", "document", "forwarded_message", "text")


def upgrade() -> None:
    kinds = ", ".join(f"'{kind}'" for kind in EVIDENCE_KINDS)
    op.create_table(
        "pending_evidence",
        sa.Column("id", ID, nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("mime_type", sa.String(127), nullable=False),
        sa.Column("filename", sa.String(255), nullable=True),
        sa.Column("storage_path", sa.String(1024), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("forwarded_from", sa.String(255), nullable=True),
        sa.Column("forwarded_date", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_evidence")),
        sa.CheckConstraint(f"kind IN ({kinds})", name=op.f("ck_pending_evidence_kind")),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_pending_evidence_size_bytes")),
    )
    op.create_index(
        op.f("ix_pending_evidence_conversation_id"), "pending_evidence", ["conversation_id"]
    )


def downgrade() -> None:
    op.drop_table("pending_evidence")
