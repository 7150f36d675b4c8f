"""The canonical codes shared by slots, storage and exports (see shared BRIEF)."""

from __future__ import annotations

SCAM_TYPES: dict[str, str] = {
    "fake_authority": "someone posing as police, Interpol, a court, customs, tax, immigration, an embassy or a bank's security team",
    "fake_shop": "an online shop or seller took payment and delivered nothing or fakes",
    "phishing": "theft of passwords, card or banking details or one-time codes",
    "investment": "fake investment or crypto-trading platform",
    "romance": "an online relationship used to ask for money",
    "sextortion": "threats to publish intimate images unless paid",
    "money_mule": "recruited to receive or move money, or rent out an account",
    "business_email_compromise": "changed supplier bank details, CEO or invoice fraud",
    "advance_fee": "a lottery, prize, inheritance or grant that needs a fee first",
    "tech_support": "fake support took control of a computer",
    "other": "anything else",
}

CONTACT_CHANNELS: tuple[str, ...] = (
    "phone_call",
    "video_call",
    "sms",
    "email",
    "website",
    "social_media",
    "messaging_app",
    "in_person",
)

# How money was paid. A reporter's own words stay when they name none of these.
PAYMENT_METHODS: tuple[str, ...] = (
    "bank_transfer",
    "instant_payment",
    "money_transfer_service",
    "card",
    "cash",
    "crypto",
    "gift_cards",
    "paypal",
)

INDICATOR_KINDS: tuple[str, ...] = (
    "phone",
    "url",
    "email",
    "iban",
    "crypto_wallet",
    "handle",
    "amount",
    "date",
    "claimed_agency",
)

# The kinds that identify a scammer. A reporter's /check looks them up; the console links
# reports by them and by the agency a scammer claimed to be (which a reporter checking "police"
# would learn nothing from). Amounts and dates link nothing.
CHECKABLE_KINDS: tuple[str, ...] = ("phone", "url", "email", "iban", "crypto_wallet", "handle")
LINKABLE_KINDS: tuple[str, ...] = (*CHECKABLE_KINDS, "claimed_agency")

REPORT_STATUSES: tuple[str, ...] = ("received", "in_review", "referred", "actioned", "closed")
