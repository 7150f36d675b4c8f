"""Money lost or money demanded: an amount in a story is not a loss until the words say it was paid.

"He wants 15000 unless i pay by tonight" names money demanded, not lost; "I paid 300 and they
asked for 500 more" names 300 lost and 500 demanded. Reports keep the two apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from scamreport.extraction.model import Amount

# Chinese and Malay cues (issue 12). Chinese has no word boundaries, so these stand apart from
# the English alternatives, which are wrapped in \b.
_ZH_MS_DEMAND = (
    r"|(?:要|叫|让|逼|要求)我(?:再|还要|马上|立刻|先)?(?:付|转|交|汇|打|给|充值)|索要|勒索|不然|否则|"
    # "不给他500今晚就发给…": the price of a threat, not money paid
    r"不(?:给|付|转|交|汇)(?:他|她|他们)?(?:钱)?(?=[0-9一二两三四五六七八九十百千万$])|"
    r"还要(?:付|转|交)|再(?:付|转|交|汇)|(?:必须|需要|得|要)(?:先|再)?(?:付|转|交|汇)|"
    r"要(?=[0-9一二两三四五六七八九十百千万])|手续费|保证金|解冻费|税费|押金|服务费|"
    r"\b(?:(?:minta|suruh|paksa|desak)\s+(?:saya\s+|aku\s+|kami\s+)?(?:bayar|transfer|pindah\w*|"
    r"hantar|masukkan)|(?:kena|perlu|mesti|wajib)\s+(?:bayar|transfer|pindah\w*|hantar)|ugut\w*|"
    r"kalau\s+(?:tak|tidak)|jika\s+tidak|nak\s+lagi|minta\s+lagi)\b"
)
_ZH_MS_PAID = (
    r"|(?:付|转|汇|给|交|打|充值|投资|花|转账|输|亏|损失|还)了|被骗(?:走)?了?|骗(?:走)?了|被(?:扣|拿走|转走)|"
    r"\b(?:(?:dah|sudah|telah)\s+(?:bayar|transfer|pindah\w*|hantar|masukkan|bagi|kasi)|dibayar|"
    r"hilang|rugi|kerugian|(?:kena|di)\s?tipu|kena\s+scam|habis|lesap|dipotong|ditolak)\b"
)
_ZH_MS_NOT_PAID = (
    r"|(?:没有?|还没有?|并没有?|未)(?:付|转|汇|给|交|打|被骗)|不会付|拒绝付|"
    r"\b(?:(?:belum|tak|tidak|tidak\s+pernah|x)\s+(?:bayar|transfer|pindah\w*|hantar|bagi)|"
    r"(?:tiada|takde)\s+(?:duit|wang)\s+(?:hilang|dibayar))\b"
)
_ZH_MS_PROMISED = (
    r"|中了|奖|赢了|赚了|收益|利润|回报|返还|退款|补偿|(?:可以|能|会)(?:拿到|得到|收到)|遗产|"
    # money offered to the reporter: "一个月给我500块", "每天付我300", a mule's "salary" or
    # cut ("每一万抽两百块")
    r"给我|付我|发我|答应|承诺|(?:每个?月|一个月|每天|一天|每周|每单)(?:给|付|发|赚|有)|工资|薪水|佣金|"
    r"报酬|酬劳|抽(?:成|佣|水)?|反而(?:他|她|我|我爸|我妈|他们)?(?:拿|收|赚|得)(?:到)?了|"
    # "有人说帮忙开公司，给他五百块": someone said they would give him (a parent reported on) money
    r"说(?:(?!要|叫|让|逼|不|再|必须|得)[^。！？；]){0,20}?给(?:他|她|他们)\s*$|"
    # a loan applied for or approved ("申请了两万", "批了"), pay for the job ("赚五百块",
    # "一天两百块"): offered, not lost
    r"贷款|申请|批了|批准|获批|赚|(?:每个?月|一个月|每天|一天|每周|每单|一单)\s?$|"
    r"\b(?:menang|hadiah|untung|keuntungan|pulangan|bonus|pinjaman|warisan|gaji|upah|pampasan|"
    r"komisen|(?:bagi|beri|bayar)\s+(?:saya|aku|kami)|(?:akan|boleh|layak)\s+dapat|layak|"
    # offered: "ada org tawar RM300 sebulan utk sewa akaun", "dia janji bagi RM500"
    r"(?:di)?tawar(?:kan|an)?|menawarkan|(?:di)?janji(?:kan)?|berjanji)\b"
    # "dpt S$5 satu task": money got for a task, right before the amount
    r"|\b(?:dapat|dpt)\s*$"
)

_DEMAND_CUE = re.compile(
    r"\b(?:wants?|wanted|demand\w*|ask(?:s|ed|ing)?\s+(?:me\s+|us\s+)?(?:for|to\s+(?:pay|send|"
    r"transfer))|unless\s+(?:i|we)\s+(?:pay|send|transfer)|if\s+(?:i|we)\s+(?:don'?t|do\s+not|"
    r"dont)\s+(?:pay|send)|(?:have|has|had|need|needs|got)\s+to\s+(?:pay|send|transfer)|must\s+"
    r"(?:pay|send|transfer)|told\s+(?:me\s+|us\s+)?to\s+(?:pay|transfer|send)|threaten\w*|"
    r"ransom|(?:more|another|extra|additional)\s+(?:fee|payment)|fee\s+of|"
    r"pay\s+(?:him|her|them)|or\s+else|(?:trying|about|going|preparing|getting\s+ready|wants?)\s+"
    r"to\s+(?:withdraw|transfer|send|pay|wire))\b" + _ZH_MS_DEMAND,
    re.IGNORECASE,
)
_PAID_CUE = re.compile(
    r"\b(?:paid|transferr?ed|sent|lost|gave|deposited|withdr[ae]w|was\s+taken|were\s+taken|took|"
    r"deducted|debited|charged|spent|invested|scammed\s+(?:me\s+|us\s+)?(?:of|out\s+of)|"
    r"cheated\s+(?:me\s+|us\s+)?(?:of|out\s+of))\b" + _ZH_MS_PAID,
    re.IGNORECASE,
)
_NOT_PAID = re.compile(
    r"\b(?:not\s+(?:paid|pay|sent|transferred)\s+(?:yet|anything|them|him|her)|(?:haven'?t|havent|"
    r"have\s+not|hasn'?t|didn'?t|didnt|did\s+not|never)\s+(?:paid|pay|sent|send|transferred|"
    r"transfer|lost|lose)|not\s+yet\s+paid|won'?t\s+pay|refused\s+to\s+pay|no\s+money\s+"
    r"(?:lost|paid|sent|was\s+taken))\b" + _ZH_MS_NOT_PAID,
    re.IGNORECASE,
)
# Money promised to the reporter: a prize, an inheritance, a loan, profits, a salary.
_PROMISED_CUE = re.compile(
    r"\b(?:won|win|winning|winnings|prize\s+(?:of|money)?|worth|inherit\w*|inheritance\s+of|"
    r"(?:loan|grant|refund|compensation|payout|jackpot|reward|bonus|salary|commission)(?:\s+(?:of|"
    r"for))?|profits?\s+(?:of)?|earn\w*|made|returns?\s+of|balance\s+(?:of|was|is|showed|shows)?|"
    r"receive|claim|release|approved\s+for|(?:pay|give|offered)\s+(?:me|us)|offer(?:ed|s|ing)?|"
    r"left\s+(?:me|us|you)|(?:will|would)\s+(?:get|receive)|entitled\s+to|bequeath\w*)\b"
    + _ZH_MS_PROMISED,
    re.IGNORECASE,
)
# What a message or caller said was charged or owed: "an email saying my Norton renewed for
# $499", "email说我的Norton续费了RM 1,499", "sms kata akaun kena caj RM300". A claim, not a loss.
_CLAIMED_CUE = re.compile(
    r"\b(?:e-?mail|email|sms|text|message|letter|notice|invoice|pop-?up|voicemail)\s+(?:\w+\s+){0,2}?"
    r"(?:saying|said|says|stating|claiming|claimed)\b"
    r"|(?:email|e-mail|邮件|电邮|短信|信息|讯息|简讯|通知|消息|来电|sms|SMS)[^，,。！？]{0,6}?"
    r"(?:说|称|表示|显示|写着)"
    r"|\b(?:e-?mel|email|sms|mesej|notis|surat|pop-?up)\s+(?:\w+\s+){0,2}?(?:kata|cakap|"
    r"kononnya|menyatakan|mengatakan|bagitau|bagitahu|beritahu)\b",
    re.IGNORECASE,
)
# "ada org masukkan RM2,000 dlm akaun sy", "someone sent 2000 into my account": received.
_INTO_MY_ACCOUNT = re.compile(
    r"\s*(?:\w+\s+)?(?:into|to|in)\s+(?:my|our)\s+(?:bank\s+)?account"
    r"|\s*(?:masuk\s+)?(?:dlm|dalam|ke|kat|dekat)\s+akaun\s+(?:sy|saya|aku|kami)\b"
    r"|\s*(?:转|汇|打|存)?(?:到|进|入)我(?:的|们的)?(?:户口|账户|帐户|戶口)",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.!?;\n。！？；]")
_WINDOW = 60


@dataclass
class MoneyMentions:
    """The amounts of a text, split by what the words around them say."""

    lost: list[Amount] = field(default_factory=list)
    demanded: list[Amount] = field(default_factory=list)
    promised: list[Amount] = field(default_factory=list)  # a prize, profits: never lost
    claimed: list[Amount] = field(default_factory=list)  # a fake charge a message named
    # The text says nothing was paid ("not paid yet", "didn't pay").
    says_not_paid: bool = False


# "arrested if i didnt pay": a threat, not a statement that nothing was paid.
_CONDITION_BEFORE = re.compile(
    r"\b(?:if|unless|or|else|otherwise)\s+(?:i|we|you|he|she)?\s*$", re.I
)


# Someone else asking why it was not paid ("supplier打来问怎么还没付款", "tanya kenapa belum
# bayar"): what the real supplier or the bank said, not that the reporter kept their money.
_ASKED_WHY_BEFORE = re.compile(
    r"问(?:我|我们|他|她|他们)?(?:说)?(?:为什么|为啥|怎么|为何|是不是)?$"
    r"|\btanya\s+(?:saya\s+|kami\s+)?(?:kenapa|mengapa|apasal)\s*$"
    r"|\bask(?:ed|ing|s)?\s+(?:me\s+|us\s+)?why\s+(?:i|we)?\s*$",
    re.I,
)


# Somebody else's "never sent": "their real accounts person says they never sent it", "对方没有转".
# Not "he" or "she": in a son's report on his mother, "she hasn't paid yet" is the victim's.
_SOMEONE_ELSE_BEFORE = re.compile(
    r"\b(?:they|it|who|which|supplier|company|seller|shop|bank|person)\s*$"
    r"|(?:他们|她们|对方|卖家|商家|公司|银行)$"
    r"|\b(?:dorang|diorang|depa|mereka|penjual|pembekal|syarikat|bank)\s*$",
    re.I,
)


def _reporter_did_not_pay(before: str) -> bool:
    """Whether a "not paid" after ``before`` is the reporter's: not a condition ("or else"),
    not someone else asking why, not what someone else did not send."""
    return not (
        _CONDITION_BEFORE.search(before)
        or _ASKED_WHY_BEFORE.search(before)
        or _SOMEONE_ELSE_BEFORE.search(before)
    )


def says_not_paid(text: str) -> bool:
    return any(
        _reporter_did_not_pay(text[max(0, match.start() - 20) : match.start()])
        for match in _NOT_PAID.finditer(text)
    )


def sounds_demanded(text: str) -> bool:
    """True when a short answer speaks of money asked for, not paid ("he wants 15000")."""
    return bool(_DEMAND_CUE.search(text)) and not _PAID_CUE.search(text) or says_not_paid(text)


def _last_cue(pattern: re.Pattern[str], text: str) -> int:
    positions = [match.end() for match in pattern.finditer(text)]
    return positions[-1] if positions else -1


def money_mentions(
    text: str, country: str | None = None, *, today: date | None = None
) -> MoneyMentions:
    """Every amount in ``text`` as lost or demanded, read from the words just before it."""
    from scamreport.extraction.readings import read_message

    mentions = MoneyMentions(says_not_paid=says_not_paid(text))
    whole_demanded = sounds_demanded(text)
    for found in read_message(text, country, today=today).found:
        if found.kind != "amount" or not isinstance(found.value, Amount):
            continue
        window = text[max(0, found.start - _WINDOW) : found.start]
        window = _CLAUSE_END.split(window)[-1]
        amount = _times(window, found.value)
        demand_at, paid_at = _last_cue(_DEMAND_CUE, window), _last_cue(_PAID_CUE, window)
        if _INTO_MY_ACCOUNT.match(text[found.end : found.end + 30]):
            mentions.promised.append(found.value)  # money that came to the reporter
        elif _last_cue(_PROMISED_CUE, window) > max(demand_at, paid_at):
            mentions.promised.append(found.value)
        elif _last_cue(_CLAIMED_CUE, window) > max(demand_at, paid_at):
            mentions.claimed.append(found.value)
        elif (
            demand_at > paid_at
            or demand_at == paid_at >= 0
            or (demand_at == paid_at == -1 and whole_demanded)
        ):
            mentions.demanded.append(amount)
        elif paid_at >= 0 and not says_not_paid(window):
            mentions.lost.append(amount)
        elif mentions.says_not_paid:
            mentions.demanded.append(amount)
        else:
            mentions.lost.append(amount)
    return mentions


# "2 transfers of 500 dollars each", "three charges of $640": one amount, several times.
_TIMES_BEFORE = re.compile(
    r"\b(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\s+(?:separate\s+|different\s+)?"
    r"(?:transfers?|charges?|payments?|transactions?|debits?|withdrawals?|deductions?|times)\s+"
    r"(?:of|for|at)\s*$",
    re.IGNORECASE,
)
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10}  # fmt: skip


def _times(window: str, amount: Amount) -> Amount:
    match = _TIMES_BEFORE.search(window)
    if not match:
        return amount
    word = match.group(1).lower()
    count = int(word) if word.isdigit() else _COUNT_WORDS[word]
    if count < 2:
        return amount
    total = amount.value * count
    if total == total.to_integral_value():
        total = total.quantize(Decimal(1))
    return Amount(total, amount.currency)
