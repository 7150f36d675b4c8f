"""Report references: format, randomness, and reading them back as people type them."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from scamreport.reference import (
    REFERENCE_ALPHABET,
    new_reference,
    normalise_reference,
)


def test_alphabet_has_no_look_alikes() -> None:
    assert not set("0O1IL U") & set(REFERENCE_ALPHABET)
    assert len(set(REFERENCE_ALPHABET)) == len(REFERENCE_ALPHABET) == 30
    assert REFERENCE_ALPHABET.upper() == REFERENCE_ALPHABET


def test_new_reference_has_the_documented_shape() -> None:
    for _ in range(200):
        reference = new_reference()
        assert len(reference) == 12
        prefix, first, second = reference.split("-")
        assert prefix == "SR" and len(first) == len(second) == 4
        assert set(first + second) <= set(REFERENCE_ALPHABET)
        assert normalise_reference(reference) == reference  # already in canonical form


def test_new_references_do_not_repeat() -> None:
    references = [new_reference() for _ in range(20_000)]
    assert len(set(references)) == len(references)


def test_every_symbol_is_used_about_equally() -> None:
    counts = Counter(
        symbol
        for _ in range(6_000)
        for symbol in new_reference().replace("SR-", "").replace("-", "")
    )
    assert set(counts) == set(REFERENCE_ALPHABET)
    expected = 6_000 * 8 / len(REFERENCE_ALPHABET)  # 1600 per symbol
    # Chi-square, 29 degrees of freedom: P(X > 90) is about 4e-8 for a uniform source, while
    # a modulo-biased one (two symbols twice as likely) scores in the thousands.
    chi_square = sum((count - expected) ** 2 / expected for count in counts.values())
    assert chi_square < 90, counts


def test_an_injected_random_source_makes_references_reproducible() -> None:
    assert new_reference(random.Random(7)) == new_reference(random.Random(7))
    assert new_reference(random.Random(7)) != new_reference(random.Random(8))


@pytest.mark.parametrize(
    "typed",
    [
        "SR-7K3M-9QXD",
        "sr-7k3m-9qxd",
        "SR7K3M9QXD",
        "sr 7k3m 9qxd",
        "  SR - 7K3M - 9QXD \n",
        "7K3M-9QXD",
        "7k3m9qxd",
        "SR\u20137K3M\u20149QXD",
        "SR_7K3M.9QXD",
    ],
)
def test_normalise_reference_accepts_how_people_type_it(typed: str) -> None:
    assert normalise_reference(typed) == "SR-7K3M-9QXD"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "SR-",
        "SR-7K3M-9QX",  # too short
        "SR-7K3M-9QXDD",  # too long
        "SR-7K3M-9QX0",  # 0 is not in the alphabet
        "SR-7K3M-9QXO",  # nor O
        "SR-1K3M-9QXD",
        "SR-LK3M-9QXD",
        "SR-UK3M-9QXD",
        "XX-7K3M-9QXD",
        "SR-7K3M-9QX#",
        "my report is SR-7K3M-9QXD",
    ],
)
def test_normalise_reference_rejects_what_is_not_a_reference(typed: str) -> None:
    assert normalise_reference(typed) is None


def test_normalise_round_trips_new_references() -> None:
    for _ in range(100):
        reference = new_reference()
        assert normalise_reference(reference.lower().replace("-", " ")) == reference
