"""Phones, links, e-mails, IBANs, wallets and handles inside Chinese and Malay text (issue 12):
Han characters and full-width forms right against an indicator, no spaces."""

from __future__ import annotations

from datetime import date

import pytest

from scamreport.extraction import build_extractor, extract_indicators
from scamreport.extraction.cjk import fold_full_width

TODAY = date(2026, 11, 29)

# (message, reporter's country, kind, values)
CASES: list[tuple[str, str, str, list[str]]] = [
    ("他打电话+6591234567说是警察", "SG", "phone", ["+6591234567"]),
    # a Malay doubled word's 2 ("mula2", "tadi2") is no digit of the number after it
    ("yg call mula2 03-9212 4470", "MY", "phone", ["+60392124470"]),
    ("tadi2 012-345 6789 call lagi", "MY", "phone", ["+60123456789"]),
    ("他打电话91234567说是警察", "SG", "phone", ["+6591234567"]),
    ("他打电话+65 9123 4567说是警察", "SG", "phone", ["+6591234567"]),
    ("对方号码是＋６５９１２３４５６７，叫我转账", "SG", "phone", ["+6591234567"]),
    ("他的号码：９１２３４５６７", "SG", "phone", ["+6591234567"]),
    ("电话13812345678是骗子", "CN", "phone", ["+8613812345678"]),
    ("打电话给我的号码是+6591234567和+60123456789。", "SG", "phone",
     ["+6591234567", "+60123456789"]),
    ("dia call saya dari 012-345 6789 kata polis", "MY", "phone", ["+60123456789"]),
    ("nombor dia 0123456789, dia kata dari Bank Negara", "MY", "phone", ["+60123456789"]),
    # a range no operator holds yet (spoofed), written the local way: kept
    ("dia call guna 011-6023 8854", "MY", "phone", ["+601160238854"]),
    ("加我WhatsApp：wa.me/6591234567。", "SG", "phone", ["+6591234567"]),
    ("pergi link www.maybank2u-secure.com.my dan masuk", "MY", "url",
     ["https://www.maybank2u-secure.com.my"]),
    ("网址：www.dbs-secure.com，然后登录", "SG", "url", ["https://www.dbs-secure.com"]),
    ("链接是https://dbs-sg.com/login。", "SG", "url", ["https://dbs-sg.com/login"]),
    ("点这个链接https://bit.ly/3abcD输入密码", "SG", "url", ["https://bit.ly/3abcD"]),
    ("网站www.shopee-promo.sg/deal然后付款", "SG", "url", ["https://www.shopee-promo.sg/deal"]),
    ("klik pautan hxxps://maybank-verify[.]com/login untuk sahkan", "MY", "url",
     ["https://maybank-verify.com/login"]),
    ("他的邮箱是scam@gmail.com。", "SG", "email", ["scam@gmail.com"]),
    ("电邮：scam＠gmail．com", "SG", "email", ["scam@gmail.com"]),
    ("我的邮箱是a@b.cn，他的是c@d.com", "SG", "email", ["a@b.cn", "c@d.com"]),
    ("转账到账户DE89370400440532013000，他说", "SG", "iban", ["DE89370400440532013000"]),
    ("钱包地址0x52908400098527886E0F7030069857D2E4169EE7，USDT", "SG", "crypto_wallet",
     ["0x52908400098527886E0F7030069857D2E4169EE7"]),
    ("比特币地址bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq，转了0.5个", "SG", "crypto_wallet",
     ["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"]),
    ("他的Telegram是@police_sg_123，叫我加", "SG", "handle", ["@police_sg_123"]),
    ("加他@john_tan叫他还钱", "SG", "handle", ["@john_tan"]),
    ("加我telegram：@scam_helper。", "SG", "handle", ["@scam_helper"]),
    ("t.me/fake_police_sg，他说", "SG", "handle", ["@fake_police_sg"]),
    ("dia suruh add telegram @polis_diraja_my untuk siasatan", "MY", "handle",
     ["@polis_diraja_my"]),
    ("他前天打电话，说我洗钱，叫我转三万新元", "SG", "amount", ["30000 SGD"]),
    ("他前天打电话，说我洗钱", "SG", "date", ["2026-11-27"]),
    ("sy dah bayar RM1,500 semalam", "MY", "amount", ["1500 MYR"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "country", "kind", "values"), CASES)
def test_indicators_inside_chinese_and_malay(
    text: str, country: str, kind: str, values: list[str]
) -> None:
    found = extract_indicators(text, country, today=TODAY)
    assert [str(value) for value in getattr(found, kind)] == values


def test_raw_keeps_what_the_reporter_wrote() -> None:
    found = build_extractor().find(
        "电邮：scam＠gmail．com，号码＋６５９１２３４５６７", "SG", today=TODAY
    )
    assert [(item.kind, item.value, item.raw) for item in found] == [
        ("email", "scam@gmail.com", "scam＠gmail．com"),
        ("phone", "+6591234567", "＋６５９１２３４５６７"),
    ]


def test_fold_keeps_length_and_punctuation() -> None:
    text = "号码：＋６５ ９１２３，邮箱ａ＠ｂ．ｃｏｍ。然后gmail。com"
    folded = fold_full_width(text)
    assert len(folded) == len(text)
    assert folded == "号码：+65 9123，邮箱a@b.com。然后gmail.com"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("meet @home tomorrow", "handle"),  # "@" for "at" still is not a handle
        ("他下午3点打电话", "phone"),
        ("我的验证码是１２３４５６", "phone"),  # a code, not a number to call
        ("链接是https://dbs-sg.com/login，然后登录", "email"),
    ],
)
def test_nothing_made_up(text: str, kind: str) -> None:
    assert getattr(extract_indicators(text, "SG", today=TODAY), kind) == []


@pytest.mark.parametrize(
    "text", ["akaun 012-345 6789", "户口 012-345 6789", "no akaun 0123 4567 890", "0123 4567 890"]
)
def test_an_account_number_grouped_like_a_phone_is_no_phone(text: str) -> None:
    assert extract_indicators(text, "MY", today=TODAY).phone == []


def test_english_unchanged() -> None:
    found = extract_indicators(
        "He called from +65 9123 4567, said he was police, sent me to www.dbs-secure.com "
        "and I paid S$1,200 yesterday to @fake_officer",
        "SG",
        today=TODAY,
    )
    assert found.phone == ["+6591234567"]
    assert found.url == ["https://www.dbs-secure.com"]
    assert [str(a) for a in found.amount] == ["1200 SGD"]
    assert found.date == ["2026-11-28"]
    assert found.handle == ["@fake_officer"]


@pytest.mark.parametrize(
    ("text", "country", "agencies"),
    [
        # a bare "警察" is any country's police, like "police" in English: no agency
        ("他打电话说是警察，叫我转账", "SG", []),
        ("他说是警察", "TW", []),
        ("他说他是新加坡警察", "SG", ["Singapore Police Force"]),
        ("他冒充新加坡警察部队", "SG", ["Singapore Police Force"]),
        ("他说他是马来西亚警察", "MY", ["Royal Malaysia Police"]),
        ("他说是中国警察", "SG", ["Ministry of Public Security of the People's Republic of China"]),
        ("自称是移民局的", "SG", ["Immigration"]),
        ("dia kata dari PDRM", "MY", ["Royal Malaysia Police"]),
        ("dia ngaku polis Malaysia", "MY", ["Royal Malaysia Police"]),
        # a district police headquarters is Malaysia's police
        ("dia sambung ke polis IPD Kota Kinabalu", "MY", ["Royal Malaysia Police"]),
        ("dia mengaku pegawai kastam", "MY", ["Customs"]),
        ("dia kata ada saman dari mahkamah", "MY", ["Court"]),
        ("saya pergi ke mahkamah esok", "MY", []),  # going to court is no claim
        ("dia kata dia polis", "MY", []),
    ],
)
def test_claimed_agencies_in_chinese_and_malay(
    text: str, country: str, agencies: list[str]
) -> None:
    assert extract_indicators(text, country, today=TODAY).claimed_agency == agencies
