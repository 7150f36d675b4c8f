"""Tables only the police console uses: users, their sessions, login attempts, audit log, notes,
status history, per-agency statuses and TAXII keys; plus the indexes that keep the console's
queue fast at 100,000 reports.

Full-text search over ``reports.story`` lives outside the ORM metadata on SQLite (an FTS5
virtual table kept in sync by triggers, created by migration 0002_console); on PostgreSQL it is
the GIN expression index declared below.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scamreport.storage.codes import REPORT_STATUSES
from scamreport.storage.models.base import Base, one_of
from scamreport.storage.models.deliveries import Delivery
from scamreport.storage.models.reports import Report
from scamreport.storage.types import Id, UTCDateTime, utcnow

CONSOLE_ROLES: tuple[str, ...] = ("analyst", "supervisor", "admin")

# The text-search configuration of the PostgreSQL index; queries must use the same literal
# (not a bound parameter) or the planner cannot match the index expression.
PG_SEARCH_CONFIG = "simple"
# What migration 0002_console creates on SQLite for full-text search: the FTS5 table and its
# shadow tables. They are not ORM tables; schema comparisons should leave them out.
SQLITE_SEARCH_TABLE = "reports_fts"
SQLITE_SEARCH_TABLES: tuple[str, ...] = (
    "reports_fts",
    "reports_fts_config",
    "reports_fts_data",
    "reports_fts_idx",
)


def story_tsvector() -> Any:
    """``to_tsvector('simple', reports.story)``: the PostgreSQL search index expression."""
    return func.to_tsvector(text(f"'{PG_SEARCH_CONFIG}'::regconfig"), Report.story)


class ConsoleUser(Base):
    """A police user of the console; belongs to exactly one agency (a registry code)."""

    __tablename__ = "console_users"
    __table_args__ = (one_of("role", CONSOLE_ROLES),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # Stored lower-cased; the login form lower-cases what is typed.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # argon2id hash (argon2-cffi PasswordHasher), never the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    agency_code: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsoleSession(Base):
    """A signed-in browser. The cookie carries a random token; only its SHA-256 is stored, so
    logging out or idling past the timeout revokes the cookie on the server side."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        Id, ForeignKey("console_users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[ConsoleUser] = relationship()


class LoginAttempt(Base):
    """One login attempt, kept to rate-limit guessing (per IP address and e-mail)."""

    __tablename__ = "console_login_attempts"
    __table_args__ = (Index("ix_console_login_attempts_ip_email_at", "ip", "email", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ip: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginThrottle(Base):
    """A fixed-window counter of sign-in attempts for one throttle key (an account, an address,
    or both), raised atomically before a password is checked (console.throttle).

    The key is a SHA-256, so an e-mail field that holds a password is not kept in clear.
    """

    __tablename__ = "console_login_throttle"

    key_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    # "account", "address" or "pair": which limit the key counts for.
    scope: Mapped[str] = mapped_column(String(16))
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer)


class AuditEntry(Base):
    """Who read or changed what, when. Rows are only ever inserted.

    User and report are copied as text (email, agency, reference) so an entry stays readable
    after the user or the report is deleted; the foreign keys then become NULL.
    """

    __tablename__ = "console_audit_log"
    __table_args__ = (
        Index("ix_console_audit_log_at", "at"),
        Index("ix_console_audit_log_report_id_at", "report_id", "at"),
        Index("ix_console_audit_log_user_id_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("console_users.id", ondelete="SET NULL")
    )
    user_email: Mapped[str | None] = mapped_column(String(254))
    agency_code: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(40), index=True)
    report_id: Mapped[int | None] = mapped_column(Id, ForeignKey("reports.id", ondelete="SET NULL"))
    report_reference: Mapped[str | None] = mapped_column(String(16))
    ip: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# Where ReportEntryColumns' columns go: the first five before the table's own, created_at after
# them, in the order the migration (0002_console) created them.
_BEFORE_OWN_COLUMNS = -1
_AFTER_OWN_COLUMNS = 1


class ReportEntryColumns:
    """The columns of an entry an analyst adds to a report's history (a note, a status change):
    which report, who wrote it, for which agency, when."""

    id: Mapped[int] = mapped_column(Id, primary_key=True, sort_order=_BEFORE_OWN_COLUMNS)
    report_id: Mapped[int] = mapped_column(
        Id,
        ForeignKey("reports.id", ondelete="CASCADE"),
        index=True,
        sort_order=_BEFORE_OWN_COLUMNS,
    )
    # The console account; NULL once the account is deleted (author_email stays).
    user_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("console_users.id", ondelete="SET NULL"), sort_order=_BEFORE_OWN_COLUMNS
    )
    author_email: Mapped[str] = mapped_column(String(254), sort_order=_BEFORE_OWN_COLUMNS)
    agency_code: Mapped[str] = mapped_column(String(64), sort_order=_BEFORE_OWN_COLUMNS)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, sort_order=_AFTER_OWN_COLUMNS
    )


class ReportNote(ReportEntryColumns, Base):
    """An analyst's note on a report, visible to the author's agency (and to admins)."""

    __tablename__ = "console_report_notes"

    text: Mapped[str] = mapped_column(Text)


class StatusChange(ReportEntryColumns, Base):
    """One step of a report's status workflow, as the console made it."""

    __tablename__ = "console_status_changes"

    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    # Whether the reporter's feedback message was queued (they may not have allowed contact).
    reporter_notified: Mapped[bool] = mapped_column(Boolean, default=False)


class AgencyStatus(Base):
    """Where one agency stands with a report routed to it: its own status, its internal reason
    and who set them. A report shared with several agencies has one row per agency; an agency
    without a row has the report as "received". ``reports.status`` is what the reporter is told:
    derived from these rows by console.agency_status."""

    __tablename__ = "console_agency_statuses"
    __table_args__ = (
        one_of("status", REPORT_STATUSES),
        Index("ix_console_agency_statuses_agency_code_status", "agency_code", "status"),
    )

    report_id: Mapped[int] = mapped_column(
        Id, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    agency_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="received")
    reason: Mapped[str | None] = mapped_column(Text)
    changed_by_user_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("console_users.id", ondelete="SET NULL")
    )
    changed_by_email: Mapped[str | None] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TaxiiApiKey(Base):
    """A key an agency's tools use to pull its reports over the console's TAXII 2.1 API.

    The key is 256 random bits shown once at creation; only its SHA-256 is stored (console.
    taxii_keys says why a fast hash is enough here). A key reads exactly what a console user of
    its agency reads: the reports routed to that agency.
    """

    __tablename__ = "console_taxii_keys"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    agency_code: Mapped[str] = mapped_column(String(64), index=True)
    # What the key is for ("SPF MISP instance"), so a list of keys can be read and revoked.
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# Indexes on the reports and deliveries tables that only the console's queries need.
Index("ix_reports_created_at_id", Report.created_at, Report.id)
# Covers the dashboard's per-day and money totals, so a long period reads no table rows.
Index(
    "ix_reports_created_at_totals",
    Report.created_at,
    Report.scam_type,
    Report.country,
    Report.currency,
    Report.amount_lost,
)
Index("ix_reports_amount_lost", Report.amount_lost)
Index("ix_deliveries_agency_code_report_id", Delivery.agency_code, Delivery.report_id)
# Full-text search over stories on PostgreSQL only (SQLite uses FTS5, see above).
Index(
    "ix_reports_story_tsv",
    story_tsvector(),
    postgresql_using="gin",
).ddl_if(dialect="postgresql")
