"""Present-tense "it is happening now" cues, and past stories that are not urgent."""

from __future__ import annotations

import pytest

from scamreport.urgency import is_urgent, threatens_now


@pytest.mark.parametrize(
    "text",
    [
        "The caller is still on the line",
        "he is on the phone now what do I do",
        "they are calling me right now",
        "hes on the line",
        "they told me not to hang up",
        "a courier is coming to collect the cash",
        "someone will come to collect my card at 5pm",
        "the courier is on his way to pick up the money",
        "I am at the bank now",
        "im at the ATM, they want me to transfer 20k",
        "I'm about to transfer the money",
        "they asked me to withdraw the money now",
        "they're waiting outside",
        "a man waiting outside my house",
        "should i transfer the money?",
        # someone reporting for a parent who is at the bank now
        "my mum is at the bank now, the police told her to withdraw",
        "my dad's at the atm",
        "tolong cepat!! mak sy skrg ada kat bank, dorang suruh mak keluarkan semua duit ASB",
        "skrg dorang suruh mak keluarkan duit",
        "dorang suruh ayah transfer duit sekarang juga",
    ],
)
def test_urgent(text: str) -> None:
    assert is_urgent(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "last week a man called me",
        "A man called me yesterday and said he was from Interpol",
        "I lost 5000 last month",
        "they called me on the phone last Tuesday",
        "I was at the bank when I realised",
        "yesterday a courier came to collect cash from my mother",
        "He was still on the line when I hung up",
        "I was going to transfer but my son stopped me",
        "I'm not at the bank",
        "They told me to transfer money last week",
        "I went to the bank on monday and transferred",
        "my mum was at the bank yesterday",
        "ayah saya ada kat bank tadi",
        "dia suruh mak bayar bil bulan lepas",
    ],
)
def test_not_urgent(text: str) -> None:
    assert not is_urgent(text)


@pytest.mark.parametrize(
    ("text", "threatens"),
    [
        ("he says he will send it to my family unless i pay", True),
        ("she is blackmailing me", True),
        ("dia ugut nak sebar video tu", True),
        ("kalau tak bayar dia post kat fb", True),
        ("dia minta rm500", True),
        ("不给钱就发给我家人", True),
        ("他威胁我", True),
        ("i was scammed on carousell", False),
        ("polis kata sy akan ditangkap", False),
        ("我在网上买东西被骗了", False),
    ],
)
def test_threatens_now(text: str, threatens: bool) -> None:
    assert threatens_now(text) is threatens
