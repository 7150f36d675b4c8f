"""A report's language, and its facts rendered in English for an analyst who does not read it.

No text leaves the system and nothing is machine translated: the "English rendering" is the
report's structured facts (codes, amounts, dates, countries) described in English by
scamreport.presentation, next to the reporter's own words, which stay authoritative. Free text
the reporter typed into a field (a claimed name, a demand) is shown as written and marked so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scamreport.countries import country_name
from scamreport.interviews import DETAIL_LABELS
from scamreport.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, is_language
from scamreport.presentation import (
    capitalised,
    describe_amount,
    describe_code,
    describe_date,
    describe_value,
)
from scamreport.storage.models import Report

# ``?rendering=en`` on the report page opens the English rendering.
RENDERING_ARG = "rendering"
ENGLISH_RENDERING = "en"


def report_language(report: Report) -> str:
    """The report's language code; reports stored before languages were kept (NULL) are
    English, the only language the assistant spoke then."""
    return report.language or DEFAULT_LANGUAGE


def language_label(code: str | None) -> str:
    """The language's own name ("简体中文", "Bahasa Melayu"); an unknown code as it is."""
    code = code or DEFAULT_LANGUAGE
    return LANGUAGE_NAMES[code] if is_language(code) else code  # type: ignore[index]


@dataclass(frozen=True)
class RenderedFact:
    label: str
    value: str
    # True: the reporter's own text, shown unchanged (it may be in their language).
    as_written: bool = False


def _described(kind: str, value: object) -> RenderedFact | None:
    """A detail answer in English when it is a code, a number, a date or a yes/no; otherwise
    the reporter's text as written."""
    if value is None or value == "" or value == []:
        return None
    label = DETAIL_LABELS.get(kind, capitalised(kind.replace("_", " ")))
    if isinstance(value, (list, tuple)):
        text = ", ".join(describe_value(kind, item) for item in value)
        return RenderedFact(label, text, as_written=any(isinstance(v, str) for v in value))
    text = describe_value(kind, value)
    as_written = isinstance(value, str) and text == value and describe_code(value) == value
    return RenderedFact(label, text, as_written=as_written)


def _yes_no(value: bool | None) -> str:
    return "—" if value is None else ("yes" if value else "no")


def english_rendering(report: Report) -> list[RenderedFact]:
    """The report's facts with English labels, codes and amounts described in English."""
    details: Mapping[str, Any] = report.details or {}
    facts: list[RenderedFact] = [
        RenderedFact("Scam type", capitalised(describe_code(report.scam_type, "scam_type"))),
    ]
    if report.contact_channel:
        channel = describe_code(report.contact_channel, "contact_channel")
        facts.append(RenderedFact("Contact came by", capitalised(channel)))
    elif details.get("contact_channel_text"):
        facts.append(
            RenderedFact("Contact came by", str(details["contact_channel_text"]), as_written=True)
        )
    if report.country:
        facts.append(RenderedFact("Reporter's country", country_name(report.country)))
    when = describe_date(details.get("incident_date") or report.incident_date)
    if when:
        facts.append(RenderedFact("Incident date", when))
    for label, value in (
        ("Claimed to be", report.claimed_agency),
        ("Claimed identity", report.claimed_identity),
        ("Scammer's contact", report.scammer_contact),
        ("Demand", report.demand),
    ):
        if value:
            facts.append(RenderedFact(label, value, as_written=True))
    if details.get("amount_demanded"):
        facts.append(RenderedFact("Amount demanded", describe_amount(details["amount_demanded"])))
    if report.money_lost and report.amount_lost is not None:
        lost = describe_amount(report.amount_lost, report.currency)
    elif report.money_lost:
        lost = "yes, amount unknown"
    else:
        lost = _yes_no(report.money_lost)
    facts.append(RenderedFact("Money lost", lost))
    if report.payment_method:
        method = describe_code(report.payment_method, "payment_method")
        facts.append(RenderedFact("Paid by", method, as_written=method == report.payment_method))
    if report.payee_account:
        facts.append(RenderedFact("Paid to", report.payee_account))
    for label, value in (
        ("Shop", report.shop_name),
        ("Shop link", report.shop_link),
        ("Ordered", report.items_ordered),
    ):
        if value:
            facts.append(RenderedFact(label, value, as_written=label != "Shop link"))
    if report.item_received:
        facts.append(RenderedFact("Received", describe_code(report.item_received, "item_received")))
    for kind in DETAIL_LABELS:
        fact = _described(kind, details.get(kind))
        if fact is not None:
            facts.append(fact)
    for indicator in report.indicators:
        facts.append(
            RenderedFact(
                capitalised(describe_code(indicator.kind, "indicator_kind")), indicator.value
            )
        )
    return facts
