"""The versioned JSON payload: real payloads validate against docs/delivery-payload.schema.json,
the schema's vocabularies match the code's, the triage flags are in it, and the bytes are the
same on every attempt."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date, datetime, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any

import jsonschema
import pytest
from forwarding_support import PROJECT_ROOT, Outbox
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from scamreport.forwarding.payload import (
    PAYLOAD_VERSION,
    build_payload,
    encode_payload,
    payload_body,
)
from scamreport.storage.codes import CONTACT_PERMISSIONS, EVIDENCE_KINDS
from scamreport.storage.erasure import erase_reporter
from scamreport.storage.models import Delivery, Report
from scamreport.storage.records import NewEvidence, NewIndicator, NewReporter
from scamreport.storage.repository import add_evidence
from scamreport.taxonomy import CONTACT_CHANNELS, INDICATOR_KINDS, SCAM_TYPES
from scamreport.triage import FLAGS

SCHEMA_PATH = PROJECT_ROOT / "docs" / "delivery-payload.schema.json"

FULL_INDICATORS = [
    NewIndicator(kind="phone", value="+6581234567", raw="8123 4567"),
    NewIndicator(
        kind="url", value="https://shop.example.co.uk/masks", registrable_domain="example.co.uk"
    ),
    NewIndicator(kind="email", value="sales@example.co.uk", registrable_domain="example.co.uk"),
    NewIndicator(kind="iban", value="GB82WEST12345698765432", source="screenshot"),
    NewIndicator(kind="crypto_wallet", value="bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
    NewIndicator(kind="handle", value="@mask_deals"),
    NewIndicator(kind="amount", value="1200.00 SGD"),
    NewIndicator(kind="date", value="2024-03-01"),
    NewIndicator(kind="claimed_agency", value="Singapore Police Force"),
]


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


def validate(payload: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(schema()).validate(payload)


def load(outbox: Outbox, report_id: int) -> Report:
    with outbox.sessions() as session:
        report = session.get(
            Report,
            report_id,
            options=[
                selectinload(Report.indicators),
                selectinload(Report.evidence),
                selectinload(Report.reporter),
            ],
        )
        assert report is not None
        return report


@pytest.fixture
def full_report(outbox: Outbox, make_report: Callable[..., Report]) -> Report:
    stored = make_report(
        scam_type="fake_shop",
        contact_channel="website",
        urgent=True,
        money_lost=True,
        amount_lost=Decimal("1200"),
        currency="SGD",
        payment_method="bank_transfer",
        payee_account="GB82WEST12345698765432",
        incident_date=date(2024, 3, 1),
        shop_name="Mask Deals",
        shop_link="https://shop.example.co.uk/masks",
        items_ordered="500 masks",
        item_received="nothing",
        claimed_identity="Sales team",
        scammer_contact="+6581234567",
        demand="Pay before shipping",
        consent_cross_border=True,
        contact_permission="phone",
        contact_phone="+6590001111",
        indicators=FULL_INDICATORS,
        details={"flags": ["minor"]},
    )
    with outbox.sessions.begin() as session:
        add_evidence(
            session,
            report_id=stored.id,
            evidence=NewEvidence(
                sha256="a" * 64,
                size_bytes=2048,
                mime_type="image/jpeg",
                kind="forwarded_message",
                filename="receipt.jpg",
                caption="the transfer",
                forwarded_from="Mask Deals",
                forwarded_date=datetime(2024, 3, 1, 9, 30, tzinfo=timezone.utc),
            ),
        )
    return load(outbox, stored.id)


def test_a_full_report_gives_a_valid_payload(full_report: Report) -> None:
    payload = build_payload(full_report, idempotency_key="key-1", agency_code="sg-spf")
    validate(payload)
    assert payload["payload_version"] == PAYLOAD_VERSION == 4
    report = payload["report"]
    # minor from the conversation, ongoing from urgent; 1200 SGD is not a large loss in SG.
    assert report["flags"] == ["minor", "ongoing"]
    assert report["reference"] == full_report.reference
    assert report["money"] == {
        "lost": True,
        "amount": "1200.00",
        "currency": "SGD",
        "payment_method": "bank_transfer",
        "payee_account": "GB82WEST12345698765432",
    }
    assert report["shop"]["item_received"] == "nothing"
    assert report["contact"] == {"permission": "phone", "phone": "+6590001111", "language": "en"}
    assert report["incident_date"] == "2024-03-01"
    assert report["created_at"].endswith("Z")
    assert [i["kind"] for i in payload["indicators"]] == [i.kind for i in FULL_INDICATORS]
    # Read by OCR in a screenshot, or written by the reporter.
    assert [i["source"] for i in payload["indicators"]] == [i.source for i in FULL_INDICATORS]
    assert payload["indicators"][3]["source"] == "screenshot"
    (evidence,) = payload["evidence"]
    assert evidence["forwarded_date"] == "2024-03-01T09:30:00Z"
    assert evidence["sha256"] == "a" * 64


def test_a_minimal_report_gives_a_valid_payload(
    outbox: Outbox, make_report: Callable[..., Report]
) -> None:
    stored = make_report(
        country=None,
        contact_channel=None,
        claimed_agency=None,
        story="",
        reporter=None,
        indicators=[],
    )
    payload = build_payload(load(outbox, stored.id), idempotency_key="k", agency_code="int-desk")
    validate(payload)
    assert payload["report"]["shop"] is None
    assert payload["report"]["flags"] == []
    assert payload["report"]["contact"] == {"permission": "none", "phone": None, "language": None}
    assert payload["indicators"] == [] and payload["evidence"] == []


def test_the_phone_number_goes_out_only_with_permission_to_call(
    outbox: Outbox, make_report: Callable[..., Report]
) -> None:
    stored = make_report(contact_permission="telegram", contact_phone="+6590001111")
    payload = build_payload(load(outbox, stored.id), idempotency_key="k", agency_code="sg-spf")
    validate(payload)
    assert payload["report"]["contact"]["phone"] is None
    assert "+6590001111" not in encode_payload(payload).decode()


def test_an_erased_reporter_leaves_nothing_to_send(
    outbox: Outbox, make_report: Callable[..., Report]
) -> None:
    stored = make_report(
        reporter=NewReporter(pseudonym="to-erase", language="ms"),
        contact_permission="phone",
        contact_phone="+6590001111",
    )
    with outbox.sessions.begin() as session:
        erasure = erase_reporter(session, pseudonym="to-erase")
    assert erasure.reports_deleted == 1
    with outbox.sessions() as session:
        assert session.get(Report, stored.id) is None
        assert session.scalars(select(Delivery).where(Delivery.report_id == stored.id)).all() == []


def test_raw_indicator_text_is_not_sent(full_report: Report) -> None:
    body = payload_body(full_report, idempotency_key="k", agency_code="sg-spf").decode()
    assert "8123 4567" not in body
    assert '"raw"' not in body


def test_every_attempt_sends_the_same_bytes(full_report: Report) -> None:
    first = payload_body(full_report, idempotency_key="k", agency_code="sg-spf")
    second = payload_body(full_report, idempotency_key="k", agency_code="sg-spf")
    assert first == second
    assert json.loads(first) == build_payload(
        full_report, idempotency_key="k", agency_code="sg-spf"
    )


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("payload_version",), 1),
        (("report", "flags"), ["urgent"]),
        (("report", "flags"), ["minor", "minor"]),
        (("report", "scam_type"), "lottery"),
        (("report", "money", "amount"), 1200.0),
        (("report", "consent", "forward"), False),
        (("report", "contact", "phone"), "+6590001111"),  # permission is phone only in full
        (("indicators", 0, "kind"), "ssn"),
        (("indicators", 0, "source"), "ocr"),
        (("report", "unexpected"), "field"),
    ],
)
def test_the_schema_refuses_what_version_3_does_not_allow(
    full_report: Report, path: tuple[Any, ...], value: Any
) -> None:
    payload = build_payload(full_report, idempotency_key="k", agency_code="sg-spf")
    broken = copy.deepcopy(payload)
    if path == ("report", "contact", "phone"):
        broken["report"]["contact"]["permission"] = "telegram"
    target = broken
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)


def test_the_schema_vocabularies_match_the_code() -> None:
    defs = schema()["$defs"]
    report = defs["report"]["properties"]
    assert report["scam_type"]["enum"] == list(SCAM_TYPES)
    assert report["flags"]["items"]["enum"] == list(FLAGS)
    assert report["contact_channel"]["enum"] == [*CONTACT_CHANNELS, None]
    assert report["contact"]["properties"]["permission"]["enum"] == list(CONTACT_PERMISSIONS)
    assert defs["indicator"]["properties"]["kind"]["enum"] == list(INDICATOR_KINDS)
    assert defs["evidence"]["properties"]["kind"]["enum"] == list(EVIDENCE_KINDS)
    assert schema()["properties"]["payload_version"]["const"] == PAYLOAD_VERSION


def test_the_example_in_the_documentation_is_valid() -> None:
    text = (PROJECT_ROOT / "docs" / "forwarding.md").read_text(encoding="utf-8")
    section = text.split("### The JSON payload", 1)[1]
    example = section.split("```json\n", 1)[1].split("```", 1)[0]
    validate(json.loads(example))
