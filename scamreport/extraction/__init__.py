"""Indicator extraction: phones, links, e-mails, IBANs, wallets, handles, amounts, dates and
claimed agencies out of a victim's free text, in the normal forms of the brief."""

from scamreport.classification import classify_scam_type
from scamreport.extraction.agency_aliases import DEFAULT_AGENCY_ALIASES
from scamreport.extraction.amounts import parse_amount
from scamreport.extraction.dates import parse_date
from scamreport.extraction.extractor import Extractor, build_extractor, extract_indicators
from scamreport.extraction.model import Amount, Found, Indicators
from scamreport.extraction.readings import Reading, mask_message, read_message
from scamreport.extraction.urls import registrable_domain

__all__ = [
    "DEFAULT_AGENCY_ALIASES",
    "Amount",
    "Extractor",
    "Found",
    "Indicators",
    "Reading",
    "build_extractor",
    "classify_scam_type",
    "extract_indicators",
    "mask_message",
    "parse_amount",
    "parse_date",
    "read_message",
    "registrable_domain",
]
