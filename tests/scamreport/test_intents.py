"""What an opening message's intent means: the scam type it implies, the interview it starts."""

from __future__ import annotations

import pytest

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
