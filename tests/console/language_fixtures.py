"""Reports in Chinese, Malay and (explicitly) English for the console's language tests, added
to the seeded console (whose own reports have no language: stored before it was kept)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from console_fixtures import AGENCY_A
from sqlalchemy.orm import Session

from scamreport.storage.records import (
    NewConsent,
    NewDelivery,
    NewIndicator,
    NewReport,
    NewTranscriptMessage,
)
from scamreport.storage.repository import submit_report

# The reporter's words, as typed (the console must show them unchanged).
STORY_ZH = "有人冒充上海公安局的王警官打电话给我，说我的账户涉嫌洗钱，要我把钱转到“安全账户”。"
MESSAGE_ZH = "他让我不要告诉家人 <b>马上</b> 转账"
STORY_MS = "Saya ditipu oleh platform pelaburan palsu, mereka janji untung besar tapi tak boleh keluar duit."
CLAIMED_IDENTITY_ZH = "王警官"
DEMAND_ZH = "把钱转到安全账户"


@dataclass(frozen=True)
class LanguageReports:
    zh: str
    ms: str
    en: str


def _transcript(*texts: str) -> list[NewTranscriptMessage]:
    at = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
    messages = [NewTranscriptMessage(seq=0, sender="bot", text="What happened?", sent_at=at)]
    for seq, text in enumerate(texts, start=1):
        messages.append(
            NewTranscriptMessage(
                seq=seq, sender="user", text=text, sent_at=at + timedelta(minutes=seq)
            )
        )
    return messages


def _submit(session: Session, report: NewReport, *texts: str, **kwargs: object) -> str:
    return submit_report(
        session,
        report=report,
        indicators=kwargs.pop("indicators", []),  # type: ignore[arg-type]
        transcript=_transcript(*texts),
        consents=[NewConsent(kind="forward_national", granted=True, wording="May we forward?")],
        deliveries=[NewDelivery(agency_code=AGENCY_A, transport="webhook")],
    ).reference


def seed_language_reports(session: Session) -> LanguageReports:
    """One report in each language, all routed to agency A."""
    zh = _submit(
        session,
        NewReport(
            pseudonym="conv-zh",
            scam_type="fake_authority",
            language="zh",
            contact_channel="phone_call",
            country="SG",
            claimed_agency="上海公安局",
            claimed_identity=CLAIMED_IDENTITY_ZH,
            demand=DEMAND_ZH,
            money_lost=True,
            amount_lost=Decimal("8000.00"),
            currency="SGD",
            payment_method="bank_transfer",
            incident_date=date(2025, 3, 1),
            story=STORY_ZH,
            consent_forward=True,
            details={"incident_date": "2025-03", "amount_demanded": "20000 SGD"},
        ),
        STORY_ZH,
        MESSAGE_ZH,
        indicators=[NewIndicator(kind="phone", value="+6588887777")],
    )
    ms = _submit(
        session,
        NewReport(
            pseudonym="conv-ms",
            scam_type="investment",
            language="ms",
            country="MY",
            money_lost=True,
            amount_lost=Decimal("3000.00"),
            currency="MYR",
            story=STORY_MS,
            consent_forward=True,
            details={"platform": "Telegram", "withdrawal_blocked": True},
        ),
        STORY_MS,
    )
    en = _submit(
        session,
        NewReport(
            pseudonym="conv-en",
            scam_type="phishing",
            language="en",
            country="SG",
            story="An SMS asked me to confirm my parcel and took my card details.",
            consent_forward=True,
        ),
        "An SMS asked me to confirm my parcel",
    )
    session.commit()
    return LanguageReports(zh=zh, ms=ms, en=en)
