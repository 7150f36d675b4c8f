"""Is the scam happening now? Present-tense cues that call for stop-now advice first."""

from __future__ import annotations

import re

_SUBJECT = (
    r"\b(?:he|she|they|the\s+(?:caller|man|woman|lady|guy|officer|scammer|person|courier|agent)|"
    r"someone|somebody|a\s+(?:man|woman|courier|person|guy|lady)|the\s+\w+|caller|scammer)"
)
_BE = r"(?:\s+(?:is|are)|'s|’s|'re|’re|s|re)?"  # "he's", "theyre", "they are"
_I_AM = r"(?:i\s*'?\s*m|i’m|im|i\s+am|we\s*'?\s*re|we’re|we\s+are)"
_MONEY_VERB = r"(?:transfer|send|pay|withdraw|wire|deposit|remit|hand\s+over|give)"
_NOW = r"(?:now|right\s+now|immediately|today|tonight|at\s+once|asap|this\s+minute)"

_CUES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # the caller is still on the line
        r"\b(?:still|currently)\s+on\s+the\s+(?:line|phone|call)\b",
        r"\bon\s+the\s+(?:line|phone|call)\s+(?:with\s+(?:him|her|them|the\s+\w+)\s+)?"
        r"(?:now|right\s+now|still|as\s+we\s+speak)\b",
        _SUBJECT + _BE + r"\s+(?:still\s+)?on\s+the\s+(?:line|phone|call)\b(?!\s+(?:yesterday|"
        r"last|for\s+\d))",
        r"\b(?:is|are|keeps?|keep\s+on)\s+(?:still\s+)?(?:calling|phoning|ringing|texting|messaging)"
        r"\s+me\s+(?:again\s+)?" + _NOW + r"\b",
        _SUBJECT + _BE + r"\s+(?:still\s+)?(?:calling|talking\s+to|speaking\s+to)\s+me\s+"
        r"(?:right\s+)?now\b",
        r"\b(?:hold(?:ing)?|put\s+me\s+on\s+hold)\b.{0,30}\b(?:line|phone|call)\b.{0,20}\bnow\b",
        r"\bthey\s+told\s+me\s+not\s+to\s+hang\s+up\b",
        r"\bwhile\s+(?:i\s*'?m|i\s+am|im)\s+on\s+the\s+(?:phone|line|call)\b",
        # someone is coming to collect cash or the card
        r"\b(?:is|are|'s|'re|will\s+be|be)\s+(?:coming|on\s+(?:his|her|their|the)\s+way|arriving|"
        r"sending\s+(?:a|someone|somebody|the)\s*\w*)\b.{0,40}\b(?:collect|pick\s*up|take|get)\b",
        r"\b(?:coming|come|will\s+come|going\s+to\s+come|sending\s+\w+)\s+(?:over\s+|here\s+|"
        r"to\s+my\s+(?:house|home|place|flat|door)\s+)?(?:to|and)\s+(?:collect|pick\s*up|take)\b",
        r"\b(?:courier|runner|officer|agent|someone|somebody)\b.{0,40}\b(?:coming|will\s+"
        r"come|on\s+the\s+way|arriving)\b",
        r"\b(?:waiting|standing)\s+(?:for\s+me\s+)?(?:outside|downstairs|at\s+(?:my|the)\s+"
        r"(?:door|gate|lobby|void\s+deck|house|home))\b",
        r"\b(?:outside|at)\s+my\s+(?:door|house|home|flat|gate)\s+(?:now|right\s+now)\b",
        r"\b(?:they|he|she)\s*(?:'re|’re|\s+are|'s|’s|\s+is)\s+waiting\b",
        # at the bank now / about to pay
        _I_AM + r"\s+(?:now\s+|currently\s+|still\s+)?(?:at|in|inside|outside|going\s+to|on\s+"
        r"(?:my|the)\s+way\s+to)\s+(?:the|my|a)\s+(?:bank|atm|branch|money\s+changer|"
        r"remittance|post\s+office)\b",
        r"\b(?:about|going|supposed|trying|preparing|getting\s+ready)\s+to\s+"
        + _MONEY_VERB
        + r"\b",
        _I_AM + r"\s+(?:now\s+)?(?:transferring|sending|paying|withdrawing|wiring|depositing)\b",
        r"\b(?:should|must|shall)\s+i\s+" + _MONEY_VERB + r"\b",
        r"\b(?:asked|told|want|wants|ordered|instructed|asking|telling)\s+me\s+to\s+"
        + _MONEY_VERB
        + r"\b.{0,40}\b"
        + _NOW
        + r"\b",
        r"\b(?:asked|told|want|wants|ordered|instructed|asking|telling)\s+me\s+to\s+go\s+to\s+"
        r"the\s+(?:bank|atm)\s+" + _NOW + r"\b",
        r"\b(?:happening|going\s+on)\s+(?:right\s+)?now\b",
        r"\bas\s+we\s+speak\b",
    )
)

# "not at the bank", "he was still on the line when ..." (a past story)
_NEGATED_BEFORE = re.compile(
    r"(?:\bnot|n't|\bnever|\bno\s+longer|\bwas|\bwere|\bhad\s+been)\s*$", re.IGNORECASE
)


def is_urgent(text: str) -> bool:
    """True when the message says the scam is going on now (caller on the line, courier coming,
    at the bank about to pay); past-tense stories are not urgent."""
    if not text:
        return False
    for cue in _CUES:
        for match in cue.finditer(text):
            before = text[max(0, match.start() - 12) : match.start()]
            if not _NEGATED_BEFORE.search(before):
                return True
    return False
