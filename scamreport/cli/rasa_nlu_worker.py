"""Runs inside the Rasa environment (not the app one): parses JSON lines with a trained model.

stdin: {"text": "..."} per line; stdout: Rasa's parse result per line. Started by
`scamreport parse` when no Rasa server answers, so the model is loaded once per batch.
"""

import asyncio
import json
import logging
import os
import sys


async def serve(model_path: str) -> None:
    from rasa.core.agent import Agent

    agent = Agent.load(model_path)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        text = json.loads(line).get("text", "")
        result = await agent.parse_message(text)
        print(json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.disable(logging.WARNING)
    asyncio.run(serve(sys.argv[1]))
