"""The language a report was made in (reports.language).

Revision ID: 0013_report_language
Revises: 0012_bot_claims
Create Date: 2026-11-30

One nullable, indexed column added in place (no batch rebuild): the code of the language the
reporter used ("en", "zh", "ms"; scamreport/languages.py). Reports stored before this revision
keep NULL, which the console reads as English. Checked against scamreport/storage/models.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_report_language"
down_revision: str | Sequence[str] | None = "0012_bot_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("reports", sa.Column("language", sa.String(8), nullable=True))
    op.create_index("ix_reports_language", "reports", ["language"])


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place once no index names it.
    op.drop_index("ix_reports_language", table_name="reports")
    op.drop_column("reports", "language")
