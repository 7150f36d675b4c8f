"""Indicators read in screenshots: ``indicators.source``, and the OCR text of evidence images.

Revision ID: 0010_indicator_source_ocr_text
Revises: 0009_misp_delivery_format
Create Date: 2026-11-29

Checked against scamreport/storage/models.py (Indicator.source, Evidence.ocr_text) and
scamreport/storage/drafts.py (PendingEvidence.ocr_text):
- ``indicators.source``: "conversation" (what the reporter wrote; every indicator stored
  before) or "screenshot" (read by OCR in an image), limited by ``ck_indicators_source``. On
  SQLite the batch mode rebuilds ``indicators``, which has no triggers; ``reports`` (whose
  search triggers a rebuild would drop) is not touched.
- ``evidence.ocr_text`` and ``pending_evidence.ocr_text``: the text read in an image, secrets
  masked; empty for everything stored before.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_indicator_source_ocr_text"
down_revision: str | Sequence[str] | None = "0009_misp_delivery_format"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A frozen copy of scamreport.storage.codes.INDICATOR_SOURCES at this revision.
_SOURCES = ("conversation", "screenshot")
_NAME = "ck_indicators_source"


def upgrade() -> None:
    with op.batch_alter_table("indicators") as batch:
        batch.add_column(
            sa.Column("source", sa.String(16), server_default="conversation", nullable=False)
        )
        batch.create_check_constraint(
            op.f(_NAME), "source IN (" + ", ".join(f"'{s}'" for s in _SOURCES) + ")"
        )
    for table in ("evidence", "pending_evidence"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("ocr_text", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in ("pending_evidence", "evidence"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("ocr_text")
    with op.batch_alter_table("indicators") as batch:
        batch.drop_constraint(op.f(_NAME), type_="check")
        batch.drop_column("source")
