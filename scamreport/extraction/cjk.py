"""Chinese text around indicators: Han characters, and full-width forms read as ASCII.

Chinese writes no space between words, so an indicator sits right against Han characters
("他打电话+6591234567说是警察"), and phone keyboards type full-width forms ("＋６５…",
"scam＠gmail．com"). Patterns that refuse a word character before or after an indicator use
WORD_NOT_HAN instead of \\w, and the extractor reads a folded copy of the text (same length,
so every span still points into what the reporter wrote).
"""

from __future__ import annotations

import re

from scamreport.languages import HAN_RANGES

# Han ideographs (basic block, extension A, compatibility ideographs), for character classes.
HAN = HAN_RANGES
# A word character that is not a Han character (for look-behinds and look-aheads).
WORD_NOT_HAN = r"[^\W" + HAN + r"]"

# Full-width digits, letters and the signs indicators are written with; not full-width
# punctuation ("，", "：", "（"), which separates an indicator from the words around it.
_FOLD = str.maketrans(
    {
        **{chr(code): chr(code - 0xFEE0) for code in range(0xFF10, 0xFF1A)},  # ０-９
        **{chr(code): chr(code - 0xFEE0) for code in range(0xFF21, 0xFF3B)},  # Ａ-Ｚ
        **{chr(code): chr(code - 0xFEE0) for code in range(0xFF41, 0xFF5B)},  # ａ-ｚ
        "＠": "@", "＋": "+", "．": ".", "＿": "_", "－": "-", "＄": "$",
    }
)  # fmt: skip
# "gmail。com": an ideographic full stop between letters or digits is a dot.
_IDEOGRAPHIC_DOT = re.compile(r"(?<=[A-Za-z0-9])。(?=[A-Za-z0-9])")


def fold_full_width(text: str) -> str:
    """text with full-width digits, letters, "＠", "＋", "．" as ASCII; the same length."""
    return _IDEOGRAPHIC_DOT.sub(".", text.translate(_FOLD))
