"""What a reporter has already told us, read out of free text into interview slots.

Whatever is found here is not asked again; the summary shows it so the reporter can correct it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from actions.answers import (
    MAX_STORY_CHARS,
    channel_in,
    clean_text,
    country_in_any_language,
    country_named_first,
    deadline_in,
)
from scamreport.countries import (
    country_from_home_cues,
    country_of_paid_currency,
    resolve_country,
)
from scamreport.extraction import Indicators, classify_scam_type, read_message
from scamreport.extraction.amounts import local_currency, names_a_currency
from scamreport.extraction.model import Amount, Found
from scamreport.extraction.payment_methods import payment_method_in, transfer_named_in
from scamreport.extraction.payments import money_mentions, says_not_paid
from scamreport.languages import HAN_RANGES
from scamreport.safeguarding import ADULT_AGE, mentions_minor, stated_age

_HAN = re.compile("[" + HAN_RANGES + "]")
# Fewer words than this and the opening message is a request, not the story itself.
STORY_MIN_WORDS = 8

_COUNTRY_PHRASE = re.compile(
    r"\b(?:i am|i'm|im|i live|living|we live|we are|we're|based|staying|here)\s+(?:in|at)\s+"
    r"((?:the\s+)?[A-Za-z'][A-Za-z' .-]{1,30}?)(?=[,.;!?]|\s+(?:and|but|my|a|an|the|someone|last|yesterday|today)\b|$)"
    # "hi, i'm from Brunei": first thing said, the reporter's own country
    r"|^\W*(?:(?:hi|hello|hey|salam)\W+)?(?:i am|i'm|im|we are|we're)\s+from\s+"
    r"((?:the\s+)?[A-Za-z'][A-Za-z' .-]{1,30}?)(?=[,.;!?]|\s+(?:and|but|my|a|an|the|someone|last|yesterday|today)\b|$)",
    re.I,
)
# "saya tinggal di Malaysia", "我住在新加坡", "我们在马来西亚".
_COUNTRY_PHRASE_ZH_MS = re.compile(
    r"\b(?:(?:mak|emak|ibu|ayah|bapa|abah|suami|isteri|anak|abang|kakak|adik|nenek|datuk|atuk|"
    r"kawan|keluarga)\s+(?:saya|sy|aku|kami)|saya|sy|aku|kami|kita)\s+"
    r"(?:tinggal\s+|menetap\s+|berada\s+|duduk\s+|orang\s+|org\s+)?"
    r"(?:di|dekat|kat|dari|dr)\s+([A-Za-z' ]{3,30}?)(?=[,.;!?]|\s+(?:dan|tapi|saya|sy|semalam|ada|nak)\b|$)"
    r"|(?:我|我们)(?:的)?(?:妈妈|爸爸|父母|母亲|父亲|奶奶|爷爷|外婆|外公|老公|老婆|丈夫|妻子|儿子|"
    r"女儿|哥哥|姐姐|弟弟|妹妹|朋友|家人)?(?:住在|人在|在|住)([" + HAN_RANGES + r"]{2,8})",
    re.I,
)
_PAID = re.compile(
    r"\b(paid|pay|transferr?ed|transfer|sent|send|gave|bought|withdr[ae]w|deposit|bayar|"
    r"pindah\w*|hantar|masukkan)|付|转|汇|交|给了",
    re.I,
)
_CLAUSE = re.compile(r"[.;!?。；！？]|\bbut\b|\bthen\b|\btapi\b|\bkemudian\b|但是|然后")
_PAID_BY = re.compile(
    r"\b(?:i|we|he|she|they|my\s+\w+)?\s*(?:paid|sent|transferred|bought\s+\w+)\b[^.,;]{0,30}?"
    r"\b(?:by|via|through|thru|with|using|over|on)\s+([^.,;]{2,40})"
    # "bayar guna DuitNow", "pindah melalui pindahan bank", "用PayNow转了", "通过网银付了"
    r"|\b(?:bayar|pindah\w*|hantar|transfer)\w*\b[^.,;]{0,30}?\b(?:guna|melalui|dengan|"
    r"secara|pakai|ikut|lewat)\s+([^.,;]{2,40})"
    r"|(?:用|通过|透过|经|以)([^，,。.;；]{2,20}?)(?:转|付|汇|交|支付|给)",
    re.I,
)


def paid_by(text: str) -> str | None:
    """The words that say how money was paid ("by bank transfer", "guna DuitNow", "用PayNow")."""
    match = _PAID_BY.search(text)
    return next((group for group in match.groups() if group), None) if match else None


def word_count(text: str) -> int:
    """Words of text, two Han characters counting as one (Chinese writes no spaces)."""
    han = len(_HAN.findall(text))
    return len(_HAN.sub(" ", text).split()) + (han + 1) // 2


_DEMANDS: list[tuple[str, re.Pattern[str]]] = [
    (
        'move money to a "safe account"',
        re.compile(
            r"safe account|safety account|secure account|akaun selamat|安全账户|安全帐户", re.I
        ),
    ),
    (
        "hand cash or cards to a courier",
        re.compile(r"courier|collect (the )?(cash|money|card)|kurier|快递员|上门取", re.I),
    ),
    (
        "give bank details or codes",
        re.compile(
            r"bank (details|login|account number)|otp|one.time|pin\b|password|kata laluan|"
            r"butiran bank|验证码|密码|银行资料|银行卡号",
            re.I,
        ),
    ),
    ("buy gift cards", re.compile(r"gift ?card|google play|itunes|kad hadiah|礼品卡", re.I)),
    (
        "keep it secret from family",
        re.compile(
            r"secret|(don'?t|do not|not to|never) tell|confidential|keep (it|this) (quiet|between)|"
            r"rahsia|jangan (?:beritahu|bagitahu|cakap)|保密|不要告诉|别告诉|不准告诉",
            re.I,
        ),
    ),
    (
        "pay a fine or fee",
        re.compile(
            r"\bfine\b|bail|penalty|clearance fee|release fee|\bdenda\b|ikat jamin|罚款|保释|罚金",
            re.I,
        ),
    ),
]


_APPS = re.compile(
    r"\b(instagram|insta|ig|snapchat|snap|facebook|fb|messenger|tiktok|whatsapp|telegram|"
    r"wechat|line|viber|discord|omegle|grindr|tinder|bumble|hinge|badoo|okcupid|plenty of fish|"
    r"pof|match\.com|twitter|linkedin|skype|kik|reddit|onlyfans|hello\s?talk|tantan)\b"
    r"|(微信|脸书|面子书|抖音|小红书|探探|陌陌|电报|交友软件)",
    re.I,
)
_APP_NAMES = {
    "insta": "Instagram", "ig": "Instagram", "snap": "Snapchat", "fb": "Facebook",
    "微信": "WeChat", "脸书": "Facebook", "面子书": "Facebook", "抖音": "TikTok", "电报": "Telegram",
}  # fmt: skip
# "reply-to was accounts.siam@outlook.com", "回复地址变成 x@y.com", "balasan pergi ke x@y.com"
_REPLY_TO = re.compile(
    r"(?:reply[\s-]?to|replies\s+went\s+to|回复地址|回复去|回复到|balasan)"
    r"[^@\n]{0,25}?([\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
    re.IGNORECASE,
)
_REMOTE_APPS = re.compile(
    r"\b(any\s?desk|team\s?viewer|ultra\s?viewer|quick\s?support|quick\s?assist|rust\s?desk|"
    r"logmein|supremo|ammyy|screen\s?connect|splashtop|airdroid)\b",
    re.I,
)
_PROMISES = re.compile(
    r"\b(lottery|lucky draw|prize|jackpot|inheritance|loan|grant|compensation|refund|"
    r"(?:job|work)(?:\s+offer)?|scholarship|parcel|package|gift|award|hadiah|cabutan\s+bertuah|"
    r"pinjaman|warisan|bungkusan|pampasan|bayaran\s+balik|tawaran\s+kerja)\b"
    r"|(奖金|中奖|大奖|抽奖|贷款|遗产|包裹|赔偿|退款|工作机会|兼职|奖品|礼物)",
    re.I,
)
_WITHDRAWAL_BLOCKED = re.compile(
    r"(?:can'?t|cannot|can not|couldn'?t|unable to|won'?t let me|not able to)\s+(?:\w+\s+){0,2}"
    r"with\s?draw|withdraw\w*\s+(?:is\s+|was\s+|got\s+)?(?:blocked|frozen|locked|refused|denied)|"
    r"(?:pay|deposit)\s+(?:a\s+|the\s+)?(?:tax|fee|commission)\w*\s+(?:to|before|first)|"
    r"(?:tak|tidak|x)\s+(?:boleh|dapat)\s+(?:\w+\s+){0,2}keluarkan\s+(?:duit|wang)|"
    r"(?:提不出|提不了|不能提|无法提|提现(?:失败|被冻结|被拒)|取不出)[^，,。.]{0,10}",
    re.I,
)
_HOW_LONG = re.compile(
    r"\b(?:for|over|after|about|almost|nearly)\s+((?:\d+|a|an|one|two|three|four|five|six|few|"
    r"several|couple of)\s+(?:days?|weeks?|months?|years?))\b"
    r"|\b(?:selama|lebih|hampir|dah|sudah|kira-kira)\s+((?:\d+|se|satu|dua|tiga|empat|lima|enam|"
    r"beberapa)\s*(?:hari|minggu|bulan|tahun))\b"
    r"|(?:聊了|认识了|交往了|持续了|拍拖了|谈了|差不多|大概|将近)([0-9一二两三四五六七八九十几半]+个?多?"
    r"(?:天|星期|礼拜|周|月|年))",
    re.I,
)
_WRONG_NUMBER = re.compile(
    r"wrong number|wrong person|random message|salah nombor|tersalah\s+(?:hantar|mesej)|"
    r"发错|打错|加错|认错人",
    re.I,
)


def app_named(text: str) -> str | None:
    match = _APPS.search(text)
    if not match:
        return None
    word = next(group for group in match.groups() if group)
    return _APP_NAMES.get(word.lower(), word[:1].upper() + word[1:].lower())


_NOTHING_ARRIVED = re.compile(
    r"\b(?:nothing|never)\s+(?:ever\s+)?(?:came|come|arrived?|delivered|showed\s+up|turned\s+up)"
    r"|\bnever\s+(?:got|received?|sent|shipped|delivered)\b"
    r"|\b(?:didn'?t|did\s+not|haven'?t|have\s+not|hasn'?t|has\s+not|not|never)\s+"
    r"(?:yet\s+)?(?:receive[d]?|get|got|arrive[d]?|come|came|been\s+(?:delivered|sent|shipped))\b"
    r"|\bno\s+(?:delivery|parcel|package|item|goods)\b|\bnot\s+delivered\b"
    r"|\b(?:tak|tidak|belum|x)\s+(?:pernah\s+)?(?:sampai|terima|dapat|dihantar|diposkan)\b"
    r"|(?:没|没有|还没|一直没|从没)(?:收到|到|寄|发货|送到)|什么都没(?:收到|有)",
    re.IGNORECASE,
)
_FAKES_ARRIVED = re.compile(
    r"\b(?:sent|got|received|came|arrived)\b[^.,;]{0,20}\b(?:fake|counterfeit|wrong|knock-?off|"
    r"replica)s?\b|\bfake\s+ones\b|\bnot\s+what\s+i\s+(?:ordered|paid\s+for)\b"
    r"|\b(?:dapat|terima|sampai)\b[^.,;]{0,20}\b(?:palsu|tiruan|salah)\b"
    r"|(?:收到|寄来|发来)[^，,。.；;]{0,10}(?:假货|假的|仿冒|山寨|不一样|错的)",
    re.IGNORECASE,
)
_PART_ARRIVED = re.compile(
    r"\bonly\s+(?:\d+|some|part|half|a\s+few)\b[^.,;]{0,25}\b(?:came|arrived|delivered|received)\b"
    r"|\b(?:part|half)\s+of\s+(?:the|my|our)\s+order\b"
    r"|\b(?:hanya|cuma)\s+(?:\d+|sebahagian|separuh|sikit)\b[^.,;]{0,25}\b(?:sampai|diterima)\b"
    r"|只(?:收到|到了?)(?:一部分|一半|[0-9一二两三四五六七八九十]+)",
    re.IGNORECASE,
)
# What was bought: "I ordered 200 N95 masks", "bought jordans off a insta shop", "paid S$650 ...
# for a PS5 yesterday".
_ITEM_STOP = (
    r"(?=\s+(?:from|on|off|at|through|via|by|with|online|and|but|yesterday|today|last|"
    r"(?:i|we|he|she|they|that|which|who)\s|for\s+(?:our|my|the|his|her|S?\$|RM|£|€|\d))\b|"
    r"[,.;!?]|$)"
)
_ITEMS_ORDERED = re.compile(
    r"\b(?:ordered|bought|buy|buying|purchased|paid\s+(?:a\s+)?(?:deposit\s+)?for|"
    r"paid\b[^.,;]{0,60}?\bfor)\s+((?:a|an|the|some|\d[\d,]*|two|three|four|five|ten)\b[^.,;]{1,50}?|"
    r"[a-z][^.,;]{1,40}?)" + _ITEM_STOP,
    re.IGNORECASE,
)

# "买了一台PS5", "订了两双鞋", "saya beli kasut Nike dari Shopee".
_ITEMS_ORDERED_ZH_MS = re.compile(
    r"(?:买了|购买了|订了|订购了|下单(?:买)?了?)([^，,。.；;！!？?]{1,20}?)"
    r"(?=[，,。.；;！!？?]|但|可是|结果|之后|后来|付|给|从|在|$)"
    r"|\b(?:beli|membeli|tempah|menempah|pesan)\s+"
    r"(?!(?:dari|daripada|di|kat|dekat|secara|online|melalui|guna)\b)([a-z0-9][^.,;]{1,40}?)"
    r"(?=\s+(?:dari|daripada|di|kat|dekat|secara|online|tapi|dan|untuk|dengan|harga)\b|[,.;!?]|$)",
    re.IGNORECASE,
)

_SELLER_CALLED = re.compile(
    r"\b(?:seller|shop|store|page|account|vendor|supplier|guy|website|site)\s+"
    r"(?:called|named|by\s+the\s+name(?:\s+of)?)\s+[\"']?(@?[\w][\w.&'-]{1,40})",
    re.IGNORECASE,
)

# "一个叫「小美好物」的卖家", "卖家叫 xiaomei_shop", "kedai bernama ShopMurah".
_SELLER_CALLED_ZH_MS = re.compile(
    r"(?:卖家|商家|商店|店铺|网店|页面|账号|帐号)(?:叫|名叫|叫做|名字是)\s*[「“\"']?"
    r"([^\s，,。.」”\"'的]{2,30})"
    r"|叫(?:做)?\s*[「“\"']?([^\s，,。.」”\"']{2,20}?)[」”\"']?\s*的(?:卖家|商家|网店|店|商店|页面)"
    r"|\b(?:kedai|penjual|peniaga|page|akaun)\s+(?:bernama|nama(?:nya)?|dipanggil)\s+[\"']?"
    r"(@?[\w][\w.&'-]{1,40})",
    re.IGNORECASE,
)


def shop_slots_from_text(text: str) -> dict[str, Any]:
    """What a fake-shop story says was bought and what arrived."""
    slots: dict[str, Any] = {}
    if _FAKES_ARRIVED.search(text):
        slots["item_received"] = "fake_or_wrong"
    elif _PART_ARRIVED.search(text):
        slots["item_received"] = "partial"
    elif _NOTHING_ARRIVED.search(text):
        slots["item_received"] = "nothing"
    seller = _SELLER_CALLED.search(text) or _SELLER_CALLED_ZH_MS.search(text)
    if seller:
        slots["shop_name"] = next(group for group in seller.groups() if group)
    ordered = _ITEMS_ORDERED.search(text) or _ITEMS_ORDERED_ZH_MS.search(text)
    if ordered:
        item = next(group for group in ordered.groups() if group).strip()
        if not re.fullmatch(r"(?:a|an|the|some|it|them|this|that)", item, re.I):
            slots["items_ordered"] = item
    return slots


def type_slots_from_text(text: str, scam_type: str | None, found: Indicators) -> dict[str, Any]:
    """The answers to a type's own questions (scamreport.interviews) that the story gives."""
    slots: dict[str, Any] = {}
    age = stated_age(text)
    if age is not None:
        slots["minor"] = age < ADULT_AGE
    elif mentions_minor(text):
        slots["minor"] = True
    app = app_named(text)
    if scam_type == "sextortion" and app:
        slots["platform"] = app
    if scam_type == "investment" and found.url:
        slots["platform"] = slots["link"] = found.url[0]
    blocked = _WITHDRAWAL_BLOCKED.search(text)
    if scam_type == "investment" and blocked:
        slots["withdrawal_blocked"] = blocked.group(0)
    if scam_type in ("phishing", "advance_fee") and found.url:
        slots["link"] = found.url[0]
    if scam_type == "romance":
        if app:
            slots["where_met"] = app
        elif _WRONG_NUMBER.search(text):
            slots["where_met"] = "a wrong-number message"
        how_long = _HOW_LONG.search(text)
        if how_long:
            slots["how_long"] = next(group for group in how_long.groups() if group)
    if scam_type == "tech_support":
        remote = _REMOTE_APPS.search(text)
        if remote:
            slots["app_installed"] = remote.group(1)
    if scam_type == "business_email_compromise":
        reply_to = _REPLY_TO.search(text)
        if reply_to:
            slots["reply_to"] = reply_to.group(1).lower()
    if scam_type == "advance_fee":
        promise = _PROMISES.search(text)
        if promise:
            slots["prize"] = next(group for group in promise.groups() if group).lower()
    return slots


# "hi i want to report a scam please": a request to report, not the story itself.
_JUST_ASKING = re.compile(
    r"\b(?:want|wanna|would\s+like|like|need|wish|how\s+(?:do|can)\s+i|can\s+i|help\s+me)\s+"
    r"(?:to\s+)?(?:report|make\s+a\s+report|file)|\b(?:i\s+(?:think|was|got|have\s+been)\s+)?"
    r"scammed\b\W*(?:please|pls|plz)?\W*(?:help(?:\s+me)?)?\W*(?:please|pls|plz)?\W*$"
    r"|\b(?:nak|mahu|ingin|hendak|perlu|macam\s+mana\s+(?:nak|saya|boleh))\s+(?:buat\s+)?"
    r"(?:lapor\w*|report)|(?:想|要|需要|怎么|如何|怎样)(?:举报|报案|报警|投诉)",
    re.IGNORECASE,
)
STORY_SURE_WORDS = 15


def is_a_story(text: str) -> bool:
    """Words enough to be what happened, not just a request to report it."""
    words = word_count(text)
    return words >= STORY_SURE_WORDS or (words >= STORY_MIN_WORDS and not _JUST_ASKING.search(text))


# "pay a penalty today", "by tomorrow": a deadline, not the day it happened.
_DEADLINE_BEFORE = re.compile(
    r"(?:\b(?:pay|(?:be|get)\s+paid|transfer|send|by|before|until|till|due|deadline|within|or\s+(?:else|be))"
    r"\b[^.,;!?]{0,25})$"
    r"|(?:\b(?:sebelum|sehingga|hingga|selewat-lewatnya|tarikh\s+akhir|dalam\s+masa)\s+)$"
    r"|(?:要我|叫我|让我|必须|限|最迟|截止)[^，,。.；;!！?？]{0,6}$"
    # a threat's date: "would be arrested today", "akan ditangkap hari ini"
    r"|\b(?:arrested|jailed|detained|deported|charged|sued|frozen|blocked|cut\s+off|"
    r"disconnected|suspended|ditangkap|dipenjara|ditahan|dibekukan|disekat|dipotong)\s+$",
    re.IGNORECASE,
)
# "明天之前付", "今晚以前", "今天就会被抓": a Chinese deadline or threat says so after the date.
_DEADLINE_AFTER = re.compile(
    r"\s*(?:之前|以前|前|内|为止|截止|(?:就|便)?(?:会|要)?被(?:抓|捕|拘留|冻结|起诉))"
)


# "we only found out yesterday", "昨天才知道", "semalam baru tahu": the day they learnt of it,
# not the day it happened (the form asks for that instead).
_LEARNT_BEFORE = re.compile(
    r"\b(?:found\s+out|find\s+out|realis|realiz|discover|noticed|learn|knew|only\s+knew)\w*"
    r"(?:\s+(?:it|this|that|only|just|about\s+it))?\s+$"
    r"|\b(?:baru|br|bru)\s+(?:tahu|tau|sedar|perasan|tersedar|dapat\s+tahu)\s+$",
    re.IGNORECASE,
)
# Right after the date: "yesterday I found out", "昨天刚发现". Only there, because later in the
# sentence they can mean now: "I paid last week and just realised", "上周转了钱，刚发现被骗".
_LEARNT_AFTER = re.compile(
    r"\s*(?:(?:i|we|he|she|they|my\s+\w+)\s+)?(?:only\s+|just\s+|then\s+)?"
    r"(?:found\s+out|realis|realiz|discovered|knew)\b"
    r"|\s*(?:我们|我|他|她|他们|家人|我爸|我妈)?(?:刚|刚刚)(?:知道|发现|晓得|察觉|意识到|反应过来)",
    re.IGNORECASE,
)


# Anywhere after the date in the same sentence, when no other date stands between: "semalam
# baru tahu", "Minggu ni pembekal call tanya bila nak bayar, rupanya email tu bukan dari dia",
# "昨天有个安娣哭了，我才觉得不对": the day they found out.
_LEARNT_LATER = re.compile(
    r"\b(?:rupanya|rupa-rupanya|turns?\s+out|turned\s+out)\b"
    r"|\b(?:baru|br|bru)\s+(?:tahu|tau|sedar|perasan|tersedar|dapat\s+tahu)\b"
    r"|才(?:知道|发现|觉得|察觉|意识到|晓得|反应过来|(?:跟|和|对|告诉)(?:我|我们)|讲|说)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?。！？\n]")


def _when_learnt(text: str, start: int, end: int, next_date_at: int) -> bool:
    """Whether the date at text[start:end] is the day the reporter found out."""
    before, after = text[:start], text[end:]
    if _LEARNT_BEFORE.search(before) or _LEARNT_AFTER.match(after):
        return True
    sentence_end = _SENTENCE_END.search(after)
    rest = after[: min(sentence_end.start() if sentence_end else len(after), next_date_at - end)]
    return bool(_LEARNT_LATER.search(rest))


# After a date, in its sentence: the scene the scam grew from, not the scam itself ("去年离婚",
# "前天在小红书认识一个女生", "met him on facebook last year", "kenal dia bulan lepas").
_BACKGROUND_LATER = re.compile(
    r"认识|结识|离婚|离了婚|退休|搬(?:来|到|去)|加了?(?:我|他|她)?(?:的)?(?:微信|好友|whatsapp)"
    r"|\b(?:met|got\s+to\s+know|started\s+(?:chatting|talking)|divorced|retired|moved\s+to|"
    r"kenal|berkenalan|bercerai|cerai|bersara|pindah\s+ke)\b",
    re.IGNORECASE,
)
# Before a date: "met him on facebook last year", "kenal dia kat fb bulan lepas".
_BACKGROUND_BEFORE = re.compile(
    r"\b(?:met|got\s+to\s+know|kenal|berkenalan)\b[^.!?。！？,，]{0,40}$", re.IGNORECASE
)


def incident_date_in(text: str, country: str | None) -> str | None:
    """The day the story says it happened: its first date that is neither a deadline nor the
    day the reporter found out, nor, when a later date follows, the day they met the scammer
    or a date of their own life ("去年离婚，…上个月他说女儿要开刀")."""
    dates = [found for found in read_message(text, country).found if found.kind == "date"]
    candidates: list[tuple[Found, int]] = []
    for index, found in enumerate(dates):
        next_date_at = dates[index + 1].start if index + 1 < len(dates) else len(text)
        if (
            not _DEADLINE_BEFORE.search(text[: found.start])
            and not _DEADLINE_AFTER.match(text[found.end :])
            and not _when_learnt(text, found.start, found.end, next_date_at)
        ):
            candidates.append((found, next_date_at))
    for found, next_date_at in candidates[:-1]:
        if not _is_background(text, found.start, found.end, next_date_at):
            return str(found.value)
    return str(candidates[-1][0].value) if candidates else None


def _is_background(text: str, start: int, end: int, next_date_at: int) -> bool:
    """Whether the date at text[start:end] is when the reporter met the scammer, or one of
    their own life, rather than when the scam happened."""
    if _BACKGROUND_BEFORE.search(text[:start]):
        return True
    after = text[end:next_date_at]
    sentence_end = _SENTENCE_END.search(after)
    clause = after[: sentence_end.start() if sentence_end else len(after)]
    return bool(_BACKGROUND_LATER.search(clause[:30]))


def countries_in(text: str, entity_values: Iterable[str] = ()) -> str | None:
    """The reporter's country when the text says it plainly ("I'm in Singapore").

    A country the NLU tagged counts only when it is about all the message says ("singapore
    lah"): in a story it is as often where the scammer claims to be ("an engineer in Syria")."""
    if len(text.split()) <= 3:
        for value in entity_values:
            code = resolve_country(value)
            if code:
                return code
    for match in _COUNTRY_PHRASE.finditer(text):
        code = resolve_country(match.group(1) or match.group(2))
        if code:
            return code
    for match in _COUNTRY_PHRASE_ZH_MS.finditer(text):
        malay, chinese = match.groups()
        # "我住在新加坡": the place follows 在 at once; in "我在探探认识一个台湾女生" (met on a
        # dating app, a Taiwanese woman) the country named later is somebody else's.
        code = country_in_any_language(malay) if malay else country_named_first(chinese)
        if code:
            return code
    return None


def home_country_in(text: str) -> str | None:
    """Where the reporter lives, when the story does not say it but shows it: institutions of
    one country ("a call from HMRC") or money paid in one country's currency ("paid S$400").
    The reporter sees it among what was noted from the story, and can correct it."""
    cued = country_from_home_cues(text)
    if cued:
        return cued
    paid_in = [a.currency for a in money_mentions(text, None).lost if a.currency]
    return country_of_paid_currency(paid_in)


def demands_in(text: str) -> str | None:
    found = [label for label, pattern in _DEMANDS if pattern.search(text)]
    return "; ".join(found) if found else None


def slots_from_indicators(found: Indicators, interview: str | None) -> dict[str, Any]:
    slots: dict[str, Any] = {}
    if found.claimed_agency and interview in ("fake_authority", None):
        slots["claimed_agency"] = found.claimed_agency[0]
    contacts = found.phone + found.email + found.handle
    if interview == "fake_shop":
        links = found.url + found.handle
        if links:
            slots["shop_link"] = links[0]
        # The seller's number or e-mail (their page is the shop's link).
        if found.phone or found.email:
            slots["scammer_contact"] = ", ".join(dict.fromkeys(found.phone + found.email))
    elif contacts:
        slots["scammer_contact"] = ", ".join(dict.fromkeys(contacts))
    accounts = found.iban + found.crypto_wallet
    if accounts:
        slots["payee_account"] = ", ".join(accounts)
    return slots


def money_slots(text: str, country: str | None, found: Indicators) -> dict[str, Any]:
    """Money lost (an amount the words say was paid) apart from money demanded."""
    if not found.amount:
        return {"money_lost": False} if says_not_paid(text) else {}
    mentions = money_mentions(text, country)
    # A bare "i paid 1800" is in the currency the story wrote elsewhere ("won S$50,000"), else,
    # when the story writes none at all, in the reporter's own.
    written = [a.currency for a in found.amount if isinstance(a, Amount) and a.currency]
    local = written[0] if written else (None if names_a_currency(text) else local_currency(country))

    def described(amount: Amount) -> str:
        return str(amount if amount.currency or not local else Amount(amount.value, local))

    slots: dict[str, Any] = {}
    if mentions.lost:
        # Several sums lost ("a $3 fee, then 2 charges of $640"): the total is asked, not guessed.
        if len({(a.value, a.currency) for a in mentions.lost}) == 1:
            slots["amount_lost"] = described(mentions.lost[0])
        slots["money_lost"] = True
    elif mentions.says_not_paid:
        slots["money_lost"] = False
    if mentions.demanded:
        slots["amount_demanded"] = described(mentions.demanded[0])
    return slots


def slots_from_text(
    text: str,
    *,
    country: str | None,
    interview: str | None,
    entity_values: Mapping[str, list[str]] | None = None,
    scam_type: str | None = None,
) -> dict[str, Any]:
    """Every interview slot ``text`` settles, as normalised slot values."""
    entity_values = entity_values or {}
    slots: dict[str, Any] = {}
    found_country = countries_in(text, entity_values.get("country", []))
    if not found_country and not country:
        found_country = home_country_in(text)
    if found_country:
        slots["country"] = found_country
    found = read_message(text, found_country or country).indicators()
    slots.update(slots_from_indicators(found, interview))
    when = incident_date_in(text, found_country or country)
    if when:
        slots["incident_date"] = when
    slots.update(money_slots(text, found_country or country, found))
    channel = channel_in(text)
    if channel and word_count(text) >= 3:  # "ato scam call"; not a one-word answer ("app")
        slots["contact_channel"] = channel
    # "told me to transfer money" is a demand, not a payment: a method counts once an amount
    # does, or when the words say how it was paid ("paid by bank transfer").
    how = paid_by(text)
    method = payment_method_in(how) if how else None
    if method and slots.get("money_lost") is not False:
        slots["payment_method"] = method
        slots.setdefault("money_lost", True)
    elif slots.get("money_lost") is True:
        # Only the words right after "paid", "sent"...: "his bank kyc" is not how he paid.
        for paid in _PAID.finditer(text):
            clause = _CLAUSE.split(text[paid.start() : paid.end() + 50])[0]
            method = payment_method_in(clause)
            if method:
                slots["payment_method"] = transfer_named_in(text, method)
                break
    if interview == "fake_shop":
        slots.update(shop_slots_from_text(text))
    if interview == "fake_authority":
        demand = demands_in(text)
        if demand:
            slots["demand"] = demand
    if interview == "general":
        scam_type = scam_type or classify_scam_type(text)
        if scam_type:
            slots["scam_type"] = scam_type
        slots.update(type_slots_from_text(text, scam_type, found))
        if scam_type in ("sextortion", "advance_fee") and "amount_demanded" in slots:
            deadline = deadline_in(text)
            slots["demand"] = " ".join(filter(None, [slots["amount_demanded"], deadline]))
    if is_a_story(text):
        story = clean_text(text, limit=MAX_STORY_CHARS)
        if story:
            slots["story"] = story
    return slots
