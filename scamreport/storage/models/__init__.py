"""SQLAlchemy 2.0 models: the schema every component (bot, actions, console, forwarding) shares.

One module per part of the schema; importing this package imports them all, so
``Base.metadata`` holds every table (what Alembic compares the migrations with). Import the
model classes from here; names that only one module has (the console's search constants, say)
from that module.
"""

from scamreport.storage.models.base import NAMING_CONVENTION, Base, one_of
from scamreport.storage.models.console import (
    AgencyStatus,
    AuditEntry,
    ConsoleSession,
    ConsoleUser,
    LoginAttempt,
    LoginThrottle,
    ReportNote,
    StatusChange,
    TaxiiApiKey,
)
from scamreport.storage.models.deliveries import Delivery
from scamreport.storage.models.evidence import Evidence, EvidenceColumns, PendingEvidence
from scamreport.storage.models.messages import InboxUpdate, Notification, PendingMessage
from scamreport.storage.models.reporters import Reporter
from scamreport.storage.models.reports import Consent, Indicator, Report, TranscriptMessage

__all__ = [
    "NAMING_CONVENTION",
    "AgencyStatus",
    "AuditEntry",
    "Base",
    "Consent",
    "ConsoleSession",
    "ConsoleUser",
    "Delivery",
    "Evidence",
    "EvidenceColumns",
    "InboxUpdate",
    "Indicator",
    "LoginAttempt",
    "LoginThrottle",
    "Notification",
    "PendingEvidence",
    "PendingMessage",
    "Report",
    "ReportNote",
    "Reporter",
    "StatusChange",
    "TaxiiApiKey",
    "TranscriptMessage",
    "one_of",
]
