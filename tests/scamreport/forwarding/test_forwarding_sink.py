"""The local agency sink: verifies signatures over key and body (a forged one, or a body
replayed under a new key, is refused), dedupes by Idempotency-Key, and shows what it received."""

from __future__ import annotations

import json
import time

import pytest
import requests
from forwarding_support import SINK_SECRET, RunningSink

from scamreport.forwarding.signing import sign

KEY = "SR-7K3M-9QXD/sg-spf/webhook/json"
BODY = json.dumps(
    {
        "payload_version": 1,
        "report": {
            "reference": "SR-7K3M-9QXD",
            "scam_type": "phishing",
            "country": "SG",
            "story": "<script>alert(1)</script>",
        },
        "indicators": [{"kind": "phone", "value": "+6581234567"}],
    }
).encode()


def post(
    sink: RunningSink,
    body: bytes = BODY,
    *,
    secret: str = SINK_SECRET,
    key: str | None = KEY,
    signature: str | None = None,
    path: str = "/agencies/sg-spf",
) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    headers["X-ScamReport-Signature"] = signature or sign(
        body, idempotency_key=key or KEY, secret=secret
    )
    return requests.post(sink.url + path, data=body, headers=headers, timeout=5)


def test_a_signed_delivery_is_accepted_and_stored(sink: RunningSink) -> None:
    response = post(sink)
    assert response.status_code == 200
    assert response.json() == {"status": "accepted"}
    (item,) = sink.store.received()
    assert (item.agency, item.reference, item.copies) == ("sg-spf", "SR-7K3M-9QXD", 1)
    assert item.body.encode() == BODY


def test_a_forged_signature_is_refused(sink: RunningSink) -> None:
    forged = post(sink, secret="not-the-agency-secret")
    assert forged.status_code == 401
    assert forged.json() == {"error": "signature does not match the idempotency key and body"}
    # A genuine signature over different bytes does not carry over either.
    tampered = post(
        sink,
        BODY.replace(b"phishing", b"romance"),
        signature=sign(BODY, idempotency_key=KEY, secret=SINK_SECRET),
    )
    assert tampered.status_code == 401
    assert sink.store.received() == [] and sink.store.receipt_keys() == []


@pytest.mark.parametrize(
    ("signature", "words"),
    [
        ("", "missing X-ScamReport-Signature"),
        ("t=1,v2=00", "away from now"),
        ("v2=abc", "no timestamp"),
    ],
)
def test_missing_stale_and_malformed_signatures_are_refused(
    sink: RunningSink, signature: str, words: str
) -> None:
    headers = {"Idempotency-Key": "k", "X-ScamReport-Signature": signature}
    response = requests.post(sink.url + "/agencies/sg-spf", data=BODY, headers=headers, timeout=5)
    assert response.status_code == 401
    assert words in response.json()["error"]
    assert sink.store.count() == 0


def test_a_replay_outside_the_tolerance_is_refused(sink: RunningSink) -> None:
    old = sign(BODY, idempotency_key=KEY, secret=SINK_SECRET, timestamp=int(time.time()) - 3600)
    assert post(sink, signature=old).status_code == 401


def test_repeats_are_dropped_by_idempotency_key(sink: RunningSink) -> None:
    assert post(sink).json() == {"status": "accepted"}
    again = post(sink)
    assert again.status_code == 200 and again.json() == {"status": "duplicate"}
    assert post(sink, key="another-key").json() == {"status": "accepted"}
    assert sink.store.count() == 2
    assert [
        item.copies for item in sink.store.received() if item.idempotency_key != "another-key"
    ] == [2]
    assert sink.store.receipt_keys() == [KEY, KEY, "another-key"]


def test_bad_requests_are_refused(sink: RunningSink) -> None:
    assert post(sink, key=None).status_code == 400
    assert post(sink, b"not json").status_code == 400
    assert post(sink, path="/elsewhere").status_code == 404
    assert sink.store.count() == 0


def test_the_pages_show_what_was_received(sink: RunningSink) -> None:
    post(sink)
    page = requests.get(sink.url + "/", timeout=5)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "SR-7K3M-9QXD" in page.text
    assert "phishing, SG; 1 indicators" in page.text
    assert "<script>alert(1)</script>" not in page.text  # reporter text is escaped
    assert "&lt;script&gt;" in page.text
    listing = requests.get(sink.url + "/received.json", timeout=5).json()
    (item,) = listing["received"]
    assert item["reference"] == "SR-7K3M-9QXD"
    assert item["document"] == json.loads(BODY)
    assert requests.get(sink.url + "/health", timeout=5).json() == {"status": "ok"}
    assert requests.get(sink.url + "/nothing", timeout=5).status_code == 404
