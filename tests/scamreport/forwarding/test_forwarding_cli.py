"""The command line: `scamreport deliveries` (list, retry), `scamreport worker`, `scamreport sink`."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
import yaml
from forwarding_support import (
    SINK_SECRET,
    Outbox,
    RunningSink,
    free_port,
    scamreport_command,
    subprocess_env,
    wait_until,
)
from sqlalchemy import update

from scamreport.cli import main
from scamreport.registry import packaged_registry_path
from scamreport.storage.models import Delivery, Report


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, outbox: Outbox) -> Outbox:
    monkeypatch.setenv("DATABASE_URL", outbox.url)
    monkeypatch.setenv("SCAMREPORT_ENV", "test")
    monkeypatch.delenv("AGENCY_REGISTRY", raising=False)
    for name in ("FORWARDING_MAX_ATTEMPTS", "FORWARDING_LEASE_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    return outbox


def kill_one(outbox: Outbox, delivery_id: int, error: str = "HTTP 500") -> None:
    with outbox.sessions.begin() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id)
            .values(status="dead", attempts=8, last_error=error)
        )


def test_deliveries_lists_the_outbox(
    cli_env: Outbox, make_report: Callable[..., Report], capsys: pytest.CaptureFixture[str]
) -> None:
    report = make_report()
    first, second = (row.id for row in cli_env.deliveries())
    kill_one(cli_env, first, "HTTP 503: down for maintenance")
    assert main(["deliveries"]) == 0
    out = capsys.readouterr().out
    assert "deliveries: pending 1, in_flight 0, delivered 0, dead 1" in out
    assert report.reference in out and "HTTP 503: down for maintenance" in out

    assert main(["deliveries", "--status", "dead", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["counts"] == {"dead": 1, "pending": 1}
    (dead,) = listing["deliveries"]
    assert dead["id"] == first and dead["status"] == "dead" and dead["attempts"] == 8
    assert dead["reference"] == report.reference and dead["agency_code"] == "sg-spf"

    assert main(["deliveries", "--status", "delivered"]) == 0
    assert "(none match)" in capsys.readouterr().out
    assert second


def test_retry_revives_dead_deliveries(
    cli_env: Outbox, make_report: Callable[..., Report], capsys: pytest.CaptureFixture[str]
) -> None:
    make_report()
    make_report(pseudonym="conv-2")
    ids = [row.id for row in cli_env.deliveries()]
    kill_one(cli_env, ids[0])
    assert main(["deliveries", "retry", str(ids[0])]) == 0
    assert f"1 deliveries queued again: {ids[0]}" in capsys.readouterr().out
    revived = cli_env.deliveries()[0]
    assert (revived.status, revived.attempts) == ("pending", 0)
    assert revived.last_error == "HTTP 500"  # history kept until the next attempt

    kill_one(cli_env, ids[1])
    kill_one(cli_env, ids[2])
    assert main(["deliveries", "retry", "--all-dead"]) == 0
    assert f"2 deliveries queued again: {ids[1]}, {ids[2]}" in capsys.readouterr().out
    assert cli_env.statuses() == {"pending": 4}


def test_retry_refuses_delivered_and_unknown_ids(
    cli_env: Outbox, make_report: Callable[..., Report], capsys: pytest.CaptureFixture[str]
) -> None:
    make_report(formats=["json"])
    (row,) = cli_env.deliveries()
    with cli_env.sessions.begin() as session:
        session.execute(update(Delivery).values(status="delivered"))
    assert main(["deliveries", "retry", str(row.id), "999"]) == 1
    captured = capsys.readouterr()
    assert f"delivery {row.id} not retried: it is delivered" in captured.err
    assert "delivery 999 not retried: no such delivery" in captured.err
    assert cli_env.statuses() == {"delivered": 1}
    assert main(["deliveries", "retry"]) == 2


def test_worker_once_delivers_what_is_due(
    cli_env: Outbox,
    make_report: Callable[..., Report],
    sink: RunningSink,
    sink_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in sink_env.items():
        monkeypatch.setenv(name, value)
    report = make_report()
    assert main(["worker", "--once", "--threads", "2"]) == 0
    assert cli_env.statuses() == {"delivered": 2}
    assert {item.reference for item in sink.store.received()} == {report.reference}
    assert "forwarding worker: 2 thread(s)" in capsys.readouterr().out


def test_the_worker_refuses_a_malformed_registry_entry_naming_it(
    cli_env: Outbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = yaml.safe_load(packaged_registry_path().read_text(encoding="utf-8"))
    (entry,) = [agency for agency in data["agencies"] if agency["code"] == "my-pdrm"]
    entry["delivery"]["url_env"] = "AGENCY_SG_SPF_WEBHOOK_URL"  # another agency's variable
    broken = tmp_path / "agencies.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("AGENCY_REGISTRY", str(broken))
    assert main(["worker", "--once"]) == 1
    err = capsys.readouterr().err
    assert 'agency "my-pdrm"' in err
    assert 'field "delivery.url_env"' in err
    assert "AGENCY_MY_PDRM_" in err


def test_the_worker_refuses_unusable_settings(
    cli_env: Outbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FORWARDING_MAX_ATTEMPTS", "many")
    assert main(["worker", "--once"]) == 1
    assert "FORWARDING_MAX_ATTEMPTS='many' is not a whole number" in capsys.readouterr().err


def test_sink_print_env_points_every_webhook_agency_at_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCAMREPORT_SINK_SECRET", "printed-secret")
    monkeypatch.setenv("SCAMREPORT_ENV", "test")
    monkeypatch.delenv("AGENCY_REGISTRY", raising=False)
    assert main(["sink", "--port", "8123", "--print-env"]) == 0
    out = capsys.readouterr().out
    assert "export AGENCY_SG_SPF_WEBHOOK_URL=http://127.0.0.1:8123/agencies/sg-spf" in out
    assert "export AGENCY_SG_SPF_WEBHOOK_SECRET=printed-secret" in out
    assert "AGENCY_GB_ACTIONFRAUD" not in out  # e-mail agencies are not webhooks


def test_the_sink_command_serves_and_refuses_forgeries(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "sink.log"
    env = subprocess_env({"SCAMREPORT_SINK_SECRET": SINK_SECRET})
    with log.open("wb") as out:
        process = subprocess.Popen(
            scamreport_command("sink", "--port", str(port), "--store", str(tmp_path / "s.db")),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:

        def healthy() -> bool:
            try:
                return requests.get(f"http://127.0.0.1:{port}/health", timeout=1).ok
            except requests.ConnectionError:
                return False

        assert wait_until(healthy, timeout=30), log.read_text()
        forged = requests.post(
            f"http://127.0.0.1:{port}/agencies/sg-spf",
            data=b"{}",
            headers={"Idempotency-Key": "k", "X-ScamReport-Signature": "t=1,v1=00"},
            timeout=5,
        )
        assert forged.status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert f"agency sink listening on http://127.0.0.1:{port}/" in log.read_text()


def test_the_sink_needs_a_secret_outside_development(tmp_path: Path) -> None:
    env = subprocess_env({"SCAMREPORT_ENV": "production"})
    env.pop("SCAMREPORT_SINK_SECRET", None)
    env.update(
        {
            "PSEUDONYM_KEY": "x" * 32,
            "CONSOLE_SECRET_KEY": "y" * 32,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        }
    )
    result = subprocess.run(
        scamreport_command("sink", "--port", str(free_port())),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "set SCAMREPORT_SINK_SECRET" in result.stderr
