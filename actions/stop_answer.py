"""The reporter's typed answer to "Do you want to stop this report?", in their own words.

The NLU hears "no, continue", "tak, teruskan" and "不，继续" as `cancel` (the words of
"I don't want to continue"), and asking again would ask for ever. A yes or no question is read
here, in the three languages, before anything is dropped; an answer that says neither keeps the
report, since stopping deletes what the reporter told.
"""

from __future__ import annotations

import re
from typing import Literal

from actions.answers import read_yes_no

StopAnswer = Literal["stop", "go_on"]

# "don't continue", "tak nak teruskan", "不想继续": stopping, though a word of going on is there.
_NOT_GOING_ON = re.compile(
    r"\b(?:don'?t|do\s+not|no\s+need\s+to|not)\s+(?:want\s+to\s+)?(?:continue|go\s+on|carry\s+on)\b"
    r"|\b(?:tak|tidak|x)\s+(?:nak|mahu|mau|payah|perlu)\s+(?:teruskan|sambung|lanjut)\w*"
    r"|(?:不想|不要|不用|不必|别|不)(?:再)?(?:继续|繼續|接着|接著)",
    re.IGNORECASE,
)
# "continue", "don't stop", "teruskan", "jangan batal", "继续", "不要取消".
_GOING_ON = re.compile(
    r"\b(?:continue|carry\s+on|go\s+on|keep\s+going|keep\s+it|resume|proceed|teruskan|terus|"
    r"sambung\w*|lanjut\w*)\b"
    r"|\b(?:don'?t|do\s+not|jangan|usah)\s+(?:stop|cancel|delete|berhenti|batal\w*|hentikan|padam)\b"
    r"|继续|繼續|接着|接著|(?:不要|别|別|不用)(?:停|取消|删|刪)",
    re.IGNORECASE,
)
# "tak nak", "不要了": a "no" that means "I don't want this any more".
_NO_MORE = re.compile(
    r"\b(?:don'?t\s+want|tak\s+nak|tidak\s+mahu|tak\s+mahu|x\s+nak)\b|不要了|不报了|不想报|算了",
    re.IGNORECASE,
)
_STOPPING = re.compile(
    r"\b(?:stop|cancel|delete|quit|enough|berhenti|hentikan|batal\w*|padam\w*|sudahlah)\b"
    r"|停止|取消|删掉|刪掉",
    re.IGNORECASE,
)


def read_stop_answer(text: str) -> StopAnswer | None:
    """ "stop", "go_on", or None when the answer says neither."""
    if _NOT_GOING_ON.search(text):
        return "stop"
    if _GOING_ON.search(text):
        return "go_on"
    if _NO_MORE.search(text) or _STOPPING.search(text):
        return "stop"
    yes = read_yes_no(text, None)
    return None if yes is None else "stop" if yes else "go_on"
