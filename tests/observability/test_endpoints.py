"""/metrics of the action server and of Rasa's channel, on their own port, in real processes;
JSON log lines from the action server's start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from scamreport import metrics
from scamreport.settings import PROJECT_ROOT, get_settings
from scamreport.storage.database import upgrade_database
from tests.observability.observability_support import (
    TOKEN,
    free_port,
    sample,
    samples,
    scrape,
    wait_until,
)

RASA_PYTHON = PROJECT_ROOT / ".venv" / "rasa" / "bin" / "python"
SECRET = "service-secret-for-tests-0123456789"

# Rasa's channel in a Sanic app of the Rasa environment, with a stand-in for Rasa's message
# handling that parses through rasa_runtime.metrics.observe_parse as the launcher's wrapper does.
RASA_CHANNEL_APP = """
import sys
from sanic import Sanic
from rasa.core.processor import MessageProcessor
from rasa_runtime import metrics
from rasa_runtime.secure_rest import SecureRestInput

metrics.install()
assert MessageProcessor.parse_message.__scamreport_observed__

async def parse(text):
    return {"intent": {"name": "inform" if "pound" in text else "deny", "confidence": 0.87}}

observed = metrics.observe_parse(parse)

async def on_new_message(message):
    await observed(message.text)
    await message.output_channel.send_text_message(message.sender_id, "noted")

app = Sanic("rasa_channel_metrics")
channel = SecureRestInput.from_credentials({})
app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/rest")
app.run(host="127.0.0.1", port=int(sys.argv[1]), access_log=False)
"""


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(argv, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def action_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "ACTION_SERVER_TOKEN": SECRET,
            "SCAMREPORT_DATA_DIR": str(tmp_path),
            "SCAMREPORT_ENV": "test",
            "METRICS_TOKEN": TOKEN,
            "SCAMREPORT_LOG_FORMAT": "json",
        }
    )
    env.pop("DATABASE_URL", None)
    upgrade_database(get_settings(env).database_url)
    log = tmp_path / "actions.log"
    process = _start([sys.executable, "-m", "action_server", "--port", str(port)], env, log)
    url = f"http://127.0.0.1:{port}"
    try:
        healthy = wait_until(lambda: requests.get(f"{url}/health", timeout=2).ok, timeout=60)
        assert healthy, log.read_text()[-2000:]
        yield url, log
    finally:
        _stop(process)


def test_the_action_server_answers_metrics_with_the_token_only(
    action_server: tuple[str, Path],
) -> None:
    url, log = action_server
    assert scrape(f"{url}/metrics", token=None).status_code == 401
    # The action token (Rasa's) is not the metrics token.
    assert requests.get(f"{url}/metrics", params={"token": SECRET}, timeout=5).status_code == 401
    assert scrape(f"{url}/metrics", token=SECRET).status_code == 403
    answered = scrape(f"{url}/metrics")
    assert answered.status_code == 200
    assert answered.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert samples(answered.text)  # parsed by prometheus_client
    assert "process_cpu_seconds_total" in answered.text
    # The actions still need their own token.
    assert requests.get(f"{url}/actions", timeout=5).status_code == 401
    lines = [json.loads(text) for text in log.read_text().splitlines() if text.startswith("{")]
    serving = [line for line in lines if str(line["message"]).startswith("serving actions")]
    assert serving and serving[0]["process"] == "action_server", log.read_text()[-2000:]


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa environment (.venv/rasa)")
def test_rasas_channel_answers_metrics_with_turn_latency_and_nlu_confidence(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(PROJECT_ROOT),
            "RASA_CHANNEL_TOKEN": SECRET,
            "METRICS_TOKEN": TOKEN,
            "SCAMREPORT_ENV": "test",
        }
    )
    log = tmp_path / "rasa.log"
    process = _start([str(RASA_PYTHON), "-c", RASA_CHANNEL_APP, str(port)], env, log)
    base = f"http://127.0.0.1:{port}/webhooks/rest"
    try:
        up = wait_until(lambda: requests.get(f"{base}/", timeout=2).ok, timeout=120)
        assert up, log.read_text()[-3000:]
        for text in ("I lost 500 pounds", "no", "they took 20 pounds"):
            answer = requests.post(
                f"{base}/webhook",
                json={"sender": "p_metrics", "message": text},
                headers={"X-Channel-Token": SECRET},
                timeout=10,
            )
            assert answer.json() == [{"recipient_id": "p_metrics", "text": "noted"}]
        assert scrape(f"{base}/metrics", token=None).status_code == 401
        assert scrape(f"{base}/metrics", token=SECRET).status_code == 403
        answered = scrape(f"{base}/metrics")
        assert answered.status_code == 200, answered.text
        assert answered.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    finally:
        _stop(process)
    text = answered.text
    assert sample(text, f"{metrics.RASA_TURN_SECONDS}_count") == 3
    assert sample(text, f"{metrics.RASA_TURN_SECONDS}_bucket", le="+Inf") == 3
    confidence = f"{metrics.NLU_CONFIDENCE}_bucket"
    assert sample(text, confidence, intent="inform", le="0.8") == 0
    assert sample(text, confidence, intent="inform", le="0.9") == 2
    assert sample(text, f"{metrics.NLU_CONFIDENCE}_count", intent="deny") == 1
    assert sample(text, f"{metrics.NLU_CONFIDENCE}_sum", intent="inform") == pytest.approx(1.74)


RASA_JSON_LOGS = """
import logging, os
import rasa.utils.io
from rasa_runtime.__main__ import observe_rasa
from rasa_runtime.metrics import rasa_metrics

observe_rasa(os.environ)
rasa.utils.io.configure_colored_logging("INFO")  # as rasa/__main__.py does before a command
logging.getLogger("rasa.core.processor").info("user %s said %s", "p_json", os.environ["WRITTEN"])
logging.getLogger("rasa.core.processor").error("a turn failed")
print(rasa_metrics().exposition().decode())
"""


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs the Rasa environment (.venv/rasa)")
def test_rasa_logs_json_lines_and_counts_its_errors() -> None:
    written = "He said he was from the bank, my OTP is 482913"
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(PROJECT_ROOT),
            "SCAMREPORT_LOG_FORMAT": "json",
            "WRITTEN": written,
        }
    )
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", RASA_JSON_LOGS],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [json.loads(text) for text in done.stderr.splitlines() if text.startswith("{")]
    said = [line for line in lines if str(line["message"]).startswith("user p_json said")]
    assert said and said[0]["process"] == "rasa", done.stderr[-3000:]
    assert "482913" not in done.stderr and "from the bank" not in done.stderr
    errors = sample(
        done.stdout, f"{metrics.ERRORS}_total", process="rasa", kind="rasa.core.processor"
    )
    assert errors == 1
