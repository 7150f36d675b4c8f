"""Money lost apart from money demanded or promised, in Chinese and Malay stories (issue 12)."""

from __future__ import annotations

import pytest

from scamreport.extraction.payments import money_mentions, says_not_paid, sounds_demanded


def texts(amounts: list) -> list[str]:  # type: ignore[type-arg]
    return [str(amount) for amount in amounts]


@pytest.mark.parametrize(
    ("text", "lost", "demanded"),
    [
        ("我被骗了3千新元", ["3000 SGD"], []),
        ("他骗了我两万", ["20000"], []),
        ("他要我付五万块，不然就抓我", [], ["50000 SGD"]),
        ("我转了5000新元，他又要我再转两万", ["5000 SGD"], ["20000"]),
        ("还没付，他要两千五百元", [], ["2500 SGD"]),
        ("我中了100万奖金，要先交手续费5000块", [], ["5000 SGD"]),
        ("saya hilang lima ribu ringgit", ["5000 MYR"], []),
        ("saya dah bayar RM500, dia minta lagi RM1000", ["500 MYR"], ["1000 MYR"]),
        ("dia suruh saya bayar RM3000 kalau tak nak kena tangkap", [], ["3000 MYR"]),
        ("saya belum bayar, dia minta RM2000", [], ["2000 MYR"]),
    ],
)
def test_lost_or_demanded_in_chinese_and_malay(
    text: str, lost: list[str], demanded: list[str]
) -> None:
    mentions = money_mentions(text, "SG")
    assert (texts(mentions.lost), texts(mentions.demanded)) == (lost, demanded)


def test_a_prize_is_promised_not_lost() -> None:
    mentions = money_mentions("saya menang hadiah RM50,000 tapi kena bayar RM800 dulu", "MY")
    assert texts(mentions.promised) == ["50000 MYR"]
    assert texts(mentions.demanded) == ["800 MYR"]
    assert mentions.lost == []


@pytest.mark.parametrize(
    ("text", "promised", "lost"),
    [
        # a loan applied for, pay for a job or a task, compensation one is "eligible" for
        ("我申请了两万令吉 他说批了 可是要先付processing fee", ["20000 MYR"], []),
        ("看到一个送货员的part time，一天两百块，就是去跟人拿信封", ["200 MYR"], []),
        ("有人问他要不要赚五百块，只要把Singpass借给他们", ["500 MYR"], []),
        # someone said they would give him (the reporter's father) money; not "要我给他"
        ("咖啡店里有人说帮忙开公司，给他五百块", ["500 MYR"], []),
        ("他说要我给他五百块，不然就报警", [], []),
        ("mak layak dapat pampasan RM150 ribu, tapi kena bayar yuran dulu", ["150000 MYR"], []),
        ("dia suruh like video tiktok, dpt S$5 satu task, memang masuk", ["5 SGD"], []),
        # money that came into the reporter's account (a "mistaken transfer" to pass on)
        (
            "ada org masukkan RM2,000 dlm akaun sy, lepas tu dia kata tersalah transfer",
            ["2000 MYR"],
            [],
        ),
        ("有人转了五千块到我的户口", ["5000 MYR"], []),
        ("someone transferred RM2000 into my account by mistake", ["2000 MYR"], []),
        # and still lost: "有一天" is not a day's pay, "还了" (paid back) is paid
        ("有一天他打电话来，我转了两千块", [], ["2000 MYR"]),
        ("我很怕就先还了1千5令吉", [], ["1500 MYR"]),
        # a prize in the words of a fake courier: "奖品" with cash, and its fee demanded
        ("说她有个会员抽奖的奖品，一台吸尘器还有一千令吉现金，要先付清关费", ["1000 MYR"], []),
    ],
)
def test_money_offered_to_the_reporter_is_not_lost(
    text: str, promised: list[str], lost: list[str]
) -> None:
    mentions = money_mentions(text, "MY")
    assert (texts(mentions.promised), texts(mentions.lost)) == (promised, lost)


def test_short_answers() -> None:
    assert sounds_demanded("他要五万")
    assert not sounds_demanded("我付了五万")
    assert says_not_paid("我还没付") and says_not_paid("saya belum bayar")
    assert not says_not_paid("saya dah bayar")


@pytest.mark.parametrize(
    "text",
    [
        # The real supplier asking: the company had paid the fake account (a BEC persona).
        "我们照invoice付了，昨天supplier打来问怎么还没付款，才知道那封email是假的",
        "pembekal tanya kenapa belum bayar, rupanya kami dah bayar ke akaun lain",
        "the real supplier asked why we didn't pay, but we had paid the new account",
        # what somebody else never sent: the company had paid
        "we paid their invoice to the new IBAN. Their real accounts person says they never sent it",
        "我们付了，对方没有发过那封email",
    ],
)
def test_someone_asking_why_it_was_not_paid_is_not_the_reporter_keeping_their_money(
    text: str,
) -> None:
    assert not says_not_paid(text)


@pytest.mark.parametrize(
    "text", ["她还没有付", "mak sy kata dia tak bayar lagi", "she hasn't paid yet"]
)
def test_he_or_she_not_paying_in_a_relatives_report_is_the_victim_keeping_their_money(
    text: str,
) -> None:
    assert says_not_paid(text)


@pytest.mark.parametrize(
    ("text", "claimed", "lost"),
    [
        # a fake renewal or charge a message named is a claim; what the reporter then paid is lost
        (
            "我收到一封email说我的Norton续费了RM 1,499，如果不要就打这个号码取消，我就转了两千块",
            ["1499 MYR"],
            ["2000 MYR"],
        ),
        ("sms kata akaun sy kena caj RM300, sy call nombor tu", ["300 MYR"], []),
        ("got an email saying my antivirus renewed for RM 899", ["899 MYR"], []),
        # a message that asks for money is a demand, as before
        ("短信说包裹要付RM5运费", [], []),
    ],
)
def test_a_charge_a_message_claimed_is_not_lost(
    text: str, claimed: list[str], lost: list[str]
) -> None:
    mentions = money_mentions(text, "MY")
    assert (texts(mentions.claimed), texts(mentions.lost)) == (claimed, lost)
