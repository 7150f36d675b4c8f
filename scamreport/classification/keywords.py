"""The old keyword and phrase table, kept only as a stand-in for the trained classifier in unit
tests that say so (`scamreport.classification.classifier_override(keyword_guess)`).

It names the right type for about three openings in four; the trained classifier
(`scamreport.classification.guess_scam_type`) replaces it everywhere else.
"""

from __future__ import annotations

import re

from scamreport.classification.guess import ScamTypeGuess

# (code, weight, pattern). The type with the highest total weight wins; ties go to the type
# listed first, which is the more specific one.
_RULES: tuple[tuple[str, int, str], ...] = (
    (
        "sextortion",
        3,
        r"\b(?:nude|naked|intimate|explicit|sex(?:ual)?|sext\w*|private)\s+"
        r"(?:photos?|pictures?|pics?|images?|videos?|recordings?|chat)\b",
    ),
    ("sextortion", 3, r"\b(?:sextortion|blackmail\w*)\b"),
    (
        "sextortion",
        2,
        r"\b(?:video\s+call|webcam|camera)\b.{0,60}\b(?:naked|nude|undress\w*|sex)\b",
    ),
    (
        "sextortion",
        2,
        r"\b(?:send|share|post|publish|leak|spread)\w*\s+(?:it|them|the\s+\w+)?\s*"
        r"(?:to|with|on)\s+(?:my|all\s+my)\s+(?:friends|family|contacts|wife|"
        r"husband|colleagues)\b",
    ),
    (
        "money_mule",
        3,
        r"\b(?:rent|lend|borrow|use|sell)\w*\s+(?:out\s+)?(?:my|your|his|her)\s+"
        r"(?:bank\s+)?accounts?\b",
    ),
    (
        "money_mule",
        3,
        r"\b(?:receive|collect|move|forward)\s+(?:money|payments?|funds|cash)\s+"
        r"(?:for|on\s+behalf\s+of)\b",
    ),
    ("money_mule", 3, r"\bmoney\s+mule\b"),
    (
        "money_mule",
        2,
        r"\b(?:job|work|agent)\b.{0,40}\b(?:transfer|receive|process)\w*\s+"
        r"(?:money|payments?|funds)\b",
    ),
    (
        "money_mule",
        2,
        r"\b(?:confiscate|collect)\w*\s+(?:her|his|their|the)\s+(?:cash|money|"
        r"funds|savings)\b",
    ),
    (
        "business_email_compromise",
        3,
        r"\b(?:supplier|vendor)\w*\b.{0,60}\b(?:bank\s+details|"
        r"account\s+details|new\s+account|changed?|updated?)\b",
    ),
    (
        "business_email_compromise",
        3,
        r"\b(?:ceo|director|boss|cfo)\b.{0,60}\b(?:urgent\w*\s+)?"
        r"(?:transfer|payment|wire|gift\s+cards?)\b",
    ),
    (
        "business_email_compromise",
        2,
        r"\b(?:invoice|purchase\s+order)\b.{0,60}\b(?:bank|"
        r"account)\b",
    ),
    (
        "tech_support",
        3,
        r"\b(?:anydesk|teamviewer|remote\s+access|remote\s+control|"
        r"remotely|ultraviewer|quick\s?support)\b",
    ),
    ("tech_support", 3, r"\b(?:microsoft|windows|apple|tech(?:nical)?|computer|it)\s+support\b"),
    ("tech_support", 2, r"\b(?:virus|hacked|malware|infected)\b.{0,40}\b(?:computer|laptop|pc)\b"),
    ("tech_support", 2, r"\b(?:computer|laptop|pc)\b.{0,40}\b(?:virus|hacked|malware|infected)\b"),
    (
        "investment",
        3,
        r"\b(?:invest\w*|trading\s+platform|forex|crypto\s+trading|"
        r"trading\s+app|mining\s+pool)\b",
    ),
    ("investment", 3, r"\b(?:guaranteed?|high|daily|fixed)\s+(?:returns?|profits?|income)\b"),
    (
        "investment",
        2,
        r"\b(?:profits?|returns?|earnings)\b.{0,40}\b(?:withdraw\w*|cannot|"
        r"can'?t|unable)\b",
    ),
    ("investment", 1, r"\b(?:crypto\w*|bitcoin|usdt|btc|eth|tether|stocks?|shares)\b"),
    (
        "romance",
        3,
        r"\b(?:girlfriend|boyfriend|fianc[eé]e?|lover|dating\s+(?:app|site)|"
        r"tinder|bumble|hinge|okcupid)\b",
    ),
    (
        "romance",
        2,
        r"\b(?:fell\s+in\s+love|in\s+love|love\s+you|marry|married?\s+me|"
        r"relationship|romance|romantic)\b",
    ),
    ("romance", 1, r"\b(?:met|know|knew)\s+(?:him|her|them)\s+online\b"),
    ("advance_fee", 3, r"\b(?:lottery|lucky\s+draw|jackpot|inheritance|sweepstake\w*)\b"),
    (
        "advance_fee",
        3,
        r"\b(?:won|win|winner|awarded)\b.{0,40}\b(?:prize|lottery|car|cash|"
        r"iphone|grant)\b",
    ),
    (
        "advance_fee",
        2,
        r"\b(?:processing|release|clearance|handling|admin\w*|transfer|"
        r"activation|unlock\w*)\s+(?:fee|charge|tax)\b",
    ),
    ("advance_fee", 2, r"\b(?:grant|loan\s+approval|compensation)\b.{0,40}\bfee\b"),
    (
        "fake_authority",
        3,
        r"\b(?:interpol|police|policeman|police\s+officer|fbi|cbi|irs|hmrc|"
        r"europol|customs|immigration|embassy|consulate|court|judge|"
        r"prosecutor|magistrate|ministry|government\s+official|"
        r"tax\s+(?:office|department|authority)|ato|spf|pdrm)\b",
    ),
    (
        "fake_authority",
        2,
        r"\b(?:arrest\s+warrant|warrant|money\s+laundering|drug\s+"
        r"trafficking|under\s+investigation|arrested|case\s+against|"
        r"your\s+parcel\s+(?:contains|had)|illegal\s+items?|safe\s+account|"
        r"security\s+account)\b",
    ),
    ("fake_authority", 3, r"\bbank(?:'s)?\s+(?:security|fraud)\s+(?:team|department|officer)\b"),
    ("fake_authority", 3, r"公安|警察|法院|海关|大使馆|检察院"),
    (
        "fake_shop",
        3,
        r"\b(?:never|not|didn'?t|did\s+not|haven'?t|have\s+not|no)\s+"
        r"(?:arrived|delivered|received|receive|come|came|ship\w*|sent|get|got)\b",
    ),
    (
        "fake_shop",
        2,
        r"\b(?:online\s+(?:shop|store|seller)|seller|carousell|shopee|lazada|"
        r"facebook\s+marketplace|marketplace|ebay|instagram\s+shop)\b",
    ),
    (
        "fake_shop",
        2,
        r"\b(?:bought|buy|ordered|order|purchased|purchase|pre-?order)\w*\b.{0,60}"
        r"\b(?:masks?|sanitis\w+|saniti[sz]er|test\s+kits?|phone|iphone|laptop|"
        r"tickets?|puppy|puppies|kitten|dog|cat|ps5|console|furniture|bags?|"
        r"shoes|clothes|items?|goods|products?)\b",
    ),
    ("fake_shop", 1, r"\b(?:fake|counterfeit|wrong)\s+(?:items?|goods|products?|masks?)\b"),
    ("phishing", 3, r"\b(?:otp|one[\s-]?time\s+(?:password|code|pin)|verification\s+code|tac)\b"),
    ("phishing", 3, r"\b(?:phishing|smishing|vishing)\b"),
    ("phishing", 2, r"\b(?:clicked|click|tap\w*|open\w*)\s+(?:on\s+)?(?:the\s+|a\s+)?link\b"),
    (
        "phishing",
        2,
        r"\b(?:password|login|log\s+in|credentials|card\s+(?:details|number)|"
        r"banking\s+details|bank\s+details|pin)\b",
    ),
    (
        "phishing",
        2,
        r"\b(?:verify|update|confirm|unlock)\s+(?:your|my)\s+(?:account|details|"
        r"card|information|identity)\b",
    ),
    ("phishing", 1, r"\b(?:fake\s+(?:website|page|site|sms|email)|suspicious\s+link)\b"),
)
_COMPILED = tuple(
    (code, weight, re.compile(pattern, re.IGNORECASE)) for code, weight, pattern in _RULES
)
_ORDER = tuple(dict.fromkeys(code for code, _, _ in _RULES))
_MINIMUM = 2  # a lone weak cue ("crypto", "met him online") is not enough


def keyword_scores(text: str) -> dict[str, int]:
    """The total rule weight of every type whose phrases occur in ``text``."""
    scores: dict[str, int] = {}
    for code, weight, pattern in _COMPILED:
        if pattern.search(text or ""):
            scores[code] = scores.get(code, 0) + weight
    return scores


def keyword_guess(story: str) -> ScamTypeGuess:
    """A ScamTypeGuess from the keyword table: "other" with confidence 0 when no strong cue."""
    scores = keyword_scores(story)
    if not scores or max(scores.values()) < _MINIMUM:
        return ScamTypeGuess(code="other", confidence=0.0, ranked=(("other", 0.0),))
    total = sum(scores.values())
    ranked = tuple(
        (code, scores[code] / total)
        for code in sorted(scores, key=lambda code: (-scores[code], _ORDER.index(code)))
    )
    return ScamTypeGuess(code=ranked[0][0], confidence=ranked[0][1], ranked=ranked)
