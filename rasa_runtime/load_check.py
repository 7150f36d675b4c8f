"""What a loaded model predicts, and how long loading it took (run in .venv/rasa).

`python -m rasa_runtime.load_check --model models/current.tar.gz [--unpatched]` loads the model
with rasa_runtime.patches applied (or, with --unpatched, as Rasa 3.6.21 loads it), then prints
one JSON line: the seconds to import Rasa, to load the model and to answer a first message;
the NLU result (intent ranking, entities, scores) for fixed English, Chinese and Malay
messages; and, for the first stories of tests/test_stories.yml, the action predicted before
each of their actions, with the ensemble's and TEDPolicy's own probabilities; and, for each
TensorFlow model, whether what its load left behind agrees with a fresh computation.
tests/rasa_runtime/test_model_load.py compares a patched and an unpatched run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from typing import Any, TextIO

MESSAGES: tuple[str, ...] = (
    "hello",
    "a man phoned saying he was a police officer and my bank account was used for crimes",
    "I paid S$1,200 by bank transfer to a shop on instagram and never got the masks",
    "they asked me for the OTP, my number is +65 8123 4567",
    "cancel",
    "您好",
    "有人冒充警察打电话给我，说我的银行账户涉嫌洗钱",
    "我在网上买口罩，付了500新币，对方就不见了",
    "我在新加坡",
    "helo puan",
    "ada orang telefon mengaku polis dan suruh saya pindahkan duit ke akaun selamat",
    "saya beli topeng muka dalam talian tapi barang tak sampai",
    "saya tinggal di Malaysia",
)
STORIES = "tests/test_stories.yml"
CORE_STORIES = 3


def nlu_result(parsed: dict[str, Any]) -> dict[str, Any]:
    """The parts of Rasa's parse result a prediction is judged by."""
    return {
        "text": parsed.get("text"),
        "intent": [parsed["intent"].get("name"), parsed["intent"].get("confidence")],
        "ranking": [[i.get("name"), i.get("confidence")] for i in parsed.get("intent_ranking", [])],
        "entities": [
            [
                e.get("entity"),
                e.get("value"),
                e.get("start"),
                e.get("end"),
                e.get("extractor"),
                e.get("confidence_entity"),
            ]
            for e in parsed.get("entities", [])
        ],
    }


def _node_using(agent: Any, class_name: str) -> str:
    nodes = agent.processor.model_metadata.predict_schema.nodes
    return next(name for name, node in nodes.items() if node.uses.__name__ == class_name)


def core_results(agent: Any, stories: str, count: int) -> list[dict[str, Any]]:
    """Before each action of the first ``count`` stories: the ensemble's prediction and TED's."""
    from rasa.core.test import _create_data_generator
    from rasa.engine.constants import PLACEHOLDER_TRACKER
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    ted = _node_using(agent, "TEDPolicy")
    processor = agent.processor
    trackers = _create_data_generator(stories, agent).generate_story_trackers()[:count]
    results = []
    for tracker in trackers:
        events = list(tracker.events)
        partial = DialogueStateTracker.from_events(
            tracker.sender_id, events[:1], agent.domain.slots
        )
        for event in events[1:]:
            if isinstance(event, ActionExecuted) and event.action_name:
                chosen = processor._predict_next_with_tracker(partial.copy())
                own = processor.graph_runner.run(
                    inputs={PLACEHOLDER_TRACKER: partial.copy()}, targets=[ted]
                )[ted]
                results.append(
                    {
                        "expected": event.action_name,
                        "policy": chosen.policy_name,
                        "probabilities": list(chosen.probabilities),
                        "ted": list(own.probabilities),
                    }
                )
            partial.update(event)
    return results


def _loaded_examples() -> list[tuple[Any, Any]]:
    """Records each model and the example its load predicted on (both loads end with
    ``model.run_inference(predict_data_example)``)."""
    from rasa.utils.tensorflow.models import RasaModel

    examples: list[tuple[Any, Any]] = []
    original = RasaModel.run_inference

    def run_inference(self: Any, model_data: Any, *args: Any, **kwargs: Any) -> Any:
        if not any(model is self for model, _ in examples):
            examples.append((self, model_data))
        return original(self, model_data, *args, **kwargs)

    RasaModel.run_inference = run_inference  # type: ignore[method-assign]
    return examples


def _max_difference(first: Any, second: Any) -> float:
    import numpy as np

    if isinstance(first, dict):
        return max([_max_difference(first[key], second[key]) for key in first] or [0.0])
    if first is None or second is None:
        return 0.0 if first is second else float("inf")
    first, second = np.asarray(first), np.asarray(second)
    if first.shape != second.shape:
        return float("inf")
    if first.size == 0 or not np.issubdtype(first.dtype, np.number):
        return 0.0 if np.array_equal(first, second) else float("inf")
    return float(np.max(np.abs(first.astype(np.float64) - second.astype(np.float64))))


def consistency(examples: list[tuple[Any, Any]]) -> dict[str, dict[str, float]]:
    """For each loaded model: how far its labels' embeddings, computed at load, are from
    freshly computed ones, and how far its compiled prediction on the load's example is from
    an eager one with those fresh embeddings (a stale state left by the load shows here)."""
    from keras.utils import tf_utils
    from rasa.utils.train_utils import create_data_generators

    report = {}
    for model, data in examples:
        generator, _ = create_data_generators(
            model_data=data, batch_sizes=1, epochs=1, shuffle=False
        )
        batch = next(iter(generator))[0]
        compiled = model._rasa_predict(batch)
        at_load = model.all_labels_embed.numpy()
        model.prepare_for_predict()
        eager = tf_utils.sync_to_numpy_or_python_type(model.predict_step(batch))
        report[type(model).__name__] = {
            "labels_embed": _max_difference(at_load, model.all_labels_embed.numpy()),
            "prediction": _max_difference(compiled, eager),
        }
    return report


def _traced_without_autograph() -> dict[str, bool]:
    from rasa_runtime.patches import traced_without_autograph

    return dict(traced_without_autograph)


async def measure(model: str, patched: bool) -> dict[str, Any]:
    started = time.perf_counter()
    if patched:
        from rasa_runtime.patches import apply

        applied = apply({})
    else:
        applied = []
    from rasa.core.agent import Agent

    examples = _loaded_examples()
    imported = time.perf_counter()
    agent = Agent.load(model)
    loaded = time.perf_counter()
    first = await agent.parse_message(MESSAGES[0])
    answered = time.perf_counter()
    nlu = [nlu_result(first)] + [nlu_result(await agent.parse_message(m)) for m in MESSAGES[1:]]
    return {
        "applied": applied,
        "seconds": {
            "import": round(imported - started, 2),
            "load": round(loaded - imported, 2),
            "first_parse": round(answered - loaded, 2),
        },
        "nlu": nlu,
        "core": core_results(agent, STORIES, CORE_STORIES),
        "consistency": consistency(examples),
        "traced_without_autograph": _traced_without_autograph(),
    }


def main(argv: list[str], out: TextIO) -> None:
    parser = argparse.ArgumentParser(prog="python -m rasa_runtime.load_check")
    parser.add_argument("--model", default="models/current.tar.gz")
    parser.add_argument("--unpatched", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(measure(args.model, not args.unpatched))), file=out, flush=True)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    logging.disable(logging.WARNING)
    # Rasa's structlog lines go to standard output: keep it for the one JSON line.
    result_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    main(sys.argv[1:], result_out)
