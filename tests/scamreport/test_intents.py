"""What an opening message's intent means: the scam type it implies, the interview it starts."""

from __future__ import annotations

import pytest

from scamreport.classification.guess import ScamTypeGuess, classifier_override
from scamreport.intents import INTENT_SCAM_TYPES, interview_for, interview_of_type
from scamreport.interviews import INTERVIEW_QUESTIONS
from scamreport.taxonomy import SCAM_TYPES


def test_the_intents_name_interviews_that_exist() -> None:
    assert INTENT_SCAM_TYPES == {
        "report_fake_authority": "fake_authority",
        "report_fake_shop": "fake_shop",
    }
    assert all(interview in INTERVIEW_QUESTIONS for interview in INTENT_SCAM_TYPES.values())


@pytest.mark.parametrize(
    ("scam_type", "interview"),
    [("fake_authority", "fake_authority"), ("fake_shop", "fake_shop"),
     ("romance", "general"), ("other", "general")],
)  # fmt: skip
def test_each_type_has_its_interview(scam_type: str, interview: str) -> None:
    assert interview_of_type(scam_type) == interview


def test_a_chosen_kind_decides() -> None:
    assert interview_for(None, "", "fake_shop") == ("fake_shop", "fake_shop")
    assert interview_for("report_fake_shop", "", "romance") == ("general", "romance")
    assert all(interview_for(None, "", code)[1] == code for code in SCAM_TYPES)


def test_an_intent_alone_starts_its_interview() -> None:
    assert interview_for("report_fake_shop", "hi") == ("fake_shop", "fake_shop")
    assert interview_for("report_other_scam", "hi") == ("general", None)
    assert interview_for("greet", "hi") == ("unknown", None)


def _unsure(**chances: float) -> ScamTypeGuess:
    ranked = tuple(sorted(chances.items(), key=lambda item: -item[1]))
    return ScamTypeGuess(code=ranked[0][0], confidence=ranked[0][1], ranked=ranked)


def test_a_story_that_contradicts_the_intent_asks_which_kind() -> None:
    # A Norton "refund" story the NLU heard as fake authority (measured: tech support 0.43,
    # fake authority 0.009): the general interview asks which kind it was.
    guess = _unsure(tech_support=0.43, advance_fee=0.36, fake_authority=0.009)
    with classifier_override(lambda _story: guess):
        assert interview_for("report_fake_authority", "a story", is_story=True) == (
            "general",
            None,
        )
        assert interview_for("report_fake_authority", "hi") == ("fake_authority", "fake_authority")


def test_a_story_the_classifier_cannot_place_keeps_the_intents_kind() -> None:
    guess = _unsure(other=0.4, fake_authority=0.3, phishing=0.3)
    with classifier_override(lambda _story: guess):
        assert interview_for("report_fake_authority", "a story", is_story=True) == (
            "fake_authority",
            "fake_authority",
        )
