"""Forwarding workers woken when deliveries fall due (PostgreSQL LISTEN/NOTIFY).

Revision ID: 0014_delivery_notify
Revises: 0013_report_language
Create Date: 2026-11-30

On PostgreSQL, a row trigger on ``deliveries`` notifies the channel the workers listen on
(scamreport/forwarding/wakeup.py) whenever a delivery is inserted or set back to pending (a
retry scheduled for later wakes them too; they find nothing due and wait again, which costs one
query). PostgreSQL sends the notification when the transaction commits and folds identical
notifications of one transaction into one, so a report with three deliveries wakes the workers
once. SQLite has no notifications: nothing to do there (its workers poll).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014_delivery_notify"
down_revision: str | Sequence[str] | None = "0013_report_language"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept equal to scamreport.forwarding.wakeup.DELIVERIES_CHANNEL (a migration must not change
# when code does; tests/scamreport/forwarding/test_forwarding_wakeup.py checks they agree).
CHANNEL = "scamreport_deliveries"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION scamreport_notify_deliveries() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', '');
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER deliveries_due_notify
        AFTER INSERT OR UPDATE OF status ON deliveries
        FOR EACH ROW
        WHEN (NEW.status = 'pending')
        EXECUTE FUNCTION scamreport_notify_deliveries()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS deliveries_due_notify ON deliveries")
    op.execute("DROP FUNCTION IF EXISTS scamreport_notify_deliveries()")
