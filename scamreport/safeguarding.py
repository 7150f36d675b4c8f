"""Who needs more than a report: a reporter under 18, or one who speaks of despair or self-harm.

Both are read from what the reporter writes, in plain words and the usual phone spellings, in
English, Chinese and Malay (issue 12). Chinese has no spaces, so its cues match as substrings,
with the figures of speech that contain them ("笑死", "想死你了") taken out first. They
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
# Chinese ages: "我才15岁", "我今年十五岁", "我儿子14岁"; not "15岁那年" (a past age).
_HAN_NUMBER = r"(?:\d{1,2}|十[一二三四五六七八九]?|[一二两三四五六七八九]十[一二三四五六七八九]?|[五六七八九])"
_AGE_ZH = re.compile(
    r"(?:我|本人|我的?(?:儿子|女儿|孩子|小孩|弟弟|妹妹)|(?:儿子|女儿|孩子)(?:今年)?)(?:今年|现在|才|只有|只|"
    r"刚|刚满|还不到|不到|未满|是)*(?P<age>" + _HAN_NUMBER + r")(?:岁|周岁|歲)"
    r"(?!(?:的时候|那年|时|以前|之前|就|开始))"
)
# Malay ages: "umur saya 15", "saya berumur 15 tahun", "sy baru 15 thn", "anak saya 14 tahun";
# not "15 tahun lepas" (years ago) or "dah 15 tahun" (for years).
_AGE_MS = re.compile(
    r"\b(?:(?:umur|usia)\s+(?:saya|aku|sy|anak\s+(?:saya|aku|sy))\s+(?:baru\s+|hanya\s+|cuma\s+|"
    r"br\s+)?|(?:saya|aku|sy|anak\s+(?:lelaki\s+|perempuan\s+)?(?:saya|aku|sy)|adik\s+(?:saya|aku|sy))"
    r"\s+(?:ni\s+|baru\s+|br\s+|hanya\s+|cuma\s+|masih\s+)?(?:berumur\s+|berusia\s+|umur\s+)?)"
    r"(?P<age>\d{1,2})(?!\d|[.,]\d)(?:\s*(?:tahun|thn|thun|tahun\s+umur)\b(?!\s+(?:lepas|lalu|dulu|yang\s+lalu|"
    r"kerja|bekerja))|(?!\s*(?:tahun|thn|k\b|ribu|%|ringgit|rm|sen|minit|jam|hari|kali|malam|pagi|"
    r"petang|tengah|pm\b|am\b|orang|org|biji|unit|bulan|minggu|transaksi|kad|akaun|\.\d|:)))",
    re.IGNORECASE,
)
_MINOR_WORDS_ZH = re.compile(
    r"我(?:是|还是|只是|才是)?(?:一名|一个|个)?(?:初中生|高中生|中学生|小学生|未成年(?:人)?|学生仔)|"
    r"我(?:还)?(?:没有?成年|未成年)|(?:没有?满|未满|不满|不到)\s*(?:18|十八)\s*岁|^\s*未成年\s*$|"
    r"我(?:还在|在|正在)?读(?:初中|高中|中学|小学|初[一二三]|高[一二三]|中[一二三四五六]|小[一二三四五六])|"
    # "我才初二": without 才 or 读, "初一" is also a date and "中一" a prize ("我中一等奖")
    r"我才(?:初[一二三]|高[一二三])"
)
_MINOR_WORDS_MS = re.compile(
    r"\b(?:saya|aku|sy)\s+(?:ni\s+)?(?:masih\s+|baru\s+)?(?:budak\s+sekolah|pelajar\s+sekolah|"
    r"murid\s+sekolah|budak\s+(?:tingkatan|form|darjah)\s*\d|(?:di\s+)?bawah\s+umur|"
    r"belum\s+(?:cukup\s+)?(?:18|umur)|pelajar\s+(?:sekolah\s+menengah|tingkatan\s*\d|form\s*\d|"
    r"spm|pt3)|(?:sekolah\s+lagi|(?:dalam|dlm)\s+(?:tingkatan|form|darjah)\s*\d)|"
    r"(?:tingkatan|form|darjah)\s*\d)\b|^\s*(?:di\s+)?bawah\s+umur\s*$",
    re.IGNORECASE,
)
_CHILD_VICTIM_ZH = re.compile(
    r"我的?(?:儿子|女儿|孩子|小孩)[^。！？]{0,30}(?:照片|视频|裸照|威胁|勒索|敲诈)"
)
_CHILD_VICTIM_MS = re.compile(
    r"\banak\s+(?:lelaki\s+|perempuan\s+)?(?:saya|aku|sy)\b.{0,60}\b(?:gambar|video|ugut\w*|"
    r"peras\w*|bogel)",
    re.IGNORECASE,
)

_SELF_HARM_ZH = re.compile(
    r"想死|不想活|活不下去|活着没(?:有)?(?:意思|意义)|活着有什么意(?:思|义)|没有活下去的|自杀|轻生|寻死|"
    r"死了算了|不如死了|一死了之|自我了断|了结(?:自己|生命)|结束(?:我的|自己的)?生命|(?:想|要)去死|"
    r"跳楼|跳河|割腕|伤害自己|自残|不想(?:再)?醒来"
)
# "想死你了" (miss you so much), "我不想死", the scammer's own threat: not the reporter in danger.
_SELF_HARM_NOT_ME_ZH = re.compile(
    r"想死(?:你|您|妳|他|她)|(?:不|没有?|并不)想(?:要)?(?:死|自杀)|不会自杀|没有?自杀|"
    r"(?:他|她|对方|骗子|那个人)(?:说|讲|威胁(?:说)?)?(?:如果[^。！？]{0,12})?(?:他|她)?"
    r"(?:就|会|要|想|也)*(?:自杀|跳楼|去死)"
)
_SELF_HARM_MS = re.compile(
    r"\b(?:(?:nak|mahu|mau|ingin|rasa\s+nak|rasa\s+mahu|lebih\s+baik|baik)\s+(?:aku\s+|saya\s+|sy\s+)?"
    r"mati|bunuh\s+diri|tak\s+(?:nak|mahu|sanggup|larat)\s+hidup|tidak\s+(?:mahu|sanggup|larat)\s+"
    r"hidup|x\s+nak\s+hidup|(?:nak|mahu)\s+(?:tamatkan|akhiri|akhirkan)\s+(?:hidup|nyawa|riwayat)|"
    r"(?:nak|mahu)\s+terjun\s+(?:bangunan|jambatan|sungai|bangunan)|(?:cederakan|sakiti|lukakan)\s+"
    r"diri|(?:tiada|tak\s+ada|takde|tak)\s+(?:guna|makna|sebab)\s+(?:lagi\s+)?(?:untuk\s+|nak\s+)?"
    r"hidup|hidup\s+(?:dah|sudah)?\s*(?:tak|tiada|tidak)\s+(?:ada\s+)?(?:makna|guna|erti))\b",
    re.IGNORECASE,
)
# "penat nak mati" (tired to death), "tak nak mati", the scammer's own threat.
_SELF_HARM_NOT_ME_MS = re.compile(
    r"\b(?:(?:penat|letih|lapar|gelak|ketawa|takut|sakit|bosan|panas|sejuk|mengantuk|malu|geram|"
    r"seronok|sedap|lawak|kelakar|bateri|battery|phone|fon|hp|handphone|telefon|enjin|kereta)\s+(?:saya\s+|aku\s+|sy\s+)?(?:gila\s+|sangat\s+|sampai\s+)?"
    r"(?:nak|mahu)\s+mati|"
    r"(?:tak|tidak|x|bukan)\s+(?:nak|mahu|ingin|terfikir\s+nak)\s+(?:mati|bunuh\s+diri)|"
    r"(?:dia|penipu|scammer|mereka|diorang|org\s+tu|orang\s+tu)\b[^.!?]{0,30}bunuh\s+diri)\b",
    re.IGNORECASE,
)

# "the scammer said he would kill himself", "I'm not suicidal": not the reporter in danger.
_SELF_HARM_NOT_ME = re.compile(
    r"\b(?:he|she|they|scammer|caller)\b[^.!?]{0,30}(?:kill\s+(?:him|her|them)sel(?:f|ves)|"
    r"suicid\w*)|\bnot\s+suicidal\b",
    re.IGNORECASE,
)


_HAN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def _age_value(written: str) -> int:
    """An age in digits or Han numerals ("15", "十五", "二十一", "九")."""
    if written.isdigit():
        return int(written)
    tens, _, units = written.partition("十")
    if not _:
        return _HAN_DIGITS[written]
    return _HAN_DIGITS.get(tens, 1) * 10 + _HAN_DIGITS.get(units, 0)


def stated_age(text: str) -> int | None:
    """The age a message gives for the reporter or the child it is about, if any."""
    for pattern in (_AGE, _AGE_SUFFIX, _AGE_ZH, _AGE_MS):
        match = pattern.search(text)
        if match:
            age = _age_value(match.group("age"))
            if 5 <= age <= 99:
                return age
    return None


def mentions_minor(text: str) -> bool:
    """True when the message says the reporter (or the child they report for) is under 18."""
    age = stated_age(text)
    if age is not None:
        return age < ADULT_AGE
    return any(
        pattern.search(text)
        for pattern in (
            _MINOR_WORDS,
            _CHILD_VICTIM,
            _MINOR_WORDS_ZH,
            _MINOR_WORDS_MS,
            _CHILD_VICTIM_ZH,
            _CHILD_VICTIM_MS,
        )
    )


def mentions_self_harm(text: str) -> bool:
    """True on words of despair or self-harm from the reporter (other people's words, "not
    suicidal" and figures of speech are taken out first)."""
    for cue, not_me in (
        (_SELF_HARM, _SELF_HARM_NOT_ME),
        (_SELF_HARM_ZH, _SELF_HARM_NOT_ME_ZH),
        (_SELF_HARM_MS, _SELF_HARM_NOT_ME_MS),
    ):
        if cue.search(text) and cue.search(not_me.sub(" ", text)):
            return True
    return False
