"""The MISP event of a report: validated with PyMISP (templates, types, schema), delivered by
the real worker to the local sink, and pushed with PyMISP to a local MISP stand-in."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pymisp
import pytest
import yaml
from forwarding_support import (
    Outbox,
    RunningSink,
    fast_config,
    open_outbox,
    store_report,
    wait_until,
)
from misp_standin import MispServer, start_misp, stop_misp
from pymisp import MISPEvent, MISPObject
from pymisp.abstract import describe_types
from sqlalchemy.orm import selectinload

from agency_sink.server import render_page
from scamreport.forwarding.misp import (
    MISP_CONTENT_TYPE,
    build_misp_event,
    flag_tag,
    misp_body,
    scam_type_tag,
)
from scamreport.forwarding.misp_push import MispEndpoint
from scamreport.forwarding.transports import OutgoingDelivery, build_email
from scamreport.forwarding.worker import Worker
from scamreport.registry import Registry, packaged_registry_path, validate_registry_data
from scamreport.storage.models import Evidence, Indicator, Report
from scamreport.storage.records import NewIndicator

BTC = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
ETH = "0x52908400098527886E0F7030069857D2E4169EE7"
TRON = "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"
INDICATORS = [
    NewIndicator(kind="phone", value="+6581234567"),
    NewIndicator(
        kind="url", value="https://spf-gov.example.com/pay", registrable_domain="example.com"
    ),
    NewIndicator(kind="email", value="officer@example.com", registrable_domain="example.com"),
    NewIndicator(kind="iban", value="DE89370400440532013000", source="screenshot"),
    NewIndicator(kind="crypto_wallet", value=BTC),
    NewIndicator(kind="crypto_wallet", value=ETH),
    NewIndicator(kind="crypto_wallet", value=TRON),
    NewIndicator(kind="handle", value="@fake_police"),
    NewIndicator(kind="url", value="http://203.0.113.7:8080/otp"),
    NewIndicator(kind="amount", value="5000.00 SGD"),
    NewIndicator(kind="date", value="2026-03-01"),
    NewIndicator(kind="claimed_agency", value="International Criminal Police Organization"),
]
REPORTER_PHONE = "+6590001111"
MISP_KEY = "misp-api-key-0123456789abcdefghijklmnopqrstu"
SCHEMA = json.loads(
    (Path(pymisp.__file__).parent / "data" / "schema-lax.json").read_text(encoding="utf-8")
)


def _load(outbox: Outbox, report_id: int) -> Report:
    with outbox.sessions() as session:
        loaded = session.get(
            Report,
            report_id,
            options=[selectinload(Report.indicators), selectinload(Report.evidence)],
        )
        assert loaded is not None
        return loaded


@pytest.fixture
def report(outbox: Outbox, make_report: Callable[..., Report]) -> Report:
    stored = make_report(
        indicators=INDICATORS,
        story="He said he was from Interpol and I had to move my savings.",
        claimed_agency="International Criminal Police Organization",
        claimed_identity="Inspector Lim",
        money_lost=True,
        amount_lost=Decimal("25000.00"),
        currency="SGD",
        payment_method="bank_transfer",
        incident_date=date(2026, 3, 1),
        urgent=True,
        details={"flags": ["minor"]},
        contact_permission="phone",
        contact_phone=REPORTER_PHONE,
    )
    return _load(outbox, stored.id)


def loaded_event(body: bytes) -> MISPEvent:
    event = MISPEvent()
    event.load(body)
    return event


def objects_named(event: MISPEvent, name: str) -> list[MISPObject]:
    return [obj for obj in event.objects if obj.name == name]


def values(obj: MISPObject, relation: str) -> list[Any]:
    return [attribute.value for attribute in obj.get_attributes_by_relation(relation)]


def test_each_indicator_kind_maps_to_its_standard_template(report: Report) -> None:
    event = loaded_event(misp_body(report))
    (phone,) = objects_named(event, "phone-number")
    assert values(phone, "phone-number") == ["+6581234567"]
    assert values(phone, "country-code") == ["65"]
    url, by_ip = objects_named(event, "url")
    assert values(url, "url") == ["https://spf-gov.example.com/pay"]
    assert values(url, "scheme") == ["https"]
    assert values(url, "host") == ["spf-gov.example.com"]
    assert values(url, "domain") == ["example.com"]
    # MISP's hostname type takes no IP address: an IP literal is the url object's ip.
    assert values(by_ip, "ip") == ["203.0.113.7"] and values(by_ip, "host") == []
    (email,) = objects_named(event, "email")
    assert values(email, "from") == ["officer@example.com"]
    # url and e-mail share a registrable domain: one domain-ip object.
    (domain,) = objects_named(event, "domain-ip")
    assert values(domain, "domain") == ["example.com"]
    (bank,) = objects_named(event, "bank-account")
    assert values(bank, "iban") == ["DE89370400440532013000"]
    # Where each indicator came from: the screenshot's OCR or the conversation.
    assert bank.comment.startswith("Read from a screenshot")
    assert phone.comment == "Named by a scam victim; not verified."
    wallets = {
        (values(obj, "symbol")[0], (values(obj, "address") + values(obj, "address-crypto"))[0])
        for obj in objects_named(event, "coin-address")
    }
    assert wallets == {("BTC", BTC), ("ETH", ETH), ("TRX", TRON)}
    (btc,) = [obj for obj in objects_named(event, "coin-address") if values(obj, "address")]
    assert btc.get_attributes_by_relation("address")[0].type == "btc"
    (handle,) = objects_named(event, "user-account")
    assert values(handle, "username") == ["@fake_police"]
    (impersonation,) = objects_named(event, "impersonation")
    assert values(impersonation, "impersonated-account-name") == [
        "International Criminal Police Organization"
    ]
    assert values(impersonation, "account-name") == ["Inspector Lim"]
    (money,) = objects_named(event, "monetary-impact")
    assert values(money, "variety") == ["asset-and-fraud"]
    assert values(money, "max_amount") == [25000.0]
    assert values(money, "currency") == ["SGD"]
    (summary,) = objects_named(event, "annotation")
    (text,) = values(summary, "text")
    assert "He said he was from Interpol" in text
    assert "Mentioned amount: 5,000 SGD" in text and "Mentioned date: 2026-03-01" in text


def test_the_event_carries_reference_tlp_scam_type_and_every_triage_flag(report: Report) -> None:
    event = loaded_event(misp_body(report))
    assert report.reference in event.info
    (reference,) = [a for a in event.attributes if a.category == "Internal reference"]
    assert reference.value == report.reference and reference.type == "text"
    tags = [tag.name for tag in event.tags]
    assert report.flags == ("minor", "ongoing", "large_loss")
    assert tags == [
        "tlp:amber",
        scam_type_tag("fake_authority"),
        flag_tag("minor"),
        flag_tag("ongoing"),
        flag_tag("large_loss"),
    ]
    assert scam_type_tag("fake_authority") == 'scamreport:scam-type="fake_authority"'
    assert event.date == report.created_at.date()
    assert event.distribution == 0 and event.published is False
    red = loaded_event(misp_body(report, tlp="red"))
    assert [tag.name for tag in red.tags][0] == "tlp:red"
    with pytest.raises(ValueError, match="TLP"):
        build_misp_event(report, tlp="purple")


def test_every_object_passes_pymisp_template_validation_and_the_schema(report: Report) -> None:
    document = json.loads(misp_body(report))
    jsonschema.validate(document, SCHEMA)
    event = loaded_event(json.dumps(document))
    categories: dict[str, list[str]] = describe_types["category_type_mappings"]
    assert event.objects
    for obj in event.objects:
        strict = MISPObject(obj.name, strict=True)
        assert strict.template_uuid == obj.template_uuid
        for attribute in obj.attributes:
            # strict: a relation the template does not define raises
            strict.add_attribute(attribute.object_relation, value=attribute.value)
            assert attribute.type in categories[attribute.category], (obj.name, attribute.type)
        # Raises InvalidMISPObject when a required relation is missing or repeated wrongly.
        strict.to_json(strict=True)
    for attribute in event.attributes:
        assert attribute.type in categories[attribute.category]


def test_the_event_is_the_same_on_every_attempt_and_links_across_reports(
    outbox: Outbox, report: Report, make_report: Callable[..., Report]
) -> None:
    assert misp_body(report) == misp_body(report)
    other = _load(outbox, make_report(pseudonym="conv-2", indicators=INDICATORS[:1]).id)
    first, second = loaded_event(misp_body(report)), loaded_event(misp_body(other))
    assert first.uuid != second.uuid
    (a,) = objects_named(first, "phone-number")
    (b,) = objects_named(second, "phone-number")
    # The same value correlates in MISP by value; each report keeps its own object.
    assert values(a, "phone-number") == values(b, "phone-number")
    assert a.uuid != b.uuid


def test_no_victim_data_beyond_the_json_payload(report: Report) -> None:
    body = misp_body(report).decode("utf-8")
    # The payload sends the reporter's own number for a call back; a shared event does not.
    assert REPORTER_PHONE not in body
    assert "pseudo-1" not in body  # the reporter's pseudonym never leaves either


def test_evidence_becomes_file_objects_with_metadata_only() -> None:
    report = Report(
        reference="SR-TEST-0001",
        scam_type="phishing",
        story="",
        created_at=datetime(2026, 11, 1, tzinfo=timezone.utc),
    )
    report.indicators = [Indicator(kind="url", value="https://bank.example.net/login")]
    report.evidence = [
        Evidence(
            sha256="a" * 64, size_bytes=1234, mime_type="image/png", kind="photo", filename="s.png"
        )
    ]
    event = loaded_event(misp_body(report))
    (item,) = objects_named(event, "file")
    assert values(item, "sha256") == ["a" * 64]
    assert values(item, "size-in-bytes") == ["1234"]
    assert not any(attribute.to_ids for attribute in item.attributes)
    # A report with neither flags nor money nor claims: no such tags or objects.
    assert [tag.name for tag in event.tags] == ["tlp:amber", scam_type_tag("phishing")]
    assert not objects_named(event, "monetary-impact") and not objects_named(event, "impersonation")


def test_an_email_delivery_attaches_the_event() -> None:
    delivery = OutgoingDelivery(
        delivery_id=1,
        idempotency_key="k",
        agency_code="gb-actionfraud",
        reference="SR-TEST-0001",
        payload_format="misp",
        content_type=MISP_CONTENT_TYPE,
        body=b'{"Event": {}}',
        attempt=1,
    )
    message = build_email(delivery, sender="from@example.org", to_address="to@example.org")
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "SR-TEST-0001.misp.json"
    assert "MISP event" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def registry_with(**delivery: Any) -> Registry:
    """The packaged registry with sg-spf's delivery changed."""
    data = yaml.safe_load(packaged_registry_path().read_text(encoding="utf-8"))
    (entry,) = [agency for agency in data["agencies"] if agency["code"] == "sg-spf"]
    entry["delivery"].update(delivery)
    return validate_registry_data(data, source="test registry")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_outbox(request: pytest.FixtureRequest, outbox: Outbox) -> Iterator[Outbox]:
    """The SQLite outbox, or a migrated PostgreSQL one (the CHECK on payload_format)."""
    if request.param == "sqlite":
        yield outbox
        return
    factory: Callable[[], str] = request.getfixturevalue("postgres_database_factory")
    box = open_outbox(factory())
    yield box
    box.engine.dispose()


def test_the_worker_delivers_the_event_signed_to_the_agency_sink(
    any_outbox: Outbox, sink: RunningSink, sink_env: dict[str, str]
) -> None:
    outbox = any_outbox
    registry = registry_with(formats=["json", "misp"], tlp="green")
    stored = store_report(outbox, registry, urgent=True)
    Worker(
        session_factory=outbox.sessions, registry=registry, config=fast_config(), env=sink_env
    ).drain()

    received = {item.payload_format: item for item in sink.store.received()}
    assert set(received) == {"json", "misp"}
    misp = received["misp"]
    # The sink verified the signature (it refuses anything else) and found the reference.
    assert misp.agency == "sg-spf" and misp.reference == stored.reference
    assert misp.content_type == MISP_CONTENT_TYPE
    event = loaded_event(misp.body)
    assert [tag.name for tag in event.tags][:2] == ["tlp:green", scam_type_tag("fake_authority")]
    assert flag_tag("ongoing") in [tag.name for tag in event.tags]
    assert [row.status for row in outbox.deliveries()] == ["delivered", "delivered"]
    assert "objects (MISP event)" in render_page(sink.store.received(), 2)


@pytest.fixture
def misp_server() -> Iterator[MispServer]:
    server = start_misp(MISP_KEY)
    yield server
    stop_misp(server)


def test_the_worker_pushes_the_event_to_a_misp_instance(
    outbox: Outbox,
    sink: RunningSink,
    sink_env: dict[str, str],
    misp_server: MispServer,
    make_report: Callable[..., Report],
) -> None:
    registry = registry_with(
        formats=["json", "misp"],
        misp_url_env="AGENCY_SG_SPF_MISP_URL",
        misp_key_env="AGENCY_SG_SPF_MISP_KEY",
    )
    stored = store_report(outbox, registry)
    env = dict(sink_env, AGENCY_SG_SPF_MISP_URL=misp_server.url)

    def worker(key: str) -> Worker:
        return Worker(
            session_factory=outbox.sessions,
            registry=registry,
            config=fast_config(),
            env=dict(env, AGENCY_SG_SPF_MISP_KEY=key),
        )

    # A wrong key: refused by the instance, kept for a retry, the key never in the error.
    wrong = "wrong-key-0000000000000000000000000000000"
    worker(wrong).process_batch()
    rows = {row.payload_format: row for row in outbox.deliveries()}
    assert rows["json"].status == "delivered"
    assert rows["misp"].status == "pending" and rows["misp"].attempts == 1
    assert "MISP" in (rows["misp"].last_error or "")
    assert wrong not in (rows["misp"].last_error or "")
    assert misp_server.state.events == {}

    fixed = worker(MISP_KEY)

    def misp_delivered() -> bool:
        fixed.drain()  # the retry is due after a backoff of at most 50 ms
        return {row.payload_format: row.status for row in outbox.deliveries()}["misp"] == (
            "delivered"
        )

    assert wait_until(misp_delivered, timeout=5)
    rows = {row.payload_format: row for row in outbox.deliveries()}
    assert rows["misp"].attempts == 2
    (stored_event,) = misp_server.state.events.values()
    event = loaded_event(json.dumps({"Event": stored_event}))
    assert event.info.startswith(f"Scam report {stored.reference}")
    # Only the JSON went to the webhook; the event went to MISP.
    assert {item.payload_format for item in sink.store.received()} == {"json"}

    # A retry whose first answer was lost: MISP says the event exists; that counts as done.
    with outbox.sessions() as session:
        report = session.get(Report, stored.id, options=[selectinload(Report.indicators)])
        assert report is not None
        body = misp_body(report)
    transport = fixed.misp
    transport.send(
        OutgoingDelivery(
            delivery_id=rows["misp"].id,
            idempotency_key=rows["misp"].idempotency_key,
            agency_code="sg-spf",
            reference=stored.reference,
            payload_format="misp",
            content_type=MISP_CONTENT_TYPE,
            body=body,
            attempt=2,
        ),
        MispEndpoint(url=misp_server.url, key=MISP_KEY),
    )
    assert misp_server.state.add_requests == 2 and len(misp_server.state.events) == 1


def test_a_misp_instance_without_its_variables_waits_for_configuration(
    outbox: Outbox, sink_env: dict[str, str], make_report: Callable[..., Report]
) -> None:
    registry = registry_with(
        formats=["misp"],
        misp_url_env="AGENCY_SG_SPF_MISP_URL",
        misp_key_env="AGENCY_SG_SPF_MISP_KEY",
    )
    store_report(outbox, registry)
    Worker(
        session_factory=outbox.sessions, registry=registry, config=fast_config(), env=sink_env
    ).process_batch()
    (row,) = outbox.deliveries()
    assert row.status == "pending"
    assert row.last_error == "AGENCY_SG_SPF_MISP_URL and AGENCY_SG_SPF_MISP_KEY not set"


def test_a_failing_misp_instance_is_retried_without_logging_the_event(
    outbox: Outbox,
    sink_env: dict[str, str],
    misp_server: MispServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = registry_with(
        formats=["misp"],
        misp_url_env="AGENCY_SG_SPF_MISP_URL",
        misp_key_env="AGENCY_SG_SPF_MISP_KEY",
    )
    store_report(outbox, registry, story="A secret story that must stay out of the logs.")
    env = dict(sink_env, AGENCY_SG_SPF_MISP_URL=misp_server.url, AGENCY_SG_SPF_MISP_KEY=MISP_KEY)
    misp_server.state.failures_left = 1
    worker = Worker(
        session_factory=outbox.sessions, registry=registry, config=fast_config(), env=env
    )
    with caplog.at_level(logging.DEBUG):
        worker.process_batch()
        (row,) = outbox.deliveries()
        assert row.status == "pending"
        assert row.last_error == "MISP push failed (MISPServerError)"

        def delivered() -> bool:
            worker.drain()
            return outbox.deliveries()[0].status == "delivered"

        assert wait_until(delivered, timeout=5)
    assert len(misp_server.state.events) == 1
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "secret story" not in logged and MISP_KEY not in logged
    # Ours and PyMISP's lines never name the instance (urllib3's debug lines do, like for
    # every webhook).
    ours = [r.getMessage() for r in caplog.records if r.name.startswith(("scamreport", "pymisp"))]
    assert ours and not any(misp_server.url in line for line in ours)
