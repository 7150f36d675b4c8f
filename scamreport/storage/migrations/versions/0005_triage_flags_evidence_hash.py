"""Triage flags on reports; the hash of the stored file beside the reporter's original hash.

Revision ID: 0005_triage_flags
Revises: 0004_per_agency_status
Create Date: 2026-11-29

Checked against scamreport/storage/models.py (Report.triage_flags, Evidence.stored_sha256):
- ``reports.triage_flags``: the report's triage flags, comma separated (scamreport.triage),
  kept by the models on every insert and update. Filled here for the reports already stored
  with the flag rules of the code that runs the migration.
- ``evidence.stored_sha256`` (and ``pending_evidence.stored_sha256``): the SHA-256 of the file kept on disk when it differs from what
  the reporter sent (an image whose metadata was removed); ``evidence.sha256`` stays the hash
  of the reporter's original. Empty for every item stored before, which were kept as sent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from scamreport import triage

revision: str = "0005_triage_flags"
down_revision: str | Sequence[str] | None = "0004_per_agency_status"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000


class _Row:
    """A ``reports`` row as ``triage.flags_of`` reads it."""

    def __init__(self, row: sa.Row) -> None:
        self.country = row.country
        self.currency = row.currency
        self.amount_lost = row.amount_lost
        self.urgent = bool(row.urgent)
        details = row.details
        self.details = json.loads(details) if isinstance(details, str) else details


def _backfill() -> None:
    connection = op.get_bind()
    reports = sa.table(
        "reports",
        sa.column("id", sa.Integer),
        sa.column("country", sa.String),
        sa.column("currency", sa.String),
        sa.column("amount_lost", sa.Numeric(14, 2)),
        sa.column("urgent", sa.Boolean),
        sa.column("details", sa.JSON),
        sa.column("triage_flags", sa.String),
    )
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(reports).where(reports.c.id > last_id).order_by(reports.c.id).limit(_BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            flags = triage.encode(triage.flags_of(_Row(row)))
            if flags:
                connection.execute(
                    reports.update().where(reports.c.id == row.id).values(triage_flags=flags)
                )
        last_id = rows[-1].id


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(
            sa.Column("triage_flags", sa.String(64), server_default="", nullable=False)
        )
    for table in ("evidence", "pending_evidence"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("stored_sha256", sa.String(64), nullable=True))
    _backfill()


def downgrade() -> None:
    for table in ("pending_evidence", "evidence"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("stored_sha256")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("triage_flags")
