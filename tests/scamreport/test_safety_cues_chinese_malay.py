"""Help before questions in Chinese and Malay: despair, a reporter under 18, a scam still going
on, a sextortion threat; and the everyday phrases that look like them but are not (issue 12)."""

from __future__ import annotations

import pytest

from scamreport.safeguarding import mentions_minor, mentions_self_harm, stated_age
from scamreport.urgency import is_urgent


@pytest.mark.parametrize(
    "text",
    [
        "我被骗了所有积蓄，真的想死",
        "我不想活了",
        "钱全没了 活不下去了",
        "他骗了我所有钱我想自杀",
        "好想结束自己的生命",
        "老公知道了会杀了我，我不如死了算了",
        "saya rasa nak mati",
        "aku tak nak hidup lagi lepas kena tipu",
        "rasa nak bunuh diri je",
        "lebih baik aku mati",
        "duit simpanan habis, hidup dah tak ada makna",
        "sy x nak hidup lagi",
    ],
)
def test_words_of_despair_in_chinese_and_malay(text: str) -> None:
    assert mentions_self_harm(text)


@pytest.mark.parametrize(
    "text",
    [
        "笑死我了这个骗子",
        "我手机死机了，截图发不了",
        "想死你了宝贝",  # what the "boyfriend" wrote: "miss you so much"
        "他说如果我不给钱他就自杀",
        "我不想死，请帮帮我",
        "累死了今天",
        "penat nak mati kerja hari ni",
        "bateri phone nak mati, nanti sambung",
        "saya tak nak mati",
        "dia kata dia nak bunuh diri kalau saya tak bagi duit",
        "gelak nak mati baca mesej dia",
    ],
)
def test_figures_of_speech_and_others_threats_are_not_despair(text: str) -> None:
    assert not mentions_self_harm(text)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("我才15岁", 15),
        ("我今年十五岁，被人骗了", 15),
        ("我儿子14岁，被人勒索", 14),
        ("umur saya 15", 15),
        ("saya berumur 16 tahun", 16),
        ("sy baru 15 thn, takut nak bagitau mak", 15),
        ("anak saya 14 tahun kena ugut", 14),
        ("umur saya 15. tolong jangan bagitau mak", 15),
    ],
)
def test_a_minors_age_in_chinese_and_malay(text: str, age: int) -> None:
    assert stated_age(text) == age
    assert mentions_minor(text)


@pytest.mark.parametrize(
    "text",
    [
        "我是中学生",
        "我还没成年，不敢告诉爸妈",
        "我读初三",
        "我女儿被人威胁要发她的裸照",
        "saya budak sekolah",
        "saya masih bawah umur",
        "saya pelajar tingkatan 4",
        "anak saya kena ugut sebar gambar dia",
        "我才初二，他说要把视频发给我爸妈",
        "我还没满18岁",
        "未成年",
        "bawah umur",
        "sy form 4, dia ugut nak sebar gambar",
        "i'm 15 pls help 他要把视频发给我同学",
    ],
)
def test_a_minor_in_words_in_chinese_and_malay(text: str) -> None:
    assert mentions_minor(text)


@pytest.mark.parametrize(
    "text",
    [
        "我今年45岁",
        "我妈妈70岁了",
        "我15岁那年开的户口",
        "转了15000给他",
        "umur saya 45",
        "saya 15 tahun kerja sini",
        "dah 15 tahun saya guna bank ni",
        "saya bayar 15 ringgit",
        "saya berumur 30 tahun",
        "我中一等奖了，他叫我交手续费",
        "我初一去银行转的钱",
        "anak saya dah kerja, saya sendiri 52",
        "sy 12 malam tadi kena call",
        "saya 150 ringgit rugi",
        "sy 15,000 hilang",
    ],
)
def test_adults_and_numbers_are_not_minors_in_chinese_and_malay(text: str) -> None:
    assert not mentions_minor(text)


@pytest.mark.parametrize(
    "text",
    [
        "他还在电话上，我该怎么办",
        "他们叫我不要挂电话",
        "快递员要来我家拿钱",
        "有人等一下要来拿我的银行卡",
        "我现在在银行",
        "我在ATM，他们叫我转两万",
        "他说今天之前要付清，不然就抓我",
        "他要把我的照片发给我所有朋友",
        "不给钱就把视频发给我老婆",
        "我正准备转账给他",
        "我要不要转钱给他？",
        "AnyDesk还开着",
        "他还在控制我的电脑",
        "dia masih dalam talian",
        "pegawai tu suruh saya jangan letak telefon",
        "kurier nak datang ambil duit",
        "saya kat bank sekarang",
        "sy dkt atm ni diorang suruh transfer",
        "patut ke saya bayar?",
        "dia ugut nak sebar gambar saya kat kawan2",
        "kalau tak bayar dia akan viralkan video",
        "kena bayar sebelum malam ni kalau tak ditangkap",
        "AnyDesk masih buka",
        "dia masih kawal laptop saya",
        "mereka tengah tunggu kat bawah",
        "sy nak transfer dah ni, ni scam ke?",
        "tolong cepat, mak sy tengah transfer duit",
        "dorang suruh transfer dlm 10 minit kalau tak kena tangkap",
        "tolong, lelaki tu masih cakap dgn mak sy",
        "urgent!! scammer tgh video call dgn sy",
        "runner tu ada kat bawah skrg",
        "ada lelaki kat pintu ngaku interpol",
        "sy duduk dlm kereta luar bank, dorang dlm phone",
        "runner lagi 10 minit sampai, apa nak buat",
        "skrg ada org kata akaun sy kena beku dlm 30 minit",
        "sy masih on the line dgn pegawai tu",
        "那个警察现在在电话里叫我转账",
        "救命，那个人还在跟我妈讲电话",
        "骗子正在跟我视频，不让我挂",
        "我阿嬷现在在银行柜台要提四万",
        "快递员还有十分钟就到了，现在怎么办",
        "他们给我一个小时付钱，不然警察会来",
        "我快要转钱了，这是诈骗吗",
        "他们刚打来，五分钟后会再打",
        "我被人录了裸聊视频！他说要发给我老婆和同事，我已经转了五千块",
        "有人拿到我的照片，说不给他500新币今晚就发给我全班同学",
        "dia kata kalau tak bagi rm500 malam ni dia hantar gambar kat kawan sekelas",
    ],
)
def test_a_scam_going_on_now_in_chinese_and_malay(text: str) -> None:
    assert is_urgent(text)


@pytest.mark.parametrize(
    "text",
    [
        "昨天有个人打电话给我说是警察",
        "上个月我被骗了五千块",
        "我上周在银行转了钱给他",
        "昨天我在银行的时候才发现",
        "他上个月还在电话上骗我妈",
        "我已经报警了",
        "我在网上买了东西没收到",
        "semalam ada orang call saya kata polis",
        "minggu lepas saya kena tipu RM5000",
        "saya tak kat bank",
        "semalam saya kat bank",
        "saya dah transfer minggu lepas",
        "saya beli barang kat shopee tak sampai",
        "aplikasi tunjuk untung tapi nak withdraw kena bayar cukai dulu",
        "dia kata perlu sy bayar yuran peguam dulu",
        "dia kata nak bayar bil hospital",
        "sy bayar RM 640 guna DuitNow kat page instagram tu, dia kata barang sampai 2 hari",
        "不知道是不是骗局，有个陌生号码一直打电话给我",
        "他叫我挂电话然后去报警",
        "一个小时后我才发现被骗了",
        "他在电话上说我的包裹有毒品",
        "saya kat rumah sekarang, semalam kena tipu",
    ],
)
def test_past_stories_are_not_urgent_in_chinese_and_malay(text: str) -> None:
    assert not is_urgent(text)
