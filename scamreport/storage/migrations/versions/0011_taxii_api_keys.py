"""API keys of the console's TAXII 2.1 API (console_taxii_keys).

Revision ID: 0011_taxii_api_keys
Revises: 0010_indicator_source_ocr_text
Create Date: 2026-11-29

Checked against scamreport/storage/console_models.py (TaxiiApiKey): columns, nullability,
types, the unique key hash and the index on agency_code, named after
models.NAMING_CONVENTION. A new table only: ``reports`` is not touched.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_taxii_api_keys"
down_revision: str | Sequence[str] | None = "0010_indicator_source_ocr_text"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "console_taxii_keys",
        sa.Column("id", ID, nullable=False),
        sa.Column("key_sha256", sa.String(64), nullable=False),
        sa.Column("agency_code", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_taxii_keys")),
        sa.UniqueConstraint("key_sha256", name=op.f("uq_console_taxii_keys_key_sha256")),
    )
    op.create_index(
        op.f("ix_console_taxii_keys_agency_code"), "console_taxii_keys", ["agency_code"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_console_taxii_keys_agency_code"), table_name="console_taxii_keys")
    op.drop_table("console_taxii_keys")
