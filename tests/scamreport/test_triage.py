"""Triage flags: computed from a stored report, kept in reports.triage_flags on every write."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from scamreport import triage
from scamreport.countries import default_currency
from scamreport.registry import load_registry, packaged_registry_path
from scamreport.storage.database import make_engine, make_session_factory, upgrade_database
from scamreport.storage.models import Report
from scamreport.storage.records import NewReport
from scamreport.storage.repository import submit_report


@dataclass
class Stored:
    country: str | None = "SG"
    currency: str | None = None
    amount_lost: Decimal | None = None
    urgent: bool = False
    details: dict[str, Any] = field(default_factory=dict)


def test_flags_come_from_the_conversation_and_the_amount() -> None:
    assert triage.flags_of(Stored()) == ()
    assert triage.flags_of(Stored(details={"flags": ["minor", "self_harm", "bogus"]})) == (
        "self_harm",
        "minor",
    )
    assert triage.flags_of(Stored(urgent=True)) == ("ongoing",)
    assert triage.flags_of(Stored(currency="SGD", amount_lost=Decimal("9999.99"))) == ()
    assert triage.flags_of(Stored(currency="SGD", amount_lost=Decimal("10000"))) == ("large_loss",)


def test_the_large_loss_threshold_is_the_countrys_own() -> None:
    # The same 30,000 is large in Malaysian ringgit only from 20,000 up, in yen never.
    assert triage.is_large_loss("MY", "MYR", Decimal("20000"))
    assert not triage.is_large_loss("MY", "MYR", Decimal("19999"))
    assert not triage.is_large_loss("JP", "JPY", Decimal("30000"))
    assert triage.is_large_loss("IN", "INR", 200_000)
    # A loss in another currency is judged by that currency's own threshold.
    assert triage.large_loss_threshold("SG", "USD") == Decimal("10000")
    assert triage.large_loss_threshold("GB", "EUR") == Decimal("10000")
    assert triage.large_loss_threshold(None, "GBP") == Decimal("5000")
    # No currency, an unknown currency or no amount: no flag rather than a guess.
    assert triage.large_loss_threshold("SG", None) is None
    assert triage.large_loss_threshold("SG", "XBT") is None
    assert not triage.is_large_loss("SG", "SGD", None)
    assert not triage.is_large_loss("SG", "SGD", "NaN")


def test_every_country_with_an_agency_has_a_threshold_in_its_currency() -> None:
    registry = load_registry(packaged_registry_path())
    for country in registry.countries():
        assert country in triage.LARGE_LOSS_BY_COUNTRY, country
        assert default_currency(country) is not None, country
    assert set(triage.LABELS) == set(triage.FLAGS) == set(triage.SHORT_LABELS)


def test_encoding_and_subject_tags() -> None:
    assert triage.encode(["large_loss", "minor", "minor"]) == "minor,large_loss"
    assert triage.decode("minor,large_loss") == ("minor", "large_loss")
    assert triage.decode("") == ()
    assert triage.subject_tags(["large_loss", "self_harm"]) == "[SELF-HARM] [LARGE LOSS] "
    assert triage.subject_tags([]) == ""


def test_stored_reports_keep_their_flags_up_to_date(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    upgrade_database(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session:
        report = submit_report(
            session,
            report=NewReport(
                pseudonym="c",
                scam_type="fake_authority",
                country="SG",
                urgent=True,
                money_lost=True,
                amount_lost=Decimal("500"),
                currency="SGD",
                details={"flags": ["minor", "ongoing"]},
            ),
            indicators=[],
            transcript=[],
            consents=[],
        )
        reference = report.reference
    with sessions() as session:
        stored = session.scalars(select(Report).where(Report.reference == reference)).one()
        assert stored.triage_flags == "minor,ongoing"
        assert stored.flags == ("minor", "ongoing")
        # Any later change (the console's, a correction) recomputes them.
        stored.amount_lost = Decimal("25000")
        stored.details["flags"] = ["self_harm"]
        session.commit()
    with engine.connect() as connection:
        assert (
            connection.scalar(
                text("SELECT triage_flags FROM reports WHERE reference = :r"), {"r": reference}
            )
            == "self_harm,ongoing,large_loss"
        )
    engine.dispose()


def test_migration_0005_fills_the_flags_of_reports_already_stored(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade_database(url, "0004_per_agency_status")
    engine = make_engine(url)
    with engine.begin() as connection:
        for reference, urgent, amount, details in (
            ("SR-OLD1", True, "20000", '{"flags": ["minor"]}'),
            ("SR-OLD2", False, "50", "{}"),
        ):
            connection.execute(
                text(
                    "INSERT INTO reports (reference, conversation_id, scam_type, country, status,"
                    " urgent, amount_lost, currency, story, consent_forward,"
                    " consent_cross_border, contact_permission, details, created_at, updated_at)"
                    " VALUES (:reference, 'c', 'other', 'SG', 'received', :urgent, :amount, 'SGD',"
                    " '', false, false, 'none', :details, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"reference": reference, "urgent": urgent, "amount": amount, "details": details},
            )
    upgrade_database(url)
    with engine.connect() as connection:
        flags = dict(connection.execute(text("SELECT reference, triage_flags FROM reports")).all())
    assert flags == {"SR-OLD1": "minor,ongoing,large_loss", "SR-OLD2": ""}
    engine.dispose()
