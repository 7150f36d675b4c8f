"""Getting the trained model's intent and entities for a message, with or without a Rasa server."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import requests

from scamreport.settings import PROJECT_ROOT

RASA_PYTHON = PROJECT_ROOT / ".venv" / "rasa" / "bin" / "python"
# Run in the Rasa environment; named, never imported (the core imports no adapter).
WORKER_MODULE = "rasa_runtime.nlu_worker"


class NluUnavailable(RuntimeError):
    """Neither a Rasa server nor a trained model could parse the message."""


class NluError(RuntimeError):
    """NLU failed on one message; the next may still work."""


# How often a Rasa NLU worker that died is started again before every message fails at once.
MAX_WORKER_RESTARTS = 3


class ServerParser:
    """Parses through a running Rasa server's /model/parse."""

    def __init__(self, rasa_url: str) -> None:
        self.url = f"{rasa_url.rstrip('/')}/model/parse"
        self.http = requests.Session()
        # Rasa's HTTP API needs its token (docs/security.md); without it Rasa answers 401 and
        # the model is loaded here instead.
        token = os.environ.get("RASA_AUTH_TOKEN")
        if token:
            self.http.params = {"token": token}

    def available(self) -> bool:
        try:
            return self.http.post(self.url, json={"text": "hello"}, timeout=2).ok
        except requests.RequestException:
            return False

    def parse(self, text: str) -> dict[str, Any]:
        try:
            response = self.http.post(self.url, json={"text": text}, timeout=30)
            response.raise_for_status()
            result = response.json()
        except (requests.RequestException, ValueError) as error:
            raise NluError(f"Rasa server: {type(error).__name__}") from None
        if not isinstance(result, dict):
            raise NluError("Rasa server: the answer is not a JSON object")
        return result

    def close(self) -> None:
        self.http.close()


class ModelParser:
    """Loads the model once in a process of the Rasa environment."""

    def __init__(self, model: Path) -> None:
        if not model.exists():
            raise NluUnavailable(f"no trained model at {model}: run `make train`")
        if not RASA_PYTHON.exists():
            raise NluUnavailable(f"no Rasa environment at {RASA_PYTHON}: run `make env`")
        self.model = model
        self.restarts = 0
        self.process = self._start()

    def _start(self) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [str(RASA_PYTHON), "-m", WORKER_MODULE, str(self.model.resolve())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            # The worker and the model's tokenizer (rasa_runtime.tokenizer, config.yml) live in
            # the project: the Rasa environment needs its root on the path.
            env={
                **os.environ,
                "RASA_TELEMETRY_ENABLED": "false",
                "PYTHONPATH": os.pathsep.join(
                    p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH")) if p
                ),
            },
        )
        self._read(process)  # {"ready": true}
        return process

    @staticmethod
    def _read(process: subprocess.Popen[str]) -> dict[str, Any]:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise NluUnavailable("the Rasa NLU worker stopped; is the model valid?")
        return dict(json.loads(line))

    def _restart_if_dead(self) -> None:
        if self.process.poll() is None:
            return
        if self.restarts >= MAX_WORKER_RESTARTS:
            raise NluError(f"the Rasa NLU worker stopped {self.restarts + 1} times")
        self.restarts += 1
        try:
            self.process = self._start()
        except NluUnavailable as error:
            raise NluError(str(error)) from None

    def parse(self, text: str) -> dict[str, Any]:
        """Rasa's parse of ``text``; NluError when the worker fails on it (a worker that
        stopped is started again for the next message)."""
        self._restart_if_dead()
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps({"text": text}) + "\n")
            self.process.stdin.flush()
            result = self._read(self.process)
        except (OSError, NluUnavailable, ValueError):
            self.process.kill()
            self.process.wait()
            raise NluError("the Rasa NLU worker stopped on this message") from None
        if "error" in result:
            raise NluError(str(result["error"]))
        return result

    def close(self) -> None:
        if self.process.stdin:
            with contextlib.suppress(OSError):  # it had stopped
                self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def open_parser(rasa_url: str, model: Path) -> ServerParser | ModelParser:
    server = ServerParser(rasa_url)
    if server.available():
        return server
    server.close()
    return ModelParser(model)
