"""Per-agency status of shared reports, and the atomic login throttle of the console.

Revision ID: 0004_per_agency_status
Revises: 0003
Create Date: 2026-01-20

Checked against scamreport/storage/console_models.py (AgencyStatus, LoginThrottle):
- ``console_agency_statuses``: one row per (report, agency) with that agency's own status,
  internal reason and who set them. Filled here from ``reports.status``/``status_reason`` for
  every agency a report was routed to, with the author of the report's last console status
  change, so nothing already decided is lost.
- ``console_login_throttle``: fixed-window counters of sign-in attempts per account, per
  address and per (account, address), raised with one atomic upsert.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_per_agency_status"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)

# Frozen copy of scamreport.taxonomy.REPORT_STATUSES at this revision.
REPORT_STATUSES = ("received", "in_review", "referred", "actioned", "closed")

# Each routed agency starts where the shared status stood, credited to the last console change.
_BACKFILL = """
INSERT INTO console_agency_statuses
    (report_id, agency_code, status, reason, changed_by_user_id, changed_by_email, updated_at)
SELECT routed.report_id, routed.agency_code, r.status, r.status_reason,
    (SELECT c.user_id FROM console_status_changes c WHERE c.report_id = r.id
        ORDER BY c.created_at DESC, c.id DESC LIMIT 1),
    (SELECT c.author_email FROM console_status_changes c WHERE c.report_id = r.id
        ORDER BY c.created_at DESC, c.id DESC LIMIT 1),
    r.updated_at
FROM (SELECT DISTINCT report_id, agency_code FROM deliveries) AS routed
JOIN reports r ON r.id = routed.report_id
WHERE r.status <> 'received'
"""


def upgrade() -> None:
    statuses = ", ".join(f"'{status}'" for status in REPORT_STATUSES)
    op.create_table(
        "console_agency_statuses",
        sa.Column("report_id", ID, nullable=False),
        sa.Column("agency_code", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed_by_user_id", ID, nullable=True),
        sa.Column("changed_by_email", sa.String(254), nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint(
            "report_id", "agency_code", name=op.f("pk_console_agency_statuses")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_console_agency_statuses_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_user_id"],
            ["console_users.id"],
            name=op.f("fk_console_agency_statuses_changed_by_user_id_console_users"),
            ondelete="SET NULL",
        ),
        sa.CheckConstraint(
            f"status IN ({statuses})", name=op.f("ck_console_agency_statuses_status")
        ),
    )
    op.create_index(
        op.f("ix_console_agency_statuses_agency_code_status"),
        "console_agency_statuses",
        ["agency_code", "status"],
    )
    op.execute(_BACKFILL)

    op.create_table(
        "console_login_throttle",
        sa.Column("key_sha256", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("window_started_at", TIMESTAMP, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key_sha256", name=op.f("pk_console_login_throttle")),
    )


def downgrade() -> None:
    op.drop_table("console_login_throttle")
    op.drop_index(
        op.f("ix_console_agency_statuses_agency_code_status"), table_name="console_agency_statuses"
    )
    op.drop_table("console_agency_statuses")
