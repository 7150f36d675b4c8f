"""Which questions each kind of scam's interview asks."""

from __future__ import annotations

import pytest

from scamreport.interviews import TYPE_QUESTIONS, questions_for


def test_no_type_no_questions_and_an_unknown_type_asks_what_other_asks() -> None:
    assert questions_for(None) == ()
    assert questions_for("unknown") == TYPE_QUESTIONS["other"]


@pytest.mark.parametrize(
    "story",
    [
        "Dia suruh isi borang kat satu link dan bayar delivery fee dulu",
        "他叫我点链接填资料，然后交手续费",
        "they sent a link to claim the prize and asked for a fee",
        # a website found, or a search that gave their number
        "my printer not working so i google and call a helpdesk number",
        "在一个网站上找到房间，先付了订金",
    ],
)
def test_a_link_the_story_speaks_of_but_does_not_give_is_asked_for(story: str) -> None:
    questions = questions_for("other", story)
    assert questions.index("link") == questions.index("scammer_contact") + 1
    assert [q for q in questions if q != "link"] == list(TYPE_QUESTIONS["other"])


@pytest.mark.parametrize(
    "story",
    [
        "I won a prize and paid a fee",  # no link spoken of
        "they sent a link https://claim-prize.example.com to claim it",  # given
        "dia hantar link hxxps://claim-hadiah-sg[.]com/borang",  # given, defanged
    ],
)
def test_no_link_question_without_a_link_to_ask_for(story: str) -> None:
    assert questions_for("other", story) == TYPE_QUESTIONS["other"]


def test_a_type_that_asks_for_the_link_asks_once() -> None:
    assert questions_for("phishing", "clicked the link").count("link") == 1
    assert questions_for("advance_fee", "they sent a link").count("link") == 1


def test_an_advance_fee_interview_asks_for_the_claim_or_tracking_link() -> None:
    questions = questions_for("advance_fee", "a parcel with a prize is stuck at customs")
    assert questions.index("link") == questions.index("scammer_contact") + 1


def test_a_mule_is_asked_where_the_money_went_on_to() -> None:
    questions = questions_for("money_mule")
    assert questions.index("payee_account") == questions.index("accounts_used") + 1
