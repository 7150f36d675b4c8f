"""Whole reports through the real Rasa server and action server, checked in the database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from scamreport.storage.repository import get_report_by_reference
from tests.e2e.conversation import REFERENCE, Chat, texts
from tests.rasa_rest import FAKE_POLICE_ANSWERS, FAKE_POLICE_STORY, RasaClient

pytestmark = pytest.mark.e2e


def reference_in(chat: Chat, replies_text: str) -> str:
    match = REFERENCE.search(replies_text)
    assert match, f"no reference number\n{chat.transcript()}"
    return match.group(0)


def test_fake_police_report_is_stored_field_by_field(
    rasa: RasaClient, db: sessionmaker[Session]
) -> None:
    chat = Chat(rasa)
    assert "what happened" in texts(chat.say("hello")).lower()
    replies = chat.say(FAKE_POLICE_STORY)
    replies, asked = chat.answer_questions(
        replies,
        {
            **FAKE_POLICE_ANSWERS,
            "consent_forward": "yes, send it to my national agency",
            "contact_permission": "yes, contact me in this chat",
        },
    )
    assert "country" in asked and "scammer_contact" not in asked, chat.transcript()
    summary = texts(replies)
    assert "Here is your report" in summary and "S$" not in summary, chat.transcript()
    assert "5,000 SGD" in summary, chat.transcript()
    reference = reference_in(chat, texts(chat.press("/affirm")))

    with db() as session:
        report = get_report_by_reference(session, reference=reference)
        assert report is not None
        assert report.scam_type == "fake_authority"
        assert report.country == "SG"
        assert report.claimed_agency == "Singapore Police Force"
        assert report.claimed_identity == "Inspector Lim, badge number 30125"
        assert report.contact_channel == "phone_call"
        assert report.scammer_contact == "+6581234567"
        assert "safe account" in (report.demand or "")
        assert report.money_lost is True
        assert report.amount_lost == Decimal("5000")
        assert report.currency == "SGD"
        assert report.payment_method == "bank_transfer"
        assert report.payee_account is None
        assert report.incident_date == date.today() - timedelta(days=1)
        assert report.consent_forward is True and report.consent_cross_border is False
        assert report.contact_permission == "telegram"
        assert report.status == "received"
        kinds = {(i.kind, i.value) for i in report.indicators}
        assert ("phone", "+6581234567") in kinds
        assert ("amount", "5000 SGD") in kinds
        assert ("claimed_agency", "Singapore Police Force") in kinds
        assert len(report.transcript) >= 2 * len(asked)
        assert report.transcript[0].sender == "user"
        assert {c.kind for c in report.consents} == {
            "forward_national",
            "forward_cross_border",
            "contact",
        }
        assert [d.agency_code for d in report.deliveries][:1] == ["sg-spf"]


def test_fake_shop_report_is_stored_field_by_field(
    rasa: RasaClient, db: sessionmaker[Session]
) -> None:
    chat = Chat(rasa)
    replies = chat.say(
        "I'm in Malaysia. I ordered 50 boxes of N95 masks from a website and nothing came"
    )
    replies, asked = chat.answer_questions(
        replies,
        {
            "country": "Malaysia",
            "shop_name": "MaskKing MY",
            "shop_link": "hxxps://maskking-my[.]shop/order, his whatsapp 012-876 5432",
            "items_ordered": "50 boxes of N95 masks",
            "amount_lost": "RM 1,250",
            "payment_method": "bank transfer",
            "payee_account": "skip",
            "item_received": "nothing arrived",
            "incident_date": "3 March",
            "story": "The seller stopped answering after I paid.",
            "consent_forward": "no, do not send it",
            "contact_permission": "no contact please",
        },
    )
    assert "country" not in asked, chat.transcript()
    reference = reference_in(chat, texts(chat.say("yes")))

    with db() as session:
        report = get_report_by_reference(session, reference=reference)
        assert report is not None
        assert report.scam_type == "fake_shop"
        assert report.country == "MY"
        assert report.shop_name == "MaskKing MY"
        assert report.shop_link == "https://maskking-my.shop/order"
        assert report.items_ordered == "50 boxes of N95 masks"
        assert report.amount_lost == Decimal("1250") and report.currency == "MYR"
        assert report.money_lost is True
        assert report.item_received == "nothing"
        assert report.incident_date is not None and report.incident_date.month == 3
        assert report.consent_forward is False
        assert report.contact_permission == "none"
        assert list(report.deliveries) == []
        urls = [i for i in report.indicators if i.kind == "url"]
        assert [(u.value, u.registrable_domain) for u in urls] == [
            ("https://maskking-my.shop/order", "maskking-my.shop")
        ]
        # The seller's number, given with the shop's link
        assert report.scammer_contact == "+60128765432"
        assert [i.value for i in report.indicators if i.kind == "phone"] == ["+60128765432"]
