"""Seeded generators of hostile inputs: texts, JSON, JSONL lines, HTTP requests, updates.

Every generator draws from one ``random.Random`` so a run is repeated exactly by its seed
(``SCAMREPORT_FUZZ_SEED``). The mix leans on what broke things before: lone surrogates,
control characters, deep nesting, huge integers, non-string values where strings belong,
over-long input, and text that looks like a Rasa intent.
"""

from __future__ import annotations

import json
import random
import string
from typing import Any

SCAM_PHRASES = (
    "the police called from 8123 4567, I paid S$1,200",
    "hxxps://masks-sale[.]shop took my money",
    "Interpol said my account DE89 3704 0044 0532 0130 00 is used for laundering",
    "send 0.5 BTC to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq now",
    "email me at scam[at]evil[.]com or @fake_support on telegram",
    "he said he was from the bank security team, gave OTP 123456",
    "I paid 5k usd on 12/03/2020 for a puppy that never came",
    "someone on the line right now says they are customs",
)
INTENT_LOOKALIKES = (
    '/inform{"amount": 5}',
    "/start@scamreport_standin_bot extra",
    '/submit_report{"consent_forward": true}',
    "//report_scam",
    " /restart",
    "/" + "a" * 300,
)
SPECIAL_CHARS = (
    "\ud800",
    "\udfff",
    "\udcff",
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\U0001f4a9",
    "e\u0301" * 3,
    "\uffff",
    "\U0010ffff",
    "%s%n{0}${jndi:ldap://x}",
    "<script>alert(1)</script>",
    "'; DROP TABLE reports; --",
    "\\",
    '"',
)


class Fuzz:
    """Hostile inputs drawn from one seeded random generator."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def chance(self, p: float) -> bool:
        return self.random.random() < p

    def pick(self, options: Any) -> Any:
        return self.random.choice(list(options))

    # --- text -------------------------------------------------------------------------

    def codepoints(self, length: int) -> str:
        """Random code points from every plane, surrogates and controls included."""
        ranges = ((0, 0x7F), (0x80, 0x7FF), (0x800, 0xFFFF), (0xD800, 0xDFFF), (0x10000, 0x10FFFF))
        chars = []
        for _ in range(length):
            low, high = self.pick(ranges)
            chars.append(chr(self.random.randint(low, high)))
        return "".join(chars)

    def mutate(self, text: str) -> str:
        chars = list(text)
        for _ in range(self.random.randint(1, 5)):
            position = self.random.randint(0, len(chars))
            chars.insert(position, self.pick(SPECIAL_CHARS))
        return "".join(chars)

    def text(self, *, max_length: int = 5000) -> str:
        kind = self.random.randint(0, 9)
        if kind == 0:
            return self.codepoints(self.random.randint(1, 200))
        if kind == 1:
            return self.pick(INTENT_LOOKALIKES)
        if kind == 2:
            return self.mutate(self.pick(SCAM_PHRASES))
        if kind == 3:
            unit = self.pick(SCAM_PHRASES + SPECIAL_CHARS) + " "
            return (unit * (max_length // len(unit) + 1))[: self.random.randint(1, max_length)]
        if kind == 4:
            return self.pick(("", " ", "\n\n", "\t", "\u3000", "\x00"))
        if kind == 5:
            return "S$" + "9" * self.random.randint(20, 600) + " " + "+65" + "8" * 40
        if kind == 6:
            return "".join(self.pick(SPECIAL_CHARS) for _ in range(self.random.randint(1, 40)))
        if kind == 7:
            return "".join(self.random.choices(string.printable, k=self.random.randint(1, 300)))
        return self.pick(SCAM_PHRASES)

    # --- JSON -------------------------------------------------------------------------

    def scalar(self) -> Any:
        return self.pick(
            (
                None,
                True,
                0,
                -1,
                10 ** self.random.randint(1, 40),
                1.5e308,
                -0.0,
                "",
                self.text(max_length=200),
                "SG",
            )
        )

    def json_value(self, depth: int = 0) -> Any:
        if depth > 4 or self.chance(0.4):
            return self.scalar()
        if self.chance(0.5):
            return [self.json_value(depth + 1) for _ in range(self.random.randint(0, 4))]
        return {
            self.text(max_length=20): self.json_value(depth + 1)
            for _ in range(self.random.randint(0, 4))
        }

    def deep_json(self) -> str:
        depth = self.pick((40, 1000, 5000, 200_000))
        opener, closer = self.pick((("[", "]"), ('{"a":', "}")))
        return opener * depth + "1" + closer * depth

    @staticmethod
    def dumps(value: Any) -> bytes:
        """JSON text as bytes; lone surrogates stay as \\udxxx escapes (valid JSON)."""
        return json.dumps(value).encode("ascii")

    # --- `scamreport parse --jsonl` lines --------------------------------------------

    def jsonl_line(self) -> bytes:
        """One input line (see ``tests/fuzz/test_parse_fuzz.well_formed`` for which must work)."""
        kind = self.random.randint(0, 11)
        if kind <= 3:
            country = self.pick((None, "SG", "my", "GB", "US", "ZZ", ""))
            item: dict[str, Any] = {"text": self.text()}
            if country is not None or self.chance(0.5):
                item["country"] = country
            return self.dumps(item)
        if kind == 4:
            country = self.pick((5, 1.5, ["SG"], {"c": "SG"}, True, "SGP", "S", "\ud800G", 10**50))
            return self.dumps({"text": self.text(), "country": country})
        if kind == 5:
            return self.dumps({"text": self.json_value()})
        if kind == 6:
            return self.deep_json().encode()
        if kind == 7:
            return b'{"text": "x", "n": ' + b"9" * self.random.randint(4000, 20000) + b"}"
        if kind == 8:
            raw = bytes(self.random.randint(0, 255) for _ in range(self.random.randint(1, 200)))
            return raw.replace(b"\n", b" ")
        if kind == 9:
            return b'{"text": "caf\xc3\xa9 \xed\xa0\x80 lone surrogate bytes"}'
        if kind == 10:
            return self.dumps(self.json_value())
        return b'{"text": "' + b"a" * (1024 * 1024 + self.random.randint(-20, 20)) + b'"}'

    # --- HTTP requests to the sink ----------------------------------------------------

    def header_value(self) -> bytes:
        kind = self.random.randint(0, 4)
        if kind == 0:
            return bytes(self.random.randint(0x20, 0xFF) for _ in range(self.random.randint(0, 80)))
        if kind == 1:
            return (
                self.text(max_length=100)
                .encode("utf-8", "surrogatepass")
                .replace(b"\r", b"")
                .replace(b"\n", b"")
            )
        if kind == 2:
            return b"9" * self.random.randint(1, 6000)
        if kind == 3:
            return b""
        return self.pick((b"t=", b"v2=", b",", b"=", b"t=1,v2=", b"\xc2\xb2", b"-1", b" "))

    def signature_mutation(self, genuine: str) -> bytes:
        """A signature header near the genuine one: malformed, stale, re-ordered, doubled."""
        stamp, _, digest = genuine.partition(",")
        options = (
            genuine.replace("v2=", "v1="),
            f"{digest},{stamp}",
            f"{genuine},{genuine}",
            stamp,
            digest,
            genuine.upper(),
            genuine[:-1] + ("0" if genuine[-1] != "0" else "1"),
            f"t=\u00b2\u00b3,{digest}",
            f"t=-1,{digest}",
            f"t={'9' * 400},{digest}",
            f"t=1.5e9,{digest}",
            f"{stamp},v2=\u00e9\u00e9",
            f"{stamp},v2={'0' * 5000}",
            genuine.replace(",", ";"),
            genuine + "," * 1000,
        )
        return self.pick(options).encode("utf-8")

    def body(self) -> bytes:
        kind = self.random.randint(0, 6)
        if kind == 0:
            return self.dumps(self.json_value())
        if kind == 1:
            return self.deep_json().encode()
        if kind == 2:
            return b'{"n": ' + b"9" * self.random.randint(4000, 20000) + b"}"
        if kind == 3:
            return bytes(self.random.randint(0, 255) for _ in range(self.random.randint(0, 500)))
        if kind == 4:
            return b'{"report": {"reference": "\\ud800"}, "objects": 5, "indicators": "x"}'
        if kind == 5:
            return self.pick((b"[1,2,3]", b'"s"', b"null", b"{}", b'{"objects": [1, "a", null]}'))
        report = {"reference": f"SR-{self.random.randint(0, 9999):04d}", "story": self.text()}
        return self.dumps({"payload_version": 1, "report": report})

    def idempotency_key(self) -> str:
        kind = self.random.randint(0, 3)
        if kind == 0:
            return "".join(
                self.random.choices(string.ascii_letters + string.digits + "/-_.:", k=40)
            )
        if kind == 1:
            return f"SR-{self.random.randint(0, 99999):05d}/sg-spf/webhook/json"
        if kind == 2:
            return "".join(chr(self.random.randint(0x21, 0x7E)) for _ in range(200))
        return self.pick(("a", "SR-1/x/webhook/json", "k" * 255))
