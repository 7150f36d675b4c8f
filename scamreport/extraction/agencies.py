"""Organisations the scammer claimed to be, matched against canonical names and their aliases.

Latin-script aliases go through a spaCy PhraseMatcher on lower-cased tokens (whole words);
Chinese aliases, written without spaces between words, are found as substrings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from scamreport.extraction.agency_aliases import GENERIC_ALIASES
from scamreport.extraction.model import Found

if TYPE_CHECKING:  # spaCy itself is imported when the first matcher is built
    from spacy.language import Language
    from spacy.tokens import Doc

# Scripts written without spaces between words (CJK, Thai, Lao, Khmer, Myanmar): their aliases
# are matched inside running text rather than token by token.
_CJK_RE = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]"
)
# Someone claimed to be, or came from, the organisation.
_CLAIM_CUE_RE = re.compile(
    r"\b(?:claim\w*|pretend\w*|pos(?:e|ed|es|ing)\s+as|impersonat\w*|fake|bogus|"
    r"said|says|saying|told\s+me|from|officer|officers|agent|official|letter|notice|warrant|"
    r"summons|identified|introduced|representing|on\s+behalf\s+of|calling|called)\b"
    r"|自称|冒充|假冒|假扮|声称|说是|来自|打来"
    r"|\b(?:kata|mengaku|ngaku|menyamar|kononnya|dari|daripada|pegawai|palsu|saman|waran)\b",
    re.IGNORECASE,
)
# The reporter turning to the organisation is not a claim: "I reported it to the SPF".
_REPORTER_TURNED_TO_RE = re.compile(
    r"\b(?:report(?:ed|ing)?|lodg(?:e|ed|ing)|fil(?:e|ed|ing)|complain(?:ed|ing)?|went|go(?:ing)?|"
    r"contact(?:ed|ing)?|call(?:ed|ing)?|phon(?:ed|ing)|visit(?:ed|ing)?|inform(?:ed)?|tell|told|"
    r"ask(?:ed)?|e-?mail(?:ed)?|wrote|write|alert(?:ed)?)"
    r"(?:\s+(?:it|this|that|them|him|her|a\s+report|a\s+case|a\s+complaint|the\s+case|"
    r"the\s+matter|already|also|immediately|to\s+report))*"
    r"(?:\s+(?:to|with|at|in))?(?:\s+(?:the|my|our|local|nearest|a|an))?\s*$",
    re.IGNORECASE,
)


def _key(alias: str) -> str:
    return re.sub(r"\s+", " ", alias.strip().lower())


def _needs_exact_case(alias: str) -> bool:
    """Aliases that in lower case are everyday words ("pf", "report fraud") must match as written."""
    return len(alias) <= 2 or _key(alias).startswith("report ")


class AgencyMatcher:
    """Finds claimed agencies in a spaCy Doc."""

    def __init__(self, nlp: Language, aliases: Mapping[str, Sequence[str]]) -> None:
        from spacy.matcher import PhraseMatcher

        self._matchers = (
            PhraseMatcher(nlp.vocab, attr="LOWER"),
            PhraseMatcher(nlp.vocab, attr="ORTH"),
        )
        self._canonical: dict[str, str] = {}  # PhraseMatcher key -> canonical name
        cjk: dict[str, str] = {}
        owners: dict[str, set[str]] = {}
        for canonical, names in aliases.items():
            any_case, exact_case = [], []
            for alias in dict.fromkeys(name.strip() for name in (canonical, *names) if name):
                if _CJK_RE.search(alias):
                    cjk.setdefault(alias, canonical)
                    owners.setdefault(alias, set()).add(canonical)
                elif _needs_exact_case(alias):
                    exact_case.append(nlp.make_doc(alias))
                else:
                    any_case.append(nlp.make_doc(alias))
            key = f"agency:{canonical}"
            self._canonical[key] = canonical
            for matcher, docs in zip(self._matchers, (any_case, exact_case), strict=True):
                if docs:
                    matcher.add(key, docs)
        self._cjk_names = cjk
        # A bare "警察" (police) is an alias of several countries' police: like "police" in
        # English it names no agency. A longer alias ("新加坡警察部队") still does.
        self._cjk_ambiguous = frozenset(alias for alias, names in owners.items() if len(names) > 1)
        ordered = sorted(cjk, key=len, reverse=True)
        self._cjk_re = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def find(self, doc: Doc) -> Iterator[Found]:
        from spacy.tokens import Span
        from spacy.util import filter_spans

        spans = [
            Span(doc, start, end, label=match_id)
            for matcher in self._matchers
            for match_id, start, end in matcher(doc)
        ]
        text = doc.text
        candidates: list[tuple[int, int, str, str]] = [
            (span.start_char, span.end_char, self._canonical[span.label_], "agency_phrase")
            for span in filter_spans(spans)
        ]
        if self._cjk_re is not None:
            for match in self._cjk_re.finditer(text):
                if match.group(0) in self._cjk_ambiguous:
                    continue
                canonical = self._cjk_names[match.group(0)]
                candidates.append((match.start(), match.end(), canonical, "agency_cjk"))
        for start, end, canonical, rule in candidates:
            if self._is_claim(doc, start, end):
                yield Found("claimed_agency", canonical, text[start:end], start, end, rule)

    @staticmethod
    def _is_claim(doc: Doc, start: int, end: int) -> bool:
        sentence = _sentence_around(doc, start, end)
        before = doc.text[sentence[0] : start]
        if _REPORTER_TURNED_TO_RE.search(before[-60:]):
            return False
        if _key(doc.text[start:end]) not in GENERIC_ALIASES:
            return True
        return bool(_CLAIM_CUE_RE.search(doc.text[sentence[0] : sentence[1]]))


_SENTENCE_END_RE = re.compile(r"[.!?。！？]+(?=\s|$)|[。！？]|\n")


def _sentence_around(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Character bounds of the sentence holding [start, end); a plain split is enough here."""
    text = doc.text
    begin = 0
    for match in _SENTENCE_END_RE.finditer(text):
        if match.end() <= start:
            begin = match.end()
        elif match.start() >= end:
            return begin, match.end()
    return begin, len(text)
