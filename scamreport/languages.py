"""The languages the assistant speaks, and which of them a reporter is using.

One vocabulary for every component: "en" (English), "zh" (Simplified Chinese), "ms" (Malay).
A reporter's language is told by the Telegram client's language_code (language_from_telegram)
and by what they write (detect_language). Indonesian is close to Malay but is not Malay: it is
not taken for it (neither its language code nor, where its own words show it, its text).
"""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["en", "zh", "ms"]
LANGUAGES: tuple[Language, ...] = ("en", "zh", "ms")
DEFAULT_LANGUAGE: Language = "en"
# Each language's name written in that language (for a /language button list).
LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "zh": "简体中文", "ms": "Bahasa Melayu"}

# Han ideographs (basic, extension A, compatibility); a reader of Traditional characters is
# better served in Simplified Chinese than in English, so both count as zh.
HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile("[" + HAN_RANGES + "]")
# Japanese kana: Japanese text uses Han characters too, but it is not Chinese.
_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

# Malay function words, everyday chat spellings and scam vocabulary. Words Malay shares with
# English chat ("lah", "ok", "scam", "bank", "online") are left out: they tell nothing.
_MALAY_WORDS = frozenset(
    {
        "saya", "sy", "aku", "awak", "kami", "kita", "dia", "diorang", "mereka", "anda", "encik",
        "tidak", "tak", "bukan", "sudah", "dah", "belum", "blm", "lagi", "masih", "akan",
        "nak", "mahu", "hendak", "boleh", "blh", "perlu", "kena", "ada", "tiada", "takde",
        "yang", "yg", "dengan", "dgn", "untuk", "utk", "dari", "daripada", "drpd", "ke", "kepada",
        "kat", "di", "dalam", "dlm", "pada", "dan", "atau", "tapi", "tetapi", "sebab", "kerana",
        "jadi", "pun", "juga", "ini", "itu", "tu", "ni", "apa", "macam", "mana", "bila",
        "kenapa", "siapa", "berapa", "tolong", "terima", "kasih", "minta", "maaf", "betul",
        "duit", "wang", "akaun", "bayar", "dibayar", "pindah", "pindahkan", "hantar", "hilang",
        "rugi", "polis", "palsu", "tipu", "ditipu", "penipu", "penipuan", "menipu", "mangsa",
        "telefon", "panggilan", "mesej", "pautan", "laman", "beli", "jual", "barang", "pegawai",
        "mahkamah", "kastam", "cukai", "pelaburan", "hadiah", "cabutan", "bertuah", "ringgit",
        "semalam", "kelmarin", "minggu", "bulan", "tahun", "hari", "lepas", "tadi", "pagi",
        "petang", "malam", "esok", "sekarang", "baru", "tolak", "ambil", "bagi", "suruh",
        "kata", "cakap", "beritahu", "nombor", "kad", "laluan", "lapor", "laporan",
        "banyak", "sikit", "sedikit", "semua", "orang", "kawan", "anak", "emak", "mak", "ayah",
        "isteri", "suami", "kerja", "syarikat", "pakcik", "makcik", "abang", "kakak", "adik",
        # numbers, names and places as payee details are written ("atas nama", "tiga kali")
        "atas", "nama", "kali", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh",
        "lapan", "sembilan", "sepuluh", "puluh", "ratus", "ribu", "juta", "seribu", "seratus",
        "sebulan", "seorang", "tarikh", "ingat", "tahu", "tau", "lps", "selepas", "sebelum",
        "kalau", "org", "byk", "skrg", "guna", "pakai", "punya", "dorang", "korang", "je",
        "sahaja", "saja", "kot", "rasa", "rasanya", "pernah", "setiap", "tiap", "dapat", "dpt",
        "untung", "labur", "simpanan", "tempah", "sampai", "tunggu", "balas", "mula", "pastu",
        "tengok", "tgk", "sekali", "lain", "sendiri", "kedai", "rumah", "jumpa", "ugut",
    }
)  # fmt: skip
# Indonesian words that Malay writes otherwise (uang/duit, rekening/akaun, polisi/polis...).
_INDONESIAN_WORDS = frozenset(
    {
        "uang", "rekening", "polisi", "nggak", "gak", "enggak", "kamu", "bapak", "ibu", "sudah",
        "banget", "aja", "gimana", "kenapa", "dong", "kok", "nih", "tuh", "udah", "kalau",
        "penipu", "ditransfer", "nomor", "pesan", "tautan", "hadiah",
        "bilang", "mau", "belanja", "kirim", "dikirim", "besok", "kemarin", "minggu", "lalu",
        "rupiah", "rp", "pinjol", "bukan", "tidak",
    }
)  # fmt: skip
_INDONESIAN_ONLY = _INDONESIAN_WORDS - _MALAY_WORDS
# English function words and the words reporters use most: they weigh against Malay when a
# message mixes the two ("i kena scammed, they took my money").
_ENGLISH_WORDS = frozenset(
    {
        "i", "me", "my", "we", "our", "you", "your", "he", "she", "they", "them", "his", "her",
        "it", "is", "was", "are", "were", "be", "been", "am", "have", "has", "had", "do", "did",
        "not", "no", "yes", "the", "a", "an", "and", "or", "but", "to", "of", "in", "on", "at",
        "for", "with", "from", "by", "that", "this", "what", "when", "who", "how", "why",
        "said", "says", "told", "called", "call", "asked", "paid", "pay", "sent", "send", "lost",
        "money", "account", "bank", "police", "fake", "scammed", "cheated", "transfer",
        "transferred", "please", "help", "yesterday", "today", "week", "month", "ago", "last",
        "number", "phone", "link", "got", "get", "took", "take", "give", "gave", "can", "will",
        "just", "already", "now", "then", "so", "because", "want", "wants", "need", "someone",
    }
)  # fmt: skip


def is_language(value: object) -> bool:
    """True for one of the supported codes ("en", "zh", "ms")."""
    return value in LANGUAGES


def language_from_telegram(
    language_code: str | None, default: Language = DEFAULT_LANGUAGE
) -> Language:
    """The language a Telegram client asks for (its IETF tag: "zh-hans", "zh-sg", "ms-my"...);
    default for a tag the assistant does not speak, Indonesian ("id", "in") included."""
    if not language_code:
        return default
    primary = re.split(r"[-_]", language_code.strip().lower(), maxsplit=1)[0]
    if primary == "zh":
        return "zh"
    if primary in ("ms", "zsm"):
        return "ms"
    if primary == "en":
        return "en"
    return default


def language_shares(text: str) -> dict[Language, float]:
    """How much of text is written in each language: Han characters weigh as words of
    Chinese, known Malay and English words as words of those; other words count for nothing."""
    lowered = text.lower()
    han = len(_HAN.findall(lowered))
    if _KANA.search(lowered):
        han = 0  # Japanese
    words = _LATIN_WORD.findall(lowered)
    malay = sum(1 for word in words if word in _MALAY_WORDS)
    english = sum(1 for word in words if word in _ENGLISH_WORDS and word not in _MALAY_WORDS)
    indonesian = sum(1 for word in words if word in _INDONESIAN_ONLY)
    if indonesian and indonesian * 3 >= malay:
        malay = 0  # Indonesian that shares Malay's words is still Indonesian
    # Two Han characters make about one word.
    chinese = han / 2
    total = chinese + malay + english
    if total == 0:
        return {}
    return {"zh": chinese / total, "ms": malay / total, "en": english / total}


def detect_language(text: str, default: Language = DEFAULT_LANGUAGE) -> Language:
    """The language text is written in; default when it does not tell ("5000", "ok", a link).

    Chinese wins with a couple of Han characters even among Latin words ("我被骗了 RM5000"),
    since a writer who types Han characters reads them. Malay needs at least two of
    its words and more of them than of English ("i kena scam by polis palsu" is Malay; "i kena
    scammed, they took my money" is English).
    """
    if not text or not text.strip():
        return default
    lowered = text.lower()
    han = 0 if _KANA.search(lowered) else len(_HAN.findall(lowered))
    if han >= 2 or (han == 1 and not _LATIN_WORD.search(lowered)):
        return "zh"
    shares = language_shares(text)
    if not shares:
        return default
    words = _LATIN_WORD.findall(lowered)
    malay_words = sum(1 for word in words if word in _MALAY_WORDS)
    if shares["ms"] > shares["en"] and (malay_words >= 2 or shares["en"] == 0):
        return "ms"
    if shares["en"] > 0:
        return "en"
    return default
