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
        # a threat with a price still to pay (sextortion, fake arrest): paying can still be stopped
        r"\bunless\s+(?:i|we|you|my\s+\w+)\s+(?:pay|send|transfer|give|buy)\b",
        r"\b(?:or\s+(?:else|they|he|she)|otherwise)\b.{0,40}\b(?:post|send|share|leak|"
        r"publish|upload|show|arrest|jail|expose)\b",
        r"\b(?:threaten\w*|says?\s+(?:he|she|they)\s*(?:will|'ll|’ll|are\s+going\s+to)|"
        r"going\s+to)\s+(?:to\s+)?(?:send|post|share|leak|publish|upload|show)\b.{0,60}\b"
        r"(?:video|photos?|pictures?|pics?|images?|recording|clip|nudes?|friends|family|"
        r"contacts|followers|parents|school|work)\b",
        # remote access that is still open
        r"\b(?:anydesk|teamviewer|quick\s*support|quick\s*assist|rustdesk|ultraviewer|"
        r"screen\s*shar\w*|remote\s+(?:access|control|desktop|app))\b.{0,30}\b(?:still|now|"
        r"open|running|active|connected)\b",
        r"\b(?:still|currently|now)\s+(?:connected|controlling|in\s+control|moving\s+the\s+"
        r"mouse|logged\s+in)\b.{0,40}\b(?:computer|laptop|pc|phone|screen|account|mac)\b",
        r"\b(?:connected|logged\s+in|on|in)\s+(?:to\s+)?my\s+(?:computer|laptop|pc|phone|screen|"
        r"mac)\s+(?:right\s+)?now\b",
        # someone else at the bank now ("my dad is at the bank now")
        r"\bat\s+the\s+(?:bank|atm|branch|money\s+changer)\s+(?:right\s+)?now\b",
        r"\b(?:has|have|got)\s+(?:still\s+)?(?:control|access)\s+(?:of|to)\s+my\s+(?:computer|"
        r"laptop|pc|phone|screen|mac)\b(?!.{0,20}\b(?:yesterday|last|ago)\b)",
    )
)

# A payment deadline: "by tonight", "before 5pm", "within 24 hours", "until midnight".
_DEADLINE = re.compile(
    r"\b(?:by|before|until|till|within|in\s+the\s+next|in)\s+(?:tonight|today|tomorrow|"
    r"midnight|noon|(?:\d{1,2}(?::\d\d)?\s*(?:am|pm))|(?:\d+|one|two|three|24|48)\s*"
    r"(?:hours?|hrs?|h\b|minutes?|mins?))\b",
    re.IGNORECASE,
)
_PAY_OR_THREAT = re.compile(
    r"\b(?:pay|send|transfer|post|leak|share|publish|arrest\w*|deadline|or\s+else)\b",
    re.IGNORECASE,
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
    if _DEADLINE.search(text) and _PAY_OR_THREAT.search(text):
        return True
    for cue in _CUES:
        for match in cue.finditer(text):
            before = text[max(0, match.start() - 12) : match.start()]
            if not _NEGATED_BEFORE.search(before):
                return True
    return False
