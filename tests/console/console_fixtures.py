"""Builders for the console tests: a migrated SQLite file, evidence files on disk, users of every
role at two agencies, and reports routed to one, the other, or both; plus login helpers."""

from __future__ import annotations

import functools
import hashlib
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console import create_app
from console.config import ConsoleConfig
from console.passwords import hash_password
from scamreport.settings import Settings, get_settings
from scamreport.storage.database import make_engine, make_session_factory, upgrade_database
from scamreport.storage.models import ConsoleUser
from scamreport.storage.records import (
    NewConsent,
    NewDelivery,
    NewEvidence,
    NewIndicator,
    NewReport,
    NewReporter,
    NewTranscriptMessage,
)
from scamreport.storage.repository import submit_report

AGENCY_A = "sg-spf"
AGENCY_B = "my-pdrm"
ROLES = ("analyst", "supervisor", "admin")
PASSWORD = "correct horse battery staple"
SHARED_PHONE = "+6581234567"
SHARED_WALLET = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
HOSTILE_STORY = (
    "He said he was from Interpol. <script>window.__pwned = 1</script>"
    '<img src=x onerror="window.__pwned = 2"> Then he asked for 5000 dollars.'
)


def email_of(agency: str, role: str) -> str:
    return f"{role}@{agency}.police.test"


def png_bytes(
    width: int = 48, height: int = 32, rgb: tuple[int, int, int] = (200, 30, 30)
) -> bytes:
    """A small valid PNG of one colour (built by hand: no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@dataclass
class SeededReports:
    """References of the seeded reports, by role in the tests."""

    a_hostile: str = ""  # agency A only; phone shared with a_phishing and b_only; evidence
    a_phishing: str = ""  # agency A only; shares SHARED_PHONE
    b_only: str = ""  # agency B only; shares SHARED_PHONE (invisible to agency A)
    both: str = ""  # routed to both agencies
    a_plain: list[str] = field(default_factory=list)  # agency A, various filters
    evidence_ids: dict[str, int] = field(default_factory=dict)  # "image"/"document" -> id


@dataclass
class ConsoleEnv:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    app: Flask
    reports: SeededReports
    evidence_files: dict[str, bytes]

    def client(self) -> FlaskClient:
        return self.app.test_client()

    def session(self) -> Session:
        return self.session_factory()


def _transcript(story: str) -> list[NewTranscriptMessage]:
    at = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
    return [
        NewTranscriptMessage(seq=0, sender="bot", text="What happened?", sent_at=at),
        NewTranscriptMessage(seq=1, sender="user", text=story, sent_at=at + timedelta(minutes=1)),
    ]


def _consents() -> list[NewConsent]:
    return [NewConsent(kind="forward_national", granted=True, wording="May we forward it?")]


def _deliveries(*agencies: str) -> list[NewDelivery]:
    return [NewDelivery(agency_code=code, transport="webhook") for code in agencies]


def _write_evidence(
    evidence_dir: Path, name: str, data: bytes, mime: str, kind: str
) -> NewEvidence:
    relative = f"seed/{name}"
    path = evidence_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return NewEvidence(
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        mime_type=mime,
        kind=kind,
        filename=name,
        storage_path=relative,
        caption=f"caption of {name}",
    )


def seed_reports(session: Session, evidence_dir: Path) -> tuple[SeededReports, dict[str, bytes]]:
    seeded = SeededReports()
    files = {
        "image": png_bytes(),
        "document": b"%PDF-1.4\n% a bank transfer receipt\n%%EOF\n",
    }
    image = _write_evidence(evidence_dir, "screenshot.png", files["image"], "image/png", "photo")
    document = _write_evidence(
        evidence_dir, "receipt.pdf", files["document"], "application/pdf", "document"
    )
    hostile = submit_report(
        session,
        report=NewReport(
            pseudonym="conv-hostile",
            scam_type="fake_authority",
            reporter=NewReporter(pseudonym="pseudo-hostile", telegram_user_id=1001, language="en"),
            contact_channel="phone_call",
            country="SG",
            urgent=True,
            claimed_agency="Interpol",
            money_lost=True,
            amount_lost=Decimal("5000.00"),
            currency="SGD",
            story=HOSTILE_STORY,
            consent_forward=True,
            contact_permission="telegram",
            incident_date=date(2025, 3, 2),
        ),
        indicators=[
            NewIndicator(kind="phone", value=SHARED_PHONE),
            NewIndicator(
                kind="url",
                value="https://pay.fake-police.example/step2",
                registrable_domain="fake-police.example",
            ),
            NewIndicator(kind="amount", value="5000 SGD"),
        ],
        transcript=_transcript(HOSTILE_STORY),
        consents=_consents(),
        evidence=[image, document],
        deliveries=_deliveries(AGENCY_A),
    )
    seeded.a_hostile = hostile.reference
    seeded.evidence_ids = {
        "image": next(e.id for e in hostile.evidence if e.mime_type == "image/png"),
        "document": next(e.id for e in hostile.evidence if e.mime_type == "application/pdf"),
    }
    phishing = submit_report(
        session,
        report=NewReport(
            pseudonym="conv-phishing",
            scam_type="phishing",
            reporter=NewReporter(pseudonym="pseudo-phish"),
            contact_channel="sms",
            country="SG",
            money_lost=True,
            amount_lost=Decimal("320.00"),
            currency="SGD",
            story="An SMS from my bank asked for the OTP and the caller used the same number.",
            consent_forward=True,
        ),
        indicators=[
            NewIndicator(kind="phone", value=SHARED_PHONE),
            NewIndicator(
                kind="url",
                value="https://login.fake-police.example/otp",
                registrable_domain="fake-police.example",
            ),
        ],
        transcript=_transcript("sms otp"),
        consents=_consents(),
        deliveries=_deliveries(AGENCY_A),
    )
    seeded.a_phishing = phishing.reference
    b_only = submit_report(
        session,
        report=NewReport(
            pseudonym="conv-b",
            scam_type="investment",
            country="MY",
            money_lost=True,
            amount_lost=Decimal("12000.00"),
            currency="MYR",
            story="A crypto trading platform promised guaranteed returns. Secret Malaysian case.",
            consent_forward=True,
        ),
        indicators=[
            NewIndicator(kind="phone", value=SHARED_PHONE),
            NewIndicator(kind="crypto_wallet", value=SHARED_WALLET),
        ],
        transcript=_transcript("crypto"),
        consents=_consents(),
        deliveries=_deliveries(AGENCY_B),
    )
    seeded.b_only = b_only.reference
    both = submit_report(
        session,
        report=NewReport(
            pseudonym="conv-both",
            scam_type="romance",
            country="MY",
            money_lost=True,
            amount_lost=Decimal("800.00"),
            currency="MYR",
            story="We met online; he needed money for a flight to Singapore.",
            consent_forward=True,
            consent_cross_border=True,
        ),
        indicators=[
            NewIndicator(kind="iban", value="DE89370400440532013000"),
            # Shared with b_only: agency B sees them as one network, agency A sees neither link.
            NewIndicator(kind="crypto_wallet", value=SHARED_WALLET),
        ],
        transcript=_transcript("romance"),
        consents=_consents(),
        deliveries=_deliveries(AGENCY_A, AGENCY_B),
    )
    seeded.both = both.reference
    for index, (scam_type, country, amount) in enumerate(
        [
            ("fake_shop", "SG", Decimal("45.90")),
            ("fake_shop", "SG", None),
            ("advance_fee", "ID", Decimal("1500.00")),
            ("tech_support", "SG", Decimal("99.00")),
        ]
    ):
        plain = submit_report(
            session,
            report=NewReport(
                pseudonym=f"conv-plain-{index}",
                scam_type=scam_type,
                country=country,
                money_lost=amount is not None,
                amount_lost=amount,
                currency="SGD" if amount is not None else None,
                story=f"Plain report number {index} about face masks that never arrived.",
                consent_forward=True,
            ),
            indicators=[NewIndicator(kind="handle", value=f"@seller{index}")],
            transcript=_transcript(f"plain {index}"),
            consents=_consents(),
            deliveries=_deliveries(AGENCY_A),
        )
        seeded.a_plain.append(plain.reference)
    return seeded, files


@functools.lru_cache(maxsize=1)
def password_hash() -> str:
    """PASSWORD hashed once per test session (argon2 is slow on purpose)."""
    return hash_password(PASSWORD)


def seed_users(session: Session) -> None:
    for agency in (AGENCY_A, AGENCY_B):
        for role in ROLES:
            session.add(
                ConsoleUser(
                    email=email_of(agency, role),
                    password_hash=password_hash(),
                    agency_code=agency,
                    role=role,
                    active=True,
                )
            )
    session.commit()


def build_console_env(
    data_dir: Path,
    *,
    config: ConsoleConfig | None = None,
    users: bool = True,
    database_url: str | None = None,
) -> ConsoleEnv:
    """The seeded console on ``database_url`` (an empty database; default a new SQLite file)."""
    database_url = database_url or f"sqlite:///{data_dir / 'scamreport.db'}"
    settings = get_settings(
        {
            "SCAMREPORT_ENV": "test",
            "SCAMREPORT_DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url,
        }
    )
    upgrade_database(database_url, "heads")
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with factory() as session:
        reports, files = seed_reports(session, settings.evidence_dir)
        if users:
            seed_users(session)
    app = create_app(settings, session_factory=factory, config=config or ConsoleConfig())
    app.config["TESTING"] = True
    return ConsoleEnv(
        settings=settings,
        engine=engine,
        session_factory=factory,
        app=app,
        reports=reports,
        evidence_files=files,
    )


LoginFn = Callable[[FlaskClient, str, str], None]


def csrf_token_of(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token printed in a page's forms."""
    html = client.get(path).get_data(as_text=True)
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def login(client: FlaskClient, agency: str, role: str) -> None:
    token = csrf_token_of(client)
    response = client.post(
        "/login",
        data={"email": email_of(agency, role), "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
