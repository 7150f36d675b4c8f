"""One-time codes, PINs and passwords pasted in Chinese or Malay are masked too (issue 12)."""

from __future__ import annotations

import pytest

from scamreport.sensitive import find_secrets, mask_secrets, mentioned_secret_kind


@pytest.mark.parametrize(
    ("text", "masked", "kinds"),
    [
        ("验证码是123456", "验证码是[REDACTED OTP]", ["otp"]),
        ("我的验证码123456", "我的验证码[REDACTED OTP]", ["otp"]),
        ("短信验证码：482913，他叫我告诉他", "短信验证码：[REDACTED OTP]，他叫我告诉他", ["otp"]),
        ("他问我要验证码，我给了他 482913", "他问我要验证码，我给了他 [REDACTED OTP]", ["otp"]),
        ("我的取款密码是123456", "我的取款密码是[REDACTED PIN]", ["pin"]),
        ("银行卡密码：888888", "银行卡密码：[REDACTED PIN]", ["pin"]),
        ("密码是Abc12345", "密码是[REDACTED PASSWORD]", ["password"]),
        ("kod pengesahan saya 482913", "kod pengesahan saya [REDACTED OTP]", ["otp"]),
        ("dia minta kod, saya bagi 482913", "dia minta kod, saya bagi [REDACTED OTP]", ["otp"]),
        ("kata laluan saya: Ali1234!", "kata laluan saya: [REDACTED PASSWORD]", ["password"]),
    ],
)
def test_chinese_and_malay_secrets_are_masked(text: str, masked: str, kinds: list[str]) -> None:
    result = mask_secrets(text)
    assert (result.masked_text, result.kinds) == (masked, kinds)


@pytest.mark.parametrize(
    "text",
    ["kod pos 50480", "我转了5000块", "他的号码91234567", "kata laluan dia tukar", "密码错误",
     "他说要冻结我的账户"],
)  # fmt: skip
def test_not_secrets(text: str) -> None:
    assert find_secrets(text) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [("他要我的验证码", "otp"), ("dia minta kod TAC", "otp"), ("他问我支付密码", "pin"),
     ("dia minta kata laluan", "password"), ("他打电话给我", None)],
)  # fmt: skip
def test_the_secret_a_message_talks_about(text: str, kind: str | None) -> None:
    assert mentioned_secret_kind(text) == kind


def test_the_next_message_after_a_chinese_mention_is_the_code() -> None:
    assert mentioned_secret_kind("骗子要我的验证码") == "otp"
    assert mask_secrets("482913", expecting="otp").masked_text == "[REDACTED OTP]"


@pytest.mark.parametrize(
    "answer",
    [
        "没有，反而他拿了五百块",  # after "卡和密码都是他们拿着": an answer, not the password
        "没有，户口不在他手上，卡和密码都是他们拿着",
        "他在咖啡店认识的人，号码不知道",
    ],
)
def test_a_chinese_answer_after_a_password_was_mentioned_is_no_password(answer: str) -> None:
    assert mask_secrets(answer, expecting="password").masked_text == answer
    # a password typed on its own still is one
    assert mask_secrets("Abc12345!", expecting="password").kinds == ["password"]


def test_a_code_read_out_inside_a_chinese_sentence_is_still_masked() -> None:
    masked = mask_secrets("他叫我念给他，我就念了482913给他", expecting="otp")
    assert masked.kinds == ["otp"] and "482913" not in masked.masked_text
