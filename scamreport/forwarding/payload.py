"""The versioned JSON document an agency receives for one report (schema: docs/).

``docs/delivery-payload.schema.json`` describes version 4 (version 1 had no ``report.flags``,
version 2 no ``indicators[].source``, version 3 no ``report.language``).
The shape of a version never
changes: a field added, removed or changed in meaning makes a new ``PAYLOAD_VERSION``. The
document is built from the stored report only (masked story, normalised indicators, evidence
metadata without the files), and is the same on every attempt, so retries send identical bytes.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from scamreport.storage.models import Evidence, Indicator, Report

PAYLOAD_VERSION = 4
PAYLOAD_TYPE = "scamreport.report"
JSON_CONTENT_TYPE = "application/json"
_CENTS = Decimal("0.01")


def iso_timestamp(value: datetime) -> str:
    """``2024-03-12T08:15:00Z``: UTC, whole seconds."""
    return value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _iso_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _money(amount: Decimal | None) -> str | None:
    # A string keeps the exact decimal; a JSON number would be read back as a binary float.
    return None if amount is None else str(Decimal(amount).quantize(_CENTS))


def _shop(report: Report) -> dict[str, Any] | None:
    shop = {
        "name": report.shop_name,
        "link": report.shop_link,
        "items_ordered": report.items_ordered,
        "item_received": report.item_received,
    }
    return shop if any(value is not None for value in shop.values()) else None


def _contact(report: Report) -> dict[str, Any]:
    reporter = report.reporter
    language = None if reporter is None or reporter.is_erased else reporter.language
    return {
        "permission": report.contact_permission,
        # The number goes out only when the reporter asked to be called on it.
        "phone": report.contact_phone if report.contact_permission == "phone" else None,
        "language": language,
    }


def _indicator(indicator: Indicator) -> dict[str, Any]:
    return {
        "kind": indicator.kind,
        "value": indicator.value,
        "registrable_domain": indicator.registrable_domain,
        # "conversation", or "screenshot": read by OCR in an image the reporter sent (and
        # confirmed by them in the summary), so worth a look at the image before relying on it.
        "source": indicator.source,
    }


def _evidence(item: Evidence) -> dict[str, Any]:
    return {
        "sha256": item.sha256,
        "size_bytes": item.size_bytes,
        "mime_type": item.mime_type,
        "kind": item.kind,
        "filename": item.filename,
        "caption": item.caption,
        "forwarded_from": item.forwarded_from,
        "forwarded_date": None
        if item.forwarded_date is None
        else iso_timestamp(item.forwarded_date),
    }


def build_payload(report: Report, *, idempotency_key: str, agency_code: str) -> dict[str, Any]:
    """The version-4 document for ``report`` (indicators and evidence must be loadable)."""
    return {
        "payload_version": PAYLOAD_VERSION,
        "payload_type": PAYLOAD_TYPE,
        "idempotency_key": idempotency_key,
        "agency_code": agency_code,
        "report": {
            "reference": report.reference,
            "created_at": iso_timestamp(report.created_at),
            "scam_type": report.scam_type,
            "contact_channel": report.contact_channel,
            "country": report.country,
            "urgent": bool(report.urgent),
            # Triage flags (scamreport.triage.FLAGS), most serious first.
            "flags": list(report.flags),
            "incident_date": _iso_date(report.incident_date),
            "claimed_agency": report.claimed_agency,
            "claimed_identity": report.claimed_identity,
            "scammer_contact": report.scammer_contact,
            "demand": report.demand,
            "money": {
                "lost": report.money_lost,
                "amount": _money(report.amount_lost),
                "currency": report.currency,
                "payment_method": report.payment_method,
                "payee_account": report.payee_account,
            },
            "shop": _shop(report),
            "story": report.story,
            # The language the story and answers are written in ("en", "zh", "ms"); None for
            # reports stored before it was kept.
            "language": report.language,
            "consent": {
                "forward": bool(report.consent_forward),
                "cross_border": bool(report.consent_cross_border),
            },
            "contact": _contact(report),
        },
        "indicators": [_indicator(indicator) for indicator in report.indicators],
        "evidence": [_evidence(item) for item in report.evidence],
    }


def encode_payload(payload: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON with sorted keys: the same document always gives the same bytes."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def payload_body(report: Report, *, idempotency_key: str, agency_code: str) -> bytes:
    """``encode_payload(build_payload(...))``: the bytes that are signed and sent."""
    return encode_payload(
        build_payload(report, idempotency_key=idempotency_key, agency_code=agency_code)
    )
