"""Closed vocabularies of the storage layer; each is enforced by a CHECK constraint.

Report statuses and indicator kinds come from ``scamreport.taxonomy``. Changing any tuple here
needs a migration that changes the matching constraint (tests compare constraint names, and
the behavioural tests insert every value).
"""

from __future__ import annotations

from scamreport.taxonomy import INDICATOR_KINDS, REPORT_STATUSES

CONTACT_PERMISSIONS: tuple[str, ...] = ("telegram", "phone", "none")
TRANSCRIPT_SENDERS: tuple[str, ...] = ("user", "bot")
CONSENT_KINDS: tuple[str, ...] = ("forward_national", "forward_cross_border", "contact")
EVIDENCE_KINDS: tuple[str, ...] = ("photo", "document", "forwarded_message", "text")
DELIVERY_TRANSPORTS: tuple[str, ...] = ("webhook", "email", "queue")
DELIVERY_FORMATS: tuple[str, ...] = ("json", "stix", "misp")
DELIVERY_STATUSES: tuple[str, ...] = ("pending", "in_flight", "delivered", "dead")
NOTIFICATION_STATUSES: tuple[str, ...] = ("pending", "sent", "failed")
# Where an indicator was found: what the reporter wrote, or the text read in a screenshot.
INDICATOR_SOURCES: tuple[str, ...] = ("conversation", "screenshot")

__all__ = [
    "CONSENT_KINDS",
    "CONTACT_PERMISSIONS",
    "DELIVERY_FORMATS",
    "DELIVERY_STATUSES",
    "DELIVERY_TRANSPORTS",
    "EVIDENCE_KINDS",
    "INDICATOR_KINDS",
    "INDICATOR_SOURCES",
    "NOTIFICATION_STATUSES",
    "REPORT_STATUSES",
    "TRANSCRIPT_SENDERS",
]
