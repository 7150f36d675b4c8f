"""What the NLU intents mean for the report: the scam type an opening message implies, and the
interview it starts."""

from __future__ import annotations

from scamreport.classification import guess_scam_type
from scamreport.interviews import INTERVIEW_QUESTIONS
from scamreport.taxonomy import SCAM_TYPES

# The interview each report intent starts when the words name no kind: the two kinds with forms
# of their own, and the general form (which then asks which kind it was).
INTENT_INTERVIEWS: dict[str, str] = {
    "report_fake_authority": "fake_authority",
    "report_fake_shop": "fake_shop",
    "report_other_scam": "general",
}
INTENT_SCAM_TYPES: dict[str, str] = {
    intent: interview for intent, interview in INTENT_INTERVIEWS.items() if interview in SCAM_TYPES
}
# An intent's kind is not taken for a story the classifier gives it less than this chance
# (a Norton "refund" story the NLU heard as fake authority: tech support 0.43, fake authority
# 0.009); the general interview then asks which kind it was, the classifier's likeliest first.
CONTRADICTED_BELOW = 0.05
REPORT_INTENTS = frozenset(
    {"report_scam", "report_fake_authority", "report_fake_shop", "report_other_scam", "urgent"}
)


def implied_scam_type(intent: str | None, text: str, *, is_story: bool = False) -> str | None:
    """A brief scam-type code, or None when neither the classifier nor the intent says.

    The scam-type classifier, trained on the eleven types (held-out macro F1 in
    docs/model-card.md), decides when it is sure; the NLU's two report intents, which know
    only fake authority and fake shop, decide only when it is not, and not for a story the
    classifier gives their kind almost no chance (CONTRADICTED_BELOW). "other" counts only for a
    story (``is_story``): the classifier is sure of "other" for "hi i want to report a scam"
    too, which says no kind at all.
    """
    guess = guess_scam_type(text)
    if not guess.unsure and (guess.code != "other" or is_story):
        return guess.code
    if intent in INTENT_SCAM_TYPES:
        kind = INTENT_SCAM_TYPES[intent]
        if is_story and dict(guess.ranked).get(kind, 0.0) < CONTRADICTED_BELOW:
            return None  # the story says otherwise, though not surely: the reporter chooses
        return kind
    return None


def interview_of_type(scam_type: str) -> str:
    """The interview that asks about ``scam_type``: its own form, or the general one."""
    return scam_type if scam_type in INTERVIEW_QUESTIONS else "general"


def interview_for(
    intent: str | None, text: str, chosen: str | None = None, *, is_story: bool = False
) -> tuple[str, str | None]:
    """(interview, scam_type) for an opening message, or for the kind the reporter chose with
    a button (``chosen``, a code of scamreport.taxonomy); ("unknown", None) when nothing says
    a report is starting. ``is_story``: the message tells what happened (see
    ``implied_scam_type``)."""
    if chosen in SCAM_TYPES:
        return interview_of_type(chosen), chosen
    scam_type = implied_scam_type(intent, text, is_story=is_story)
    if scam_type:
        return interview_of_type(scam_type), scam_type
    if intent in INTENT_SCAM_TYPES:  # its kind was contradicted by the story
        return "general", None
    if intent in INTENT_INTERVIEWS:
        return INTENT_INTERVIEWS[intent], None
    return "unknown", None
