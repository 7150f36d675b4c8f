"""Deliveries and triage: an e-mail's subject names the report's flags and reference; a photo's
evidence entry carries the hash of what the reporter sent (the file is kept without GPS)."""

from __future__ import annotations

import email
import email.policy
import hashlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from forwarding_support import SINK_SECRET, Outbox, RunningSink, fast_config, free_port
from forwarding_support import new_report as build_report

from scamreport.forwarding.dev import sink_environment
from scamreport.forwarding.worker import Worker
from scamreport.registry import Registry
from scamreport.routing import plan_deliveries
from scamreport.storage.evidence_files import EvidenceFiles
from scamreport.storage.models import Report
from scamreport.storage.records import NewConsent, NewEvidence
from scamreport.storage.repository import submit_report
from tests.evidence_samples import gps_of, jpeg_with_gps


class Mailbox:
    """An aiosmtpd handler that keeps every message (the agency's inbox)."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def test_the_subject_of_an_email_delivery_names_the_flags_and_the_reference(
    outbox: Outbox,
    registry: Registry,
    make_report: Callable[..., Report],
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    # Action Fraud (GB) receives reports by e-mail; 6,000 GBP is a large loss in the UK.
    flagged = make_report(
        country="GB",
        indicators=[],
        urgent=True,
        money_lost=True,
        amount_lost=Decimal("6000.00"),
        currency="GBP",
        details={"flags": ["self_harm", "ongoing"]},
    )
    plain = make_report(country="GB", indicators=[], pseudonym="conv-2")
    env = sink_environment(registry, "http://127.0.0.1:1", SINK_SECRET, smtp_port=port)
    Worker(
        session_factory=outbox.sessions, registry=registry, config=fast_config(), env=env
    ).drain()
    subjects = {
        message["X-ScamReport-Idempotency-Key"]: message["Subject"] for message in box.messages
    }
    assert sorted(subjects.values()) == sorted(
        [
            f"[SELF-HARM] [ONGOING] [LARGE LOSS] Scam report {flagged.reference}",
            f"Scam report {plain.reference}",
        ]
    )
    assert outbox.statuses() == {"delivered": 2}


def test_a_photo_reaches_the_agency_by_its_original_hash(
    outbox: Outbox, registry: Registry, sink: RunningSink, sink_env: dict[str, str], tmp_path: Path
) -> None:
    photo = jpeg_with_gps()
    # What the bot does with a reporter's photo (scamreport.storage.evidence_files).
    blob = EvidenceFiles(tmp_path / "evidence").save(photo, mime_type="image/jpeg")
    kept = (tmp_path / "evidence" / blob.storage_path).read_bytes()
    report = build_report(country="SG")
    with outbox.sessions() as session:
        stored = submit_report(
            session,
            report=report,
            indicators=[],
            transcript=[],
            consents=[NewConsent(kind="forward_national", granted=True, wording="May we?")],
            evidence=[
                NewEvidence(
                    sha256=blob.sha256,
                    stored_sha256=blob.stored_sha256,
                    size_bytes=blob.size_bytes,
                    mime_type="image/jpeg",
                    kind="photo",
                    filename="IMG_0001.jpg",
                    storage_path=blob.storage_path,
                )
            ],
            deliveries=[
                d
                for d in plan_deliveries(report=report, indicators=[], registry=registry)
                if d.payload_format == "json"
            ],
        )
    Worker(
        session_factory=outbox.sessions, registry=registry, config=fast_config(), env=sink_env
    ).drain()
    (received,) = sink.store.received()
    assert received.reference == stored.reference
    (entry,) = received.document()["evidence"]
    assert entry["sha256"] == hashlib.sha256(photo).hexdigest()
    assert entry["size_bytes"] == len(photo)
    # The file analysts open (console) is the stripped one: no GPS position.
    assert gps_of(photo) and gps_of(kept) == {}
    assert "GPS" not in received.body
