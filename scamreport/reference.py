"""Report reference numbers given to reporters: ``SR-7K3M-9QXD``.

The alphabet leaves out characters people mistake for one another when reading a reference
aloud or copying it from a phone screen: 0/O, 1/I/L, and U (read as V). With 30 symbols and
8 positions there are 30**8 (about 6.6e11) references, so a random one rarely collides; the
storage layer still checks for collisions before using one.
"""

from __future__ import annotations

import random
import re
import secrets

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PREFIX = "SR"
_GROUP = 4
_LENGTH = 2 * _GROUP

# Separators a reporter may type or a phone keyboard may substitute (unicode dashes included).
_SEPARATORS = re.compile(r"[\s\-_.\u2010-\u2015\u2212]+")


def new_reference(rng: random.Random | None = None) -> str:
    """Returns a fresh reference, each symbol drawn uniformly from ``REFERENCE_ALPHABET``.

    ``rng`` defaults to ``secrets.SystemRandom()`` (the OS's CSPRNG): references must not be
    guessable, because a reference is what a reporter quotes to ask about a report.
    """
    chooser = rng if rng is not None else secrets.SystemRandom()
    symbols = "".join(chooser.choice(REFERENCE_ALPHABET) for _ in range(_LENGTH))
    return f"{REFERENCE_PREFIX}-{symbols[:_GROUP]}-{symbols[_GROUP:]}"


def normalise_reference(text: str) -> str | None:
    """Returns the canonical ``SR-XXXX-XXXX`` form of a reference as a person typed it, or None.

    Accepts lower case, spaces or other dashes in place of ``-``, missing dashes and a missing
    ``SR`` prefix. Look-alike characters are not guessed (``0`` could be ``O`` or ``D``): a
    reference containing a character outside the alphabet is rejected.
    """
    compact = _SEPARATORS.sub("", text.strip()).upper()
    if len(compact) == _LENGTH + len(REFERENCE_PREFIX) and compact.startswith(REFERENCE_PREFIX):
        compact = compact[len(REFERENCE_PREFIX) :]
    if len(compact) != _LENGTH or any(ch not in REFERENCE_ALPHABET for ch in compact):
        return None
    return f"{REFERENCE_PREFIX}-{compact[:_GROUP]}-{compact[_GROUP:]}"
