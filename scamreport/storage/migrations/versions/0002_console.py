"""Police console: users, sessions, login attempts, audit log, notes, status history; queue
indexes; full-text search over reports.story.

Revision ID: 0002_console
Revises: 0001
Create Date: 2025-11-26

Checked against scamreport/storage/console_models.py. Full-text search differs by dialect:
- SQLite: an FTS5 table ``reports_fts`` with external content (``reports.story``, rowid =
  ``reports.id``), kept in sync by three triggers. NOTE: a later batch migration that rebuilds
  ``reports`` on SQLite drops these triggers with the old table and must create them again
  (``_create_sqlite_search_triggers`` below shows the statements).
- PostgreSQL: a GIN index on ``to_tsvector('simple', story)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_console"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)

# Frozen copy of scamreport.storage.console_models.CONSOLE_ROLES at this revision.
CONSOLE_ROLES = ("analyst", "supervisor", "admin")

_SQLITE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE reports_fts USING fts5("
    "story, content='reports', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', columnsize=0)",
    "CREATE TRIGGER reports_fts_after_insert AFTER INSERT ON reports BEGIN "
    "INSERT INTO reports_fts(rowid, story) VALUES (new.id, new.story); END",
    "CREATE TRIGGER reports_fts_after_delete AFTER DELETE ON reports BEGIN "
    "INSERT INTO reports_fts(reports_fts, rowid, story) VALUES ('delete', old.id, old.story); END",
    "CREATE TRIGGER reports_fts_after_update AFTER UPDATE OF story ON reports BEGIN "
    "INSERT INTO reports_fts(reports_fts, rowid, story) VALUES ('delete', old.id, old.story); "
    "INSERT INTO reports_fts(rowid, story) VALUES (new.id, new.story); END",
    # Index the reports stored before this migration.
    "INSERT INTO reports_fts(reports_fts) VALUES ('rebuild')",
)
_SQLITE_SEARCH_DROP = (
    "DROP TRIGGER IF EXISTS reports_fts_after_update",
    "DROP TRIGGER IF EXISTS reports_fts_after_delete",
    "DROP TRIGGER IF EXISTS reports_fts_after_insert",
    "DROP TABLE IF EXISTS reports_fts",
)


def _dialect() -> str:
    return op.get_bind().dialect.name


def _create_sqlite_search_triggers() -> None:
    for statement in _SQLITE_SEARCH_DDL:
        op.execute(statement)


def _user_fk(table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"],
        ["console_users.id"],
        name=op.f(f"fk_{table}_user_id_console_users"),
        ondelete=ondelete,
    )


def _report_fk(table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["report_id"], ["reports.id"], name=op.f(f"fk_{table}_report_id_reports"), ondelete=ondelete
    )


def upgrade() -> None:
    roles = ", ".join(f"'{role}'" for role in CONSOLE_ROLES)
    op.create_table(
        "console_users",
        sa.Column("id", ID, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("agency_code", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("last_login_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_users")),
        sa.UniqueConstraint("email", name=op.f("uq_console_users_email")),
        sa.CheckConstraint(f"role IN ({roles})", name=op.f("ck_console_users_role")),
    )
    op.create_index(op.f("ix_console_users_agency_code"), "console_users", ["agency_code"])

    op.create_table(
        "console_sessions",
        sa.Column("id", ID, nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("last_seen_at", TIMESTAMP, nullable=False),
        sa.Column("ended_at", TIMESTAMP, nullable=True),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_sessions")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_console_sessions_token_sha256")),
        _user_fk("console_sessions", "CASCADE"),
    )
    op.create_index(op.f("ix_console_sessions_user_id"), "console_sessions", ["user_id"])

    op.create_table(
        "console_login_attempts",
        sa.Column("id", ID, nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_login_attempts")),
    )
    op.create_index(
        op.f("ix_console_login_attempts_ip_email_at"),
        "console_login_attempts",
        ["ip", "email", "at"],
    )

    op.create_table(
        "console_audit_log",
        sa.Column("id", ID, nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("user_email", sa.String(254), nullable=True),
        sa.Column("agency_code", sa.String(64), nullable=True),
        sa.Column("role", sa.String(16), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("report_id", ID, nullable=True),
        sa.Column("report_reference", sa.String(16), nullable=True),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_audit_log")),
        _user_fk("console_audit_log", "SET NULL"),
        _report_fk("console_audit_log", "SET NULL"),
    )
    op.create_index(op.f("ix_console_audit_log_at"), "console_audit_log", ["at"])
    op.create_index(op.f("ix_console_audit_log_action"), "console_audit_log", ["action"])
    op.create_index(
        op.f("ix_console_audit_log_report_id_at"), "console_audit_log", ["report_id", "at"]
    )
    op.create_index(op.f("ix_console_audit_log_user_id_at"), "console_audit_log", ["user_id", "at"])

    op.create_table(
        "console_report_notes",
        sa.Column("id", ID, nullable=False),
        sa.Column("report_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("author_email", sa.String(254), nullable=False),
        sa.Column("agency_code", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_report_notes")),
        _report_fk("console_report_notes", "CASCADE"),
        _user_fk("console_report_notes", "SET NULL"),
    )
    op.create_index(
        op.f("ix_console_report_notes_report_id"), "console_report_notes", ["report_id"]
    )

    op.create_table(
        "console_status_changes",
        sa.Column("id", ID, nullable=False),
        sa.Column("report_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("author_email", sa.String(254), nullable=False),
        sa.Column("agency_code", sa.String(64), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=False),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reporter_notified", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_status_changes")),
        _report_fk("console_status_changes", "CASCADE"),
        _user_fk("console_status_changes", "SET NULL"),
    )
    op.create_index(
        op.f("ix_console_status_changes_report_id"), "console_status_changes", ["report_id"]
    )

    # Queue indexes on tables of revision 0001.
    op.create_index(op.f("ix_reports_created_at_id"), "reports", ["created_at", "id"])
    op.create_index(op.f("ix_reports_amount_lost"), "reports", ["amount_lost"])
    op.create_index(
        op.f("ix_reports_created_at_totals"),
        "reports",
        ["created_at", "scam_type", "country", "currency", "amount_lost"],
    )
    op.create_index(
        op.f("ix_deliveries_agency_code_report_id"), "deliveries", ["agency_code", "report_id"]
    )

    dialect = _dialect()
    if dialect == "sqlite":
        _create_sqlite_search_triggers()
    elif dialect == "postgresql":
        op.create_index(
            op.f("ix_reports_story_tsv"),
            "reports",
            [sa.text("to_tsvector('simple'::regconfig, story)")],
            postgresql_using="gin",
        )


def downgrade() -> None:
    dialect = _dialect()
    if dialect == "sqlite":
        for statement in _SQLITE_SEARCH_DROP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.drop_index(op.f("ix_reports_story_tsv"), table_name="reports")
    op.drop_index(op.f("ix_deliveries_agency_code_report_id"), table_name="deliveries")
    op.drop_index(op.f("ix_reports_created_at_totals"), table_name="reports")
    op.drop_index(op.f("ix_reports_amount_lost"), table_name="reports")
    op.drop_index(op.f("ix_reports_created_at_id"), table_name="reports")
    for table in (
        "console_status_changes",
        "console_report_notes",
        "console_audit_log",
        "console_login_attempts",
        "console_sessions",
        "console_users",
    ):
        op.drop_table(table)
