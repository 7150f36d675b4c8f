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


def _alter_currency(old: int, new: int) -> None:
    # SQLite does not enforce a VARCHAR's length, and its batch mode would rebuild the table and
    # drop the search triggers on it: only databases that enforce the length are altered.
    if op.get_bind().dialect.name == "sqlite":
        return
    op.alter_column(
        "reports",
        "currency",
        existing_type=sa.String(old),
        type_=sa.String(new),
        existing_nullable=True,
    )


def upgrade() -> None:
    _alter_currency(3, 5)


def downgrade() -> None:
    _alter_currency(5, 3)
