"""What the NLU intents mean for the report: the scam type an opening message implies."""

from __future__ import annotations

from scamreport.extraction import classify_scam_type

INTENT_SCAM_TYPES: dict[str, str] = {
    "report_fake_authority": "fake_authority",
    "report_fake_shop": "fake_shop",
}
REPORT_INTENTS = frozenset(
    {"report_scam", "report_fake_authority", "report_fake_shop", "report_other_scam", "urgent"}
)


def implied_scam_type(intent: str | None, text: str) -> str | None:
    """A brief scam-type code, or None when neither the intent nor the words say."""
    if intent in INTENT_SCAM_TYPES:
        return INTENT_SCAM_TYPES[intent]
    from_words = classify_scam_type(text)
    if from_words:
        return from_words
    if intent == "report_other_scam":
        return "other"
    return None
