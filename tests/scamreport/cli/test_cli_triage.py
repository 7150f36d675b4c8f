"""`scamreport triage refresh` brings stored reports' flags up to date."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update

from scamreport.cli import main
from scamreport.storage.database import make_engine, make_session_factory, upgrade_database
from scamreport.storage.models import Report
from scamreport.storage.records import NewReport
from scamreport.storage.repository import submit_report


def test_refresh_recomputes_flags_written_around_the_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    upgrade_database(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session:
        for amount in ("50000", "10"):
            submit_report(
                session,
                report=NewReport(
                    pseudonym="c",
                    scam_type="investment",
                    country="SG",
                    money_lost=True,
                    amount_lost=Decimal(amount),
                    currency="SGD",
                ),
                indicators=[],
                transcript=[],
                consents=[],
            )
        # A bulk write (or a rule changed since) leaves the stored flags stale.
        session.execute(update(Report).values(triage_flags="minor"))
        session.commit()
    assert main(["triage", "refresh"]) == 0
    assert "2 report(s) read, 2 changed" in capsys.readouterr().out
    with sessions() as session:
        stored = session.scalars(select(Report.triage_flags).order_by(Report.id)).all()
    assert stored == ["large_loss", ""]
    engine.dispose()
