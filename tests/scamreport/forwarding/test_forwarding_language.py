"""Every delivery format says which language the reporter wrote in (reports.language): the
JSON payload's ``report.language``, the STIX report's ``lang``, a line of the MISP annotation."""

from __future__ import annotations

import json
from collections.abc import Callable

import jsonschema
import stix2
from forwarding_support import Outbox
from sqlalchemy.orm import selectinload
from test_forwarding_payload import schema

from scamreport.forwarding.misp import build_misp_event
from scamreport.forwarding.payload import build_payload, payload_body
from scamreport.forwarding.stix import build_stix_bundle, stix_body
from scamreport.storage.models import Report

STORY_ZH = "有人冒充警察打电话给我，让我把钱转到安全账户。"


def _load(outbox: Outbox, report_id: int) -> Report:
    with outbox.sessions() as session:
        report = session.get(
            Report,
            report_id,
            options=[
                selectinload(Report.indicators),
                selectinload(Report.evidence),
                selectinload(Report.reporter),
            ],
        )
        assert report is not None
        return report


def _annotation_text(report: Report) -> str:
    event = build_misp_event(report)
    (annotation,) = [obj for obj in event.objects if obj.name == "annotation"]
    (text,) = [a.value for a in annotation.attributes if a.object_relation == "text"]
    return str(text)


def test_a_chinese_report_says_so_in_every_format(
    outbox: Outbox, make_report: Callable[..., Report]
) -> None:
    report = _load(outbox, make_report(language="zh", story=STORY_ZH).id)

    payload = build_payload(report, idempotency_key="k", agency_code="sg-spf")
    jsonschema.Draft202012Validator(schema()).validate(payload)
    assert payload["report"]["language"] == "zh"
    assert payload["report"]["story"] == STORY_ZH
    assert (
        '"language":"zh"'
        in payload_body(report, idempotency_key="k", agency_code="sg-spf").decode()
    )

    bundle = build_stix_bundle(report, idempotency_key="k")
    (stix_report,) = [obj for obj in bundle.objects if obj["type"] == "report"]
    assert stix_report["lang"] == "zh"
    parsed = stix2.parse(stix_body(report, idempotency_key="k").decode(), allow_custom=True)
    assert [obj["lang"] for obj in parsed.objects if obj["type"] == "report"] == ["zh"]

    text = _annotation_text(report)
    assert "Language of the reporter's words: zh" in text
    assert text.endswith(STORY_ZH)


def test_a_report_without_a_language_keeps_its_earlier_form(
    outbox: Outbox, make_report: Callable[..., Report]
) -> None:
    report = _load(outbox, make_report().id)
    assert report.language is None
    payload = build_payload(report, idempotency_key="k", agency_code="sg-spf")
    jsonschema.Draft202012Validator(schema()).validate(payload)
    assert payload["report"]["language"] is None
    bundle = json.loads(stix_body(report, idempotency_key="k"))
    assert all("lang" not in obj for obj in bundle["objects"])
    assert "Language of the reporter's words" not in _annotation_text(report)
