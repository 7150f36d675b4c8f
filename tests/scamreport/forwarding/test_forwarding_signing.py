"""HMAC-SHA256 signatures: what the worker signs, an agency can verify; anything else fails,
including the same body under another idempotency key."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

import pytest

from scamreport.forwarding.signing import (
    SignatureError,
    compute_signature,
    parse_signature_header,
    sign,
    verify_signature,
)

BODY = b'{"payload_version":1,"report":{"reference":"SR-7K3M-9QXD"}}'
SECRET = "whsec-test-0123456789"
NOW = 1_700_000_000
KEY = "SR-7K3M-9QXD/sg-spf/webhook/json"


def test_the_header_is_a_timestamp_and_the_hmac_of_timestamp_key_and_body() -> None:
    header = sign(BODY, idempotency_key=KEY, secret=SECRET, timestamp=NOW)
    message = f"{NOW}\n{KEY}\n".encode() + BODY
    expected = hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()
    assert header == f"t={NOW},v2={expected}"
    assert parse_signature_header(header) == (NOW, [expected])


def test_a_signed_body_verifies() -> None:
    header = sign(BODY, idempotency_key=KEY, secret=SECRET, timestamp=NOW)
    assert verify_signature(BODY, header, idempotency_key=KEY, secret=SECRET, now=NOW + 10) == NOW


@pytest.mark.parametrize(
    ("body", "secret", "now", "words"),
    [
        (BODY + b" ", SECRET, NOW, "does not match"),  # one byte added
        (b"", SECRET, NOW, "does not match"),
        (BODY.replace(b"9QXD", b"9QXE"), SECRET, NOW, "does not match"),
        (BODY, "another-secret", NOW, "does not match"),
        (BODY, SECRET, NOW + 301, "away from now"),  # replayed later
        (BODY, SECRET, NOW - 301, "away from now"),  # from the future
    ],
)
def test_tampering_a_wrong_secret_and_replays_are_refused(
    body: bytes, secret: str, now: int, words: str
) -> None:
    header = sign(BODY, idempotency_key=KEY, secret=SECRET, timestamp=NOW)
    with pytest.raises(SignatureError, match=words):
        verify_signature(body, header, idempotency_key=KEY, secret=secret, now=now)


@pytest.mark.parametrize("key", [KEY + "x", "SR-7K3M-9QXD/my-pdrm/webhook/json", "k"])
def test_the_same_body_under_another_idempotency_key_is_refused(key: str) -> None:
    header = sign(BODY, idempotency_key=KEY, secret=SECRET, timestamp=NOW)
    with pytest.raises(SignatureError, match="does not match"):
        verify_signature(BODY, header, idempotency_key=key, secret=SECRET, now=NOW)


@pytest.mark.parametrize("key", ["", "two words", "line\nbreak", "caf\u00e9", "k" * 256])
def test_keys_that_cannot_be_signed_are_refused(key: str) -> None:
    with pytest.raises(ValueError, match="printable ASCII"):
        sign(BODY, idempotency_key=key, secret=SECRET)
    header = sign(BODY, idempotency_key=KEY, secret=SECRET, timestamp=NOW)
    with pytest.raises(SignatureError, match="printable ASCII"):
        verify_signature(BODY, header, idempotency_key=key, secret=SECRET, now=NOW)


def test_a_forged_timestamp_breaks_the_signature() -> None:
    header = sign(BODY, idempotency_key=KEY, secret=SECRET, timestamp=NOW)
    forged = header.replace(f"t={NOW}", f"t={NOW + 1000}")
    with pytest.raises(SignatureError, match="does not match"):
        verify_signature(BODY, forged, idempotency_key=KEY, secret=SECRET, now=NOW + 1000)


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (None, "missing"),
        ("", "missing"),
        ("garbage", "malformed"),
        ("t=abc,v2=00", "malformed signature timestamp"),
        ("t=\u00b2,v2=00", "malformed signature timestamp"),  # a digit int() cannot read
        ("t=" + "9" * 400 + ",v2=00", "malformed signature timestamp"),
        ("v2=00", "no timestamp"),
        (f"t={NOW}", "no v2="),
        (f"t={NOW},v1=abc", "no v2="),  # the old scheme did not cover the key
        (f"t={NOW},v2=\u00e9\u00e9", "does not match"),  # not hex: no TypeError
        (f"t={NOW},v2=" + "0" * 4000, "too long"),
    ],
)
def test_malformed_headers_are_refused(header: str | None, words: str) -> None:
    with pytest.raises(SignatureError, match=words):
        verify_signature(BODY, header, idempotency_key=KEY, secret=SECRET, now=NOW)


def test_any_listed_signature_may_match_during_secret_rotation() -> None:
    old = compute_signature(BODY, idempotency_key=KEY, secret="old-secret", timestamp=NOW)
    new = compute_signature(BODY, idempotency_key=KEY, secret=SECRET, timestamp=NOW)
    header = f"t={NOW},v2={old},v2={new}"
    assert verify_signature(BODY, header, idempotency_key=KEY, secret=SECRET, now=NOW) == NOW
    assert verify_signature(BODY, header, idempotency_key=KEY, secret="old-secret", now=NOW) == NOW


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        sign(BODY, idempotency_key=KEY, secret="")


def test_the_worked_example_in_the_documentation_is_right() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "forwarding.md").read_text("utf-8")
    header = re.search(r"X-ScamReport-Signature: (t=\d+,v2=[0-9a-f]{64})", text)
    secret = re.search(r"with the secret `([^`]+)`", text)
    key = re.search(r"the idempotency key `([^`]+)`", text)
    assert header and secret and key
    body = b'{"payload_version":1,"report":{"reference":"SR-7K3M-9QXD"}}'
    assert body.decode() in text
    timestamp = verify_signature(
        body, header.group(1), idempotency_key=key.group(1), secret=secret.group(1), now=NOW
    )
    assert timestamp == NOW
    assert f"SHA2-256(stdin)= {header.group(1).split('v2=')[1]}" in text


def test_the_python_verifier_in_the_documentation_works(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "forwarding.md").read_text("utf-8")
    code = text.split("In Python (standard library only):", 1)[1]
    code = code.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(compile(code, "forwarding.md", "exec"), namespace)
    assert capsys.readouterr().out.strip() == "True"
    verify = namespace["verify"]
    header = sign(BODY, idempotency_key=KEY, secret=SECRET)
    assert verify(BODY, KEY, header, SECRET) is True  # type: ignore[operator]
    assert verify(BODY + b"x", KEY, header, SECRET) is False  # type: ignore[operator]
    assert verify(BODY, KEY + "2", header, SECRET) is False  # type: ignore[operator]
    assert verify(BODY, KEY, header, "wrong") is False  # type: ignore[operator]
