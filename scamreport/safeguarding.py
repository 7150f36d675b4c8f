"""Who needs more than a report: a reporter under 18, or one who speaks of despair or self-harm.

Both are read from what the reporter writes, in plain words and the usual phone spellings. They
decide what the assistant says first (a child-safety line, a crisis line) and flag the report
for the analyst; they never block a report.
"""

from __future__ import annotations

import re

ADULT_AGE = 18

# "im 17", "i'm only 15", "i am 16 years old", "17 y/o", "my son is 14", "she's 13"
_AGE = re.compile(
    r"\b(?:i\s*'?\s*m|i’m|im|i\s+am|iam|am|aged?|(?:my\s+)?(?:son|daughter|kid|child|brother|"
    r"sister|nephew|niece|grandson|granddaughter|boy|girl)\s+(?:is|who\s+is)|(?:he|she)\s*(?:'s|’s|"
    r"\s+is))\s+(?:only\s+|just\s+|turning\s+)?(?P<age>\d{1,2})\b(?!\s*(?:k\b|%|dollars|usd|sgd|"
    r"am\b|pm\b|:|\.\d|hours|hrs|minutes|mins|days|weeks|months|times|calls))",
    re.IGNORECASE,
)
_AGE_SUFFIX = re.compile(
    r"\b(?P<age>\d{1,2})\s*(?:y/?o|yrs?\s+old|years?\s+old|year-old|yo)\b", re.IGNORECASE
)
_MINOR_WORDS = re.compile(
    r"\b(?:i\s*'?\s*m|im|i\s+am)\s+(?:a\s+)?(?:minor|teen(?:ager)?|(?:high|secondary|middle)\s+"
    r"school\s+(?:student|kid)|still\s+in\s+school|underage|under\s*18|under\s+age)\b|"
    r"\b(?:i\s*'?\s*m|im|i\s+am)\s+in\s+(?:sec(?:ondary)?|form|grade|year)\s*\d\b",
    re.IGNORECASE,
)
# A child of the reporter, or one they speak for, named as a minor outright.
_CHILD_VICTIM = re.compile(
    r"\bmy\s+(?:\d{1,2}[\s-]?(?:year[\s-]?old|yo)\s+)?(?:son|daughter|kid|child)\b.{0,60}\b"
    r"(?:video|photos?|pictures?|nudes?|threaten\w*|blackmail\w*|sextort\w*)",
    re.IGNORECASE,
)

_SELF_HARM = re.compile(
    r"\b(?:kill(?:ing)?\s+my\s*self|end(?:ing)?\s+(?:it\s+all|my\s+life|things|it)|suicid\w*|"
    r"(?:want|wanna|going)\s+to\s+die|wish\s+i\s+(?:was|were)\s+dead|better\s+off\s+dead|"
    r"no\s+(?:reason|point)\s+(?:to|in)\s+(?:live|living|go(?:ing)?\s+on)|"
    r"(?:can'?t|cannot|can\s+not)\s+(?:go\s+on|live\s+(?:like\s+this|with\s+this)|take\s+it\s+"
    r"any\s*more)|hurt(?:ing)?\s+my\s*self|harm(?:ing)?\s+my\s*self|self[\s-]?harm|"
    r"take\s+my\s+(?:own\s+)?life|jump\s+off|don'?t\s+want\s+to\s+(?:live|be\s+alive|wake\s+up))",
    re.IGNORECASE,
)
# "the scammer said he would kill himself", "I'm not suicidal": not the reporter in danger.
_SELF_HARM_NOT_ME = re.compile(
    r"\b(?:he|she|they|scammer|caller)\b[^.!?]{0,30}(?:kill\s+(?:him|her|them)sel(?:f|ves)|"
    r"suicid\w*)|\bnot\s+suicidal\b",
    re.IGNORECASE,
)


def stated_age(text: str) -> int | None:
    """The age a message gives for the reporter or the child it is about, if any."""
    for pattern in (_AGE, _AGE_SUFFIX):
        match = pattern.search(text)
        if match:
            age = int(match.group("age"))
            if 5 <= age <= 99:
                return age
    return None


def mentions_minor(text: str) -> bool:
    """True when the message says the reporter (or the child they report for) is under 18."""
    age = stated_age(text)
    if age is not None:
        return age < ADULT_AGE
    return bool(_MINOR_WORDS.search(text) or _CHILD_VICTIM.search(text))


def mentions_self_harm(text: str) -> bool:
    """True on words of despair or self-harm from the reporter."""
    match = _SELF_HARM.search(text)
    if match is None:
        return False
    return not _SELF_HARM_NOT_ME.search(text) or bool(
        _SELF_HARM.search(_SELF_HARM_NOT_ME.sub(" ", text))
    )
