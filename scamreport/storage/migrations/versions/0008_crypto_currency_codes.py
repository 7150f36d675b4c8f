"""Amounts paid in crypto keep their code: the currency column takes up to 5 letters.

Revision ID: 0008_crypto_currency_codes
Revises: 0007_flagged_reports_index
Create Date: 2026-11-29

Victims of investment scams pay in USDT, USDC, BTC or ETH; storing those as a three-letter ISO
4217 code would lose what was paid (scamreport.extraction.amounts reads them).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_crypto_currency_codes"
down_revision: str | Sequence[str] | None = "0007_flagged_reports_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.alter_column(
            "currency", existing_type=sa.String(3), type_=sa.String(5), existing_nullable=True
        )


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.alter_column(
            "currency", existing_type=sa.String(5), type_=sa.String(3), existing_nullable=True
        )
