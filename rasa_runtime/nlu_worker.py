"""Runs inside the Rasa environment (not the app one): parses JSON lines with a trained model.

stdin: {"text": "..."} per line; stdout: Rasa's parse result per line, or {"error": "<type>"}
when parsing that message failed. Started by
`scamreport parse` when no Rasa server answers, so the model is loaded once per batch.
"""

import asyncio
import json
import logging
import os
import sys
from typing import TextIO


async def serve(model_path: str, out: TextIO) -> None:
    from rasa.core.agent import Agent

    # The launcher's checked patches, for the same faster model load.
    from rasa_runtime.patches import apply_or_warn

    apply_or_warn()
    agent = Agent.load(model_path)
    print(json.dumps({"ready": True}), file=out, flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            text = json.loads(line).get("text", "")
            result = await agent.parse_message(text)
        except Exception as error:  # noqa: BLE001 - one message's failure must not stop the rest
            result = {"error": type(error).__name__}
        print(json.dumps(result, default=str), file=out, flush=True)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.disable(logging.WARNING)
    # Rasa's structlog messages ("processor.message.parse ...") are printed to standard output
    # whatever the logging level: keep the real stdout for the protocol, send the rest to stderr.
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    asyncio.run(serve(sys.argv[1], protocol))
