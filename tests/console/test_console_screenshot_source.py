"""The report page says which indicators were read in a screenshot, and shows what OCR read."""

from __future__ import annotations

import hashlib

from console_fixtures import AGENCY_A, ConsoleEnv, login

from scamreport.storage.records import (
    NewDelivery,
    NewEvidence,
    NewIndicator,
    NewReport,
    NewReporter,
)
from scamreport.storage.repository import submit_report

OCR_TEXT = "SingPost: Your parcel is held. Pay S$2.50 at https://sg-post-redelivery.com/pay"


def test_an_indicator_read_in_a_screenshot_is_marked_and_the_text_is_shown(
    console_env: ConsoleEnv,
) -> None:
    with console_env.session() as session:
        stored = submit_report(
            session,
            report=NewReport(
                pseudonym="conv-screenshot",
                scam_type="phishing",
                reporter=NewReporter(pseudonym="pseudo-screenshot"),
                country="SG",
                consent_forward=True,
            ),
            indicators=[
                NewIndicator(kind="phone", value="+6591112222"),
                NewIndicator(
                    kind="url",
                    value="https://sg-post-redelivery.com/pay",
                    registrable_domain="sg-post-redelivery.com",
                    source="screenshot",
                ),
            ],
            transcript=[],
            consents=[],
            evidence=[
                NewEvidence(
                    sha256=hashlib.sha256(b"screenshot").hexdigest(),
                    size_bytes=10,
                    mime_type="image/jpeg",
                    kind="photo",
                    ocr_text=OCR_TEXT,
                )
            ],
            deliveries=[NewDelivery(agency_code=AGENCY_A, transport="webhook")],
        )
        reference = stored.reference
        session.commit()
    client = console_env.client()
    login(client, AGENCY_A, "analyst")
    html = client.get(f"/reports/{reference}").get_data(as_text=True)
    rows = html.split('<section class="panel" id="indicators">')[1].split("</section>")[0]
    url_row, phone_row = (
        next(row for row in rows.split("<tr>") if value in row)
        for value in ("https://sg-post-redelivery.com/pay", "+6591112222")
    )
    assert 'data-testid="from-screenshot"' in url_row
    assert "from-screenshot" not in phone_row
    assert 'data-testid="ocr-text"' in html and OCR_TEXT in html
