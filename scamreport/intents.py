"""What the NLU intents mean for the report: the scam type an opening message implies."""

from __future__ import annotations

from scamreport.classification import guess_scam_type

INTENT_SCAM_TYPES: dict[str, str] = {
    "report_fake_authority": "fake_authority",
    "report_fake_shop": "fake_shop",
}
REPORT_INTENTS = frozenset(
    {"report_scam", "report_fake_authority", "report_fake_shop", "report_other_scam", "urgent"}
)


def implied_scam_type(intent: str | None, text: str, *, is_story: bool = False) -> str | None:
    """A brief scam-type code, or None when neither the classifier nor the intent says.

    The scam-type classifier, trained on the eleven types (held-out macro F1 in
    docs/model-card.md), decides when it is sure; the NLU's two report intents, which know
    only fake authority and fake shop, decide only when it is not. "other" counts only for a
    story (``is_story``): the classifier is sure of "other" for "hi i want to report a scam"
    too, which says no kind at all.
    """
    guess = guess_scam_type(text)
    if not guess.unsure and (guess.code != "other" or is_story):
        return guess.code
    if intent in INTENT_SCAM_TYPES:
        return INTENT_SCAM_TYPES[intent]
    return None
