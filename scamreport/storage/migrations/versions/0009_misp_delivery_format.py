"""Deliveries may carry a MISP event: ``deliveries.payload_format`` also takes ``misp``.

Revision ID: 0009_misp_delivery_format
Revises: 0008_crypto_currency_codes
Create Date: 2026-11-29

Only the CHECK constraint ``ck_deliveries_payload_format`` changes (scamreport.storage.codes
DELIVERY_FORMATS). On SQLite the batch mode rebuilds ``deliveries``, which has no triggers;
``reports`` (whose search triggers a rebuild would drop) is not touched.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_misp_delivery_format"
down_revision: str | Sequence[str] | None = "0008_crypto_currency_codes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the vocabulary before and after this revision.
_BEFORE = ("json", "stix")
_AFTER = ("json", "stix", "misp")
_NAME = "ck_deliveries_payload_format"


def _condition(values: Sequence[str]) -> str:
    return "payload_format IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _replace_check(values: Sequence[str]) -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint(op.f(_NAME), type_="check")
        batch.create_check_constraint(op.f(_NAME), _condition(values))


def upgrade() -> None:
    _replace_check(_AFTER)


def downgrade() -> None:
    deliveries = sa.table("deliveries", sa.column("payload_format", sa.String))
    count = (
        op.get_bind()
        .execute(sa.select(sa.func.count()).where(deliveries.c.payload_format == "misp"))
        .scalar_one()
    )
    if count:
        raise RuntimeError(
            f"{count} deliveries are in the misp format; delete them before downgrading"
        )
    _replace_check(_BEFORE)
