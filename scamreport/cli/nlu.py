"""Getting the trained model's intent and entities for a message, with or without a Rasa server."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import requests

from scamreport.settings import PROJECT_ROOT

RASA_PYTHON = PROJECT_ROOT / ".venv" / "rasa" / "bin" / "python"
WORKER = Path(__file__).with_name("rasa_nlu_worker.py")


class NluUnavailable(RuntimeError):
    """Neither a Rasa server nor a trained model could parse the message."""


class ServerParser:
    """Parses through a running Rasa server's /model/parse."""

    def __init__(self, rasa_url: str) -> None:
        self.url = f"{rasa_url.rstrip('/')}/model/parse"
        self.http = requests.Session()

    def available(self) -> bool:
        try:
            return self.http.post(self.url, json={"text": "hello"}, timeout=2).ok
        except requests.RequestException:
            return False

    def parse(self, text: str) -> dict[str, Any]:
        response = self.http.post(self.url, json={"text": text}, timeout=30)
        response.raise_for_status()
        return dict(response.json())

    def close(self) -> None:
        self.http.close()


class ModelParser:
    """Loads the model once in a process of the Rasa environment."""

    def __init__(self, model: Path) -> None:
        if not model.exists():
            raise NluUnavailable(f"no trained model at {model}: run `make train`")
        if not RASA_PYTHON.exists():
            raise NluUnavailable(f"no Rasa environment at {RASA_PYTHON}: run `make env`")
        self.process = subprocess.Popen(
            [str(RASA_PYTHON), str(WORKER), str(model.resolve())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        )
        self._read()  # {"ready": true}

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise NluUnavailable("the Rasa NLU worker stopped; is the model valid?")
        return dict(json.loads(line))

    def parse(self, text: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"text": text}) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def open_parser(rasa_url: str, model: Path) -> ServerParser | ModelParser:
    server = ServerParser(rasa_url)
    if server.available():
        return server
    server.close()
    return ModelParser(model)

