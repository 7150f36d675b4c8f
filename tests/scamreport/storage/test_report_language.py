"""A report keeps the language it was made in (reports.language, migration 0013)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from scamreport.storage.models import Report
from scamreport.storage.records import NewReport, NewTranscriptMessage
from scamreport.storage.repository import get_report_by_reference, submit_report
from tests.scamreport.storage.test_storage_repository import T0

STORY_ZH = "有人冒充警察打电话给我，让我把钱转到安全账户。"


@pytest.mark.parametrize("language", ["zh", "ms", "en"])
def test_a_submitted_report_keeps_its_language(
    session_factory: sessionmaker[Session], language: str
) -> None:
    report = NewReport(
        pseudonym=f"conv-{language}",
        scam_type="fake_authority",
        story=STORY_ZH,
        language=language,
    )
    with session_factory() as session:
        reference = submit_report(
            session,
            report=report,
            indicators=[],
            transcript=[NewTranscriptMessage(seq=0, sender="user", text=STORY_ZH, sent_at=T0)],
            consents=[],
        ).reference

    with session_factory() as session:
        stored = get_report_by_reference(session, reference=reference)
        assert stored is not None
        assert stored.language == language
        assert stored.story == STORY_ZH
        assert stored.transcript[0].text == STORY_ZH
        assert session.scalars(
            select(Report.reference).where(Report.language == language)
        ).all() == [reference]


def test_a_report_without_a_language_stores_null(session: Session) -> None:
    stored = submit_report(
        session,
        report=NewReport(pseudonym="conv-none", scam_type="other"),
        indicators=[],
        transcript=[],
        consents=[],
    )
    session.expire_all()
    assert session.get(Report, stored.id).language is None  # type: ignore[union-attr]


def test_an_unknown_language_code_is_refused_where_the_record_is_built() -> None:
    with pytest.raises(ValueError, match="language"):
        NewReport(pseudonym="conv-x", scam_type="other", language="id")
