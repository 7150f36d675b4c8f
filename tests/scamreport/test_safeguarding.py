"""Minors and words of despair, read the way people write them."""

from __future__ import annotations

import pytest

from scamreport.safeguarding import mentions_minor, mentions_self_harm, stated_age


@pytest.mark.parametrize(
    "text",
    [
        "im 17 and scared",
        "i am 16 years old",
        "I'm only 15 pls help",
        "my son is 14 and someone has his pictures",
        "im a teenager",
        "i am in sec 3",
        "the guy knows im underage",
        "16 y/o here",
    ],
)
def test_a_minor_is_recognised(text: str) -> None:
    assert mentions_minor(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm 45 and retired",
        "i paid 17 dollars",
        "she is 70 and lives alone",
        "im 17k in debt",
        "it was 15 minutes ago",
        "i was 17 when i opened the account",
        "my son is 24",
    ],
)
def test_adults_and_numbers_are_not_minors(text: str) -> None:
    assert not mentions_minor(text)


def test_the_stated_age_is_read() -> None:
    assert stated_age("im 17 and scared") == 17
    assert stated_age("my mum is 82") is None  # another adult, not the reporter's own age
    assert stated_age("no age here") is None


@pytest.mark.parametrize(
    "text",
    [
        "i want to die",
        "i cant go on like this",
        "i just want to end it all",
        "i lost everything there is no point in living",
        "thinking of killing myself",
        "i dont want to wake up tomorrow",
    ],
)
def test_words_of_despair_are_recognised(text: str) -> None:
    assert mentions_self_harm(text)


@pytest.mark.parametrize(
    "text",
    [
        "he said he would kill himself if i didnt send money",
        "im not suicidal just angry",
        "this is killing me",
        "the scammer said she was suicidal",
    ],
)
def test_other_peoples_words_and_figures_of_speech_are_not(text: str) -> None:
    assert not mentions_self_harm(text)
