"""Initial schema: reporters, reports and everything attached to them, and the outboxes.

Revision ID: 0001
Revises:
Create Date: 2025-11-25

Checked by hand against models.py: every column, nullability, type, foreign key (with its
ON DELETE), unique constraint, CHECK constraint and index. Names are explicit (op.f) and follow
models.NAMING_CONVENTION, so later batch migrations on SQLite can address them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# BIGINT keys on PostgreSQL; SQLite only auto-increments a column declared exactly INTEGER.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)

# Frozen copies of the vocabularies at this revision (scamreport.storage.codes may move on).
REPORT_STATUSES = ("received", "in_review", "referred", "actioned", "closed")
CONTACT_PERMISSIONS = ("telegram", "phone", "none")
INDICATOR_KINDS = (
    "phone",
    "url",
    "email",
    "iban",
    "crypto_wallet",
    "handle",
    "amount",
    "date",
    "claimed_agency",
)
TRANSCRIPT_SENDERS = ("user", "bot")
CONSENT_KINDS = ("forward_national", "forward_cross_border", "contact")
EVIDENCE_KINDS = ("photo", "document", "forwarded_message", "text")
DELIVERY_TRANSPORTS = ("webhook", "email", "queue")
DELIVERY_FORMATS = ("json", "stix")
DELIVERY_STATUSES = ("pending", "in_flight", "delivered", "dead")
NOTIFICATION_STATUSES = ("pending", "sent", "failed")


def one_of(table: str, column: str, values: Sequence[str]) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=op.f(f"ck_{table}_{column}"))


def report_fk(table: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["report_id"], ["reports.id"], name=op.f(f"fk_{table}_report_id_reports"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "reporters",
        sa.Column("id", ID, nullable=False),
        sa.Column("pseudonym", sa.String(128), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("telegram_username", sa.String(64), nullable=True),
        sa.Column("display_name", sa.String(255), nullable=True),
        sa.Column("contact_phone", sa.String(32), nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("erased_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporters")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_reporters_pseudonym")),
    )

    op.create_table(
        "reports",
        sa.Column("id", ID, nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("reporter_id", ID, nullable=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("scam_type", sa.String(40), nullable=False),
        sa.Column("contact_channel", sa.String(32), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("claimed_agency", sa.String(255), nullable=True),
        sa.Column("claimed_identity", sa.String(255), nullable=True),
        sa.Column("scammer_contact", sa.String(512), nullable=True),
        sa.Column("demand", sa.Text(), nullable=True),
        sa.Column("money_lost", sa.Boolean(), nullable=True),
        sa.Column("amount_lost", sa.Numeric(14, 2), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("payment_method", sa.String(64), nullable=True),
        sa.Column("payee_account", sa.String(255), nullable=True),
        sa.Column("incident_date", sa.Date(), nullable=True),
        sa.Column("shop_name", sa.String(255), nullable=True),
        sa.Column("shop_link", sa.String(2048), nullable=True),
        sa.Column("items_ordered", sa.Text(), nullable=True),
        sa.Column("item_received", sa.String(64), nullable=True),
        sa.Column("story", sa.Text(), nullable=False),
        sa.Column("consent_forward", sa.Boolean(), nullable=False),
        sa.Column("consent_cross_border", sa.Boolean(), nullable=False),
        sa.Column("contact_permission", sa.String(16), nullable=False),
        sa.Column("contact_phone", sa.String(32), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("reference", name=op.f("uq_reports_reference")),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["reporters.id"],
            name=op.f("fk_reports_reporter_id_reporters"),
            ondelete="SET NULL",
        ),
        one_of("reports", "status", REPORT_STATUSES),
        one_of("reports", "contact_permission", CONTACT_PERMISSIONS),
    )
    op.create_index(op.f("ix_reports_reporter_id"), "reports", ["reporter_id"])
    op.create_index(op.f("ix_reports_conversation_id"), "reports", ["conversation_id"])
    op.create_index(op.f("ix_reports_scam_type"), "reports", ["scam_type"])
    op.create_index(op.f("ix_reports_country"), "reports", ["country"])
    op.create_index(op.f("ix_reports_status_created_at"), "reports", ["status", "created_at"])

    op.create_table(
        "indicators",
        sa.Column("id", ID, nullable=False),
        sa.Column("report_id", ID, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", sa.String(512), nullable=False),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("registrable_domain", sa.String(255), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        report_fk("indicators"),
        sa.UniqueConstraint(
            "report_id", "kind", "value", name=op.f("uq_indicators_report_id_kind_value")
        ),
        one_of("indicators", "kind", INDICATOR_KINDS),
    )
    op.create_index(op.f("ix_indicators_kind_value"), "indicators", ["kind", "value"])
    op.create_index(op.f("ix_indicators_registrable_domain"), "indicators", ["registrable_domain"])

    op.create_table(
        "transcript_messages",
        sa.Column("id", ID, nullable=False),
        sa.Column("report_id", ID, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("intent", sa.String(128), nullable=True),
        sa.Column("intent_confidence", sa.Float(), nullable=True),
        sa.Column("sent_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcript_messages")),
        report_fk("transcript_messages"),
        sa.UniqueConstraint("report_id", "seq", name=op.f("uq_transcript_messages_report_id_seq")),
        one_of("transcript_messages", "sender", TRANSCRIPT_SENDERS),
    )

    op.create_table(
        "consents",
        sa.Column("id", ID, nullable=False),
        sa.Column("report_id", ID, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
        report_fk("consents"),
        one_of("consents", "kind", CONSENT_KINDS),
    )
    op.create_index(op.f("ix_consents_report_id"), "consents", ["report_id"])

    op.create_table(
        "evidence",
        sa.Column("id", ID, nullable=False),
        sa.Column("report_id", ID, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("mime_type", sa.String(127), nullable=False),
        sa.Column("filename", sa.String(255), nullable=True),
        sa.Column("storage_path", sa.String(1024), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("forwarded_from", sa.String(255), nullable=True),
        sa.Column("forwarded_date", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        report_fk("evidence"),
        one_of("evidence", "kind", EVIDENCE_KINDS),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_evidence_size_bytes")),
    )
    op.create_index(op.f("ix_evidence_report_id"), "evidence", ["report_id"])
    op.create_index(op.f("ix_evidence_sha256"), "evidence", ["sha256"])

    op.create_table(
        "deliveries",
        sa.Column("id", ID, nullable=False),
        sa.Column("report_id", ID, nullable=False),
        sa.Column("agency_code", sa.String(64), nullable=False),
        sa.Column("transport", sa.String(16), nullable=False),
        sa.Column("payload_format", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", TIMESTAMP, nullable=False),
        sa.Column("locked_until", TIMESTAMP, nullable=True),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("delivered_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        report_fk("deliveries"),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_deliveries_idempotency_key")),
        one_of("deliveries", "transport", DELIVERY_TRANSPORTS),
        one_of("deliveries", "payload_format", DELIVERY_FORMATS),
        one_of("deliveries", "status", DELIVERY_STATUSES),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_deliveries_attempts")),
    )
    op.create_index(op.f("ix_deliveries_report_id"), "deliveries", ["report_id"])
    op.create_index(
        op.f("ix_deliveries_status_next_attempt_at"), "deliveries", ["status", "next_attempt_at"]
    )

    op.create_table(
        "notifications",
        sa.Column("id", ID, nullable=False),
        sa.Column("reporter_id", ID, nullable=False),
        sa.Column("report_id", ID, nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["reporters.id"],
            name=op.f("fk_notifications_reporter_id_reporters"),
            ondelete="CASCADE",
        ),
        report_fk("notifications"),
        one_of("notifications", "status", NOTIFICATION_STATUSES),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_notifications_attempts")),
    )
    op.create_index(op.f("ix_notifications_reporter_id"), "notifications", ["reporter_id"])
    op.create_index(op.f("ix_notifications_report_id"), "notifications", ["report_id"])
    op.create_index(
        op.f("ix_notifications_status_created_at"), "notifications", ["status", "created_at"]
    )

    op.create_table(
        "pending_messages",
        sa.Column("id", ID, nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_messages")),
    )
    op.create_index(
        op.f("ix_pending_messages_conversation_id"), "pending_messages", ["conversation_id"]
    )


def downgrade() -> None:
    # Children before parents; dropping a table drops its indexes and constraints.
    for table in (
        "pending_messages",
        "notifications",
        "deliveries",
        "evidence",
        "consents",
        "transcript_messages",
        "indicators",
        "reports",
        "reporters",
    ):
        op.drop_table(table)
