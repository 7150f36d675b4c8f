"""The scam-type API with the model `make train` built (models/scam_types-current)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scamreport.classification import (
    UNSURE_BELOW,
    ScamTypeGuess,
    ScamTypeModelMissing,
    classifier_override,
    classify_scam_type,
    guess_scam_type,
    load_model,
    model_path,
)
from scamreport.classification.guess import model_guess
from scamreport.classification.keywords import keyword_guess
from scamreport.taxonomy import SCAM_TYPES


@pytest.fixture(scope="module")
def trained() -> object:
    try:
        return load_model()
    except ScamTypeModelMissing as error:
        pytest.fail(f"{error} (the tests of the classifier run after `make train`)")


@pytest.mark.parametrize(
    ("story", "code"),
    [
        ("A man said he was from Interpol, there is a warrant and I must pay", "fake_authority"),
        ("ordered 200 N95 masks, paid by bank transfer and nothing ever came", "fake_shop"),
        ("someone took money from my account", "phishing"),
        ("there are transactions i didnt make on my card", "phishing"),
        ("the trading app shows profit but i cannot withdraw, they want tax", "investment"),
        ("my mum sends money to a US army officer she met on facebook who loves her", "romance"),
        ("she recorded our video call and will send it to my family unless i pay", "sextortion"),
        ("a job where they send money to my account and i transfer it to their boss", "money_mule"),
        (
            "our supplier emailed new bank details and we paid the invoice there",
            "business_email_compromise",
        ),
        ("they said i won the lottery but i have to pay a processing fee first", "advance_fee"),
        ("microsoft called about a virus and made me install anydesk", "tech_support"),
    ],
)
def test_clear_stories_get_their_type(trained: object, story: str, code: str) -> None:
    guess = guess_scam_type(story)
    assert guess.code == code, guess.ranked[:3]
    assert classify_scam_type(story) == code


@pytest.mark.parametrize(
    ("story", "code"),
    [
        ("有人打电话说是上海公安，说我涉嫌洗钱，叫我把存款转到安全账户", "fake_authority"),
        ("在carousell买了一部手机，paynow了以后卖家就把我block了", "fake_shop"),
        ("我点了银行短信里的链接，输入了验证码，户口里的钱就被转走了", "phishing"),
        ("群里的老师叫我下载app炒股，现在赚的钱提不出来，说要先交税", "investment"),
        ("对方录了我们裸聊的视频，说不给钱就发给我所有朋友", "sextortion"),
        ("polis palsu call kata akaun saya terlibat kes dadah, suruh pindah duit ke akaun selamat", "fake_authority"),
        ("beli kasut kat instagram, dah transfer tapi barang tak sampai, seller block", "fake_shop"),
        ("dia ugut nak sebar video bogel saya kat kawan2 kalau tak bayar", "sextortion"),
        ("orang call kata dari microsoft, suruh install anydesk, lepas tu dia kawal laptop saya", "tech_support"),
    ],
)  # fmt: skip
def test_chinese_and_malay_stories_get_their_type(trained: object, story: str, code: str) -> None:
    assert guess_scam_type(story).code == code, guess_scam_type(story).ranked[:3]


def test_ranking_covers_every_type_best_first(trained: object) -> None:
    guess = guess_scam_type("I got a call from the police about a parcel with drugs")
    codes = [code for code, _ in guess.ranked]
    scores = [probability for _, probability in guess.ranked]
    assert sorted(codes) == sorted(SCAM_TYPES)
    assert scores == sorted(scores, reverse=True)
    assert sum(scores) == pytest.approx(1.0, abs=1e-3)
    assert (guess.code, guess.confidence) == guess.ranked[0]
    assert guess.alternatives(3) == tuple(codes[:3])


def test_model_is_loaded_once_per_process(trained: object) -> None:
    assert load_model() is trained
    assert load_model(model_path()) is trained


def test_case_and_spacing_do_not_change_the_guess(trained: object) -> None:
    story = "got an SMS from my BANK, clicked the link and gave my OTP"
    assert model_guess(story) == model_guess("  " + story.lower().replace(" ", "   ") + " ")


def test_a_vague_opening_is_unsure_or_other(trained: object) -> None:
    guess = guess_scam_type("hello")
    assert guess.unsure or guess.code == "other"
    assert classify_scam_type("hello") is None


def test_an_empty_story_is_unsure_other() -> None:
    guess = guess_scam_type("   ")
    assert (guess.code, guess.unsure) == ("other", True)
    assert classify_scam_type("") is None


def test_unsure_threshold() -> None:
    ranked = (("romance", 0.45), ("investment", 0.40), ("other", 0.15))
    guess = ScamTypeGuess(code="romance", confidence=0.45, ranked=ranked)
    assert guess.unsure_below == UNSURE_BELOW
    assert guess.unsure is (guess.confidence < guess.unsure_below)
    assert ScamTypeGuess("romance", 0.45, ranked, unsure_below=0.4).unsure is False
    assert ScamTypeGuess("romance", UNSURE_BELOW, ranked).unsure is False
    assert guess.alternatives(2) == ("romance", "investment")


def test_classify_scam_type_says_none_when_unsure() -> None:
    unsure = ScamTypeGuess("romance", UNSURE_BELOW - 0.01, (("romance", UNSURE_BELOW - 0.01),))
    with classifier_override(lambda _: unsure):
        assert guess_scam_type("anything").unsure
        assert classify_scam_type("anything") is None


def test_missing_model_tells_to_run_make_train(tmp_path: Path) -> None:
    with pytest.raises(ScamTypeModelMissing, match="make train"):
        load_model(tmp_path / "nowhere")


def test_model_path_follows_the_environment(tmp_path: Path) -> None:
    assert model_path({"SCAMREPORT_SCAM_TYPE_MODEL": str(tmp_path)}) == tmp_path
    assert model_path({}).name == "scam_types-current"


def test_keyword_fallback_without_a_model() -> None:
    """Unit tests that need no trained model say so: they use the keyword table instead."""
    with classifier_override(keyword_guess):
        assert classify_scam_type("Microsoft support installed AnyDesk on my computer") == (
            "tech_support"
        )
        assert guess_scam_type("hello").code == "other"


def test_importing_loads_nothing() -> None:
    code = (
        "import sys, scamreport.classification as c, scamreport.extraction;"
        "from scamreport.classification import guess;"
        "assert not guess._loaded;"
        "print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr
