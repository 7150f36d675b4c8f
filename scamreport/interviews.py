"""What each kind of scam's interview asks: the facts an analyst of that crime needs, in order.

Fake police calls and fake shops have interviews of their own (their forms in domain.yml). Every
other type runs the general form, whose questions come from ``TYPE_QUESTIONS``: the common money
and date questions plus the ones that type needs, and nothing else. The answers to the
type-specific questions are kept in a report's ``details`` under the same names, and
``DETAIL_LABELS`` names them for the reporter's summary and the police console.
"""

from __future__ import annotations

import re

# Slots asked about money the reporter lost; left out when nothing was lost.
MONEY_QUESTIONS: tuple[str, ...] = ("amount_lost", "payment_method", "payee_account")

TYPE_QUESTIONS: dict[str, tuple[str, ...]] = {
    "phishing": (
        "contact_channel",
        "scammer_contact",
        "link",
        "entered_details",
        "amount_lost",
        "money_lost",
        "payment_method",
        "incident_date",
    ),
    "investment": (
        "platform",
        "link",
        "scammer_contact",
        "amount_lost",
        "money_lost",
        "payment_method",
        "payee_account",
        "withdrawal_blocked",
        "incident_date",
    ),
    "romance": (
        "where_met",
        "scammer_contact",
        "how_long",
        "money_for",
        "amount_lost",
        "money_lost",
        "payment_method",
        "payee_account",
        "incident_date",
    ),
    "sextortion": (
        "platform",
        "scammer_contact",
        "demand",
        "amount_lost",
        "money_lost",
        "payment_method",
        "payee_account",
        "minor",
        "incident_date",
    ),
    "money_mule": (
        "recruited_how",
        "scammer_contact",
        "accounts_used",
        "payee_account",
        "still_holding",
        "amount_lost",
        "money_lost",
        "incident_date",
    ),
    "business_email_compromise": (
        "scammer_contact",
        "reply_to",
        "invoice",
        "amount_lost",
        "payment_method",
        "payee_account",
        "incident_date",
    ),
    "advance_fee": (
        "prize",
        "contact_channel",
        "scammer_contact",
        "link",
        "demand",
        "amount_lost",
        "money_lost",
        "payment_method",
        "payee_account",
        "incident_date",
    ),
    "tech_support": (
        "contact_channel",
        "scammer_contact",
        "app_installed",
        "remote_access",
        "amount_lost",
        "money_lost",
        "payment_method",
        "incident_date",
    ),
    "other": (
        "contact_channel",
        "scammer_contact",
        "amount_lost",
        "money_lost",
        "payment_method",
        "payee_account",
        "incident_date",
    ),
}

# The type-specific answers a report keeps in its details, with the words people read.
DETAIL_LABELS: dict[str, str] = {
    "platform": "App or website",
    "link": "Link",
    "entered_details": "What they got",
    "withdrawal_blocked": "Withdrawing",
    "where_met": "Where they met",
    "how_long": "How long it went on",
    "money_for": "What the money was for",
    "minor": "Under 18",
    "recruited_how": "How they were recruited",
    "accounts_used": "Accounts the money passed through",
    "amount_moved": "Money moved",
    "still_holding": "Still holds money",
    "reply_to": "Reply-to address",
    "invoice": "Invoice",
    "prize": "What was promised",
    "app_installed": "App installed",
    "remote_access": "Remote access",
    "deadline": "Deadline",
}


# A story that speaks of a link ("isi borang kat satu link", "点了他发的链接") or a website found
# ("i google and call a helpdesk number", "在网站上看到") without giving it.
_LINK_SPOKEN_OF = re.compile(
    r"\blinks?\b|\bpautan\b|\bweb\s?sites?\b|\bgoogl\w*|\blaman\s+web\b|链接|网址|連結|网站|谷歌",
    re.IGNORECASE,
)
_LINK_GIVEN = re.compile(
    r"https?://|hxxps?://|www\.|\[\.\]|\b[\w-]+\.(?:com|net|org|info|top|xyz|cc|io|my|sg|"
    r"cn|hk|shop|site|online|link|vip)\b",
    re.IGNORECASE,
)


def questions_for(scam_type: str | None, story: str = "") -> tuple[str, ...]:
    """The general form's questions for ``scam_type``; before the type is known, just that.
    A type that does not ask for the link asks for it when the story speaks of one it does not
    give (an advance-fee "claim form" link, a fake shop's page)."""
    if scam_type is None:
        return ()
    questions = TYPE_QUESTIONS.get(scam_type, TYPE_QUESTIONS["other"])
    if "link" in questions or not _LINK_SPOKEN_OF.search(story) or _LINK_GIVEN.search(story):
        return questions
    after = questions.index("scammer_contact") + 1 if "scammer_contact" in questions else 0
    return (*questions[:after], "link", *questions[after:])


def all_type_questions() -> tuple[str, ...]:
    """Every question any type's general interview may ask, once, in a stable order."""
    return tuple(dict.fromkeys(q for questions in TYPE_QUESTIONS.values() for q in questions))


# The questions of each form (domain.yml): the two types with forms of their own, and the
# general form with every type's questions (it asks only those of the reporter's type).
INTERVIEW_QUESTIONS: dict[str, tuple[str, ...]] = {
    "fake_authority": (
        "country",
        "claimed_agency",
        "claimed_identity",
        "contact_channel",
        "scammer_contact",
        "more_contacts",
        "demand",
        "money_lost",
        "amount_lost",
        "payment_method",
        "payee_account",
        "incident_date",
    ),
    "fake_shop": (
        "country",
        "shop_name",
        "shop_link",
        "items_ordered",
        "amount_lost",
        "payment_method",
        "payee_account",
        "item_received",
        "incident_date",
    ),
    # "more_contacts" is asked only after a contact the opening story gave (actions.forms)
    "general": ("country", "scam_type", *all_type_questions(), "more_contacts"),
}
# The questions every report ends with, whatever its interview.
CLOSING_QUESTIONS: tuple[str, ...] = (
    "story",
    "consent_forward",
    "contact_permission",
    "contact_phone",
)
