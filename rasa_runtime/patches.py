"""Small, checked patches to Rasa 3.6.21, applied by the launcher (rasa_runtime.__main__).

Three patches:

1. **The action server's answer is validated with one compiled JSON-schema validator** instead
   of a new one per answer (speed, issue 13).
2. **A custom action that fails ends the turn** (the reporter is never answered by a guess).
   Rasa 3.6.21 logs the failure ("Bot will continue, but the actions events are lost") and
   goes on predicting: after the opening story's ``action_start_report`` failed because the
   action server was down, it predicted the fallback and told a victim "Sorry, I didn't
   understand" (issue 11). Patched, the turn ends as if Rasa had predicted ``action_listen``:
   Rasa answers nothing, which the bot reads as "the action server is unavailable", keeps the
   message, tells the reporter, and sends it again when the actions are back (bot/relay.py).
   A rejection (the action server's "not this action", HTTP 400) is left to Rasa as before.
3. **A trained TensorFlow model is built by one prediction, not one training step** (start-up
   time, issue 13). Rasa 3.6.21's ``RasaModel.load`` (rasa/utils/tensorflow/models.py) creates
   the model's variables by compiling it and running ``fit`` on one example, which traces the
   whole training graph with its gradients, and then overwrites every variable with
   ``load_weights``. Measured with the project's model (DIET and TED), that ``fit`` was 75-80%
   of loading it. Patched, the variables are created by one eager prediction on the example
   Rasa predicts on afterwards, the labels' embeddings computed from the initial weights are
   dropped, and the weights are loaded as before; every variable the model has must get its
   trained value from the checkpoint, else the model is loaded as Rasa loads it (the
   optimizer's slots, which only training needs, are left unread). Rasa's last step, one
   prediction that traces the prediction function, then runs with that function traced
   without AutoGraph (the same graph: Rasa's prediction has no Python control flow on tensors;
   if it had, the trace would fail and Rasa's own trace is used). Fine-tuning
   (``rasa train --finetune``) and a load without a prediction example keep Rasa's own path.

Rasa 3.6.21 checks every action-server reply against its events schema with
``jsonschema.validate(result, schema)`` (``RemoteAction._validate_action_result`` in
rasa/core/actions/action.py). ``validate`` first validates the schema itself against the
JSON-schema meta-schema, then builds a new validator, and only then checks the reply: for
Rasa's large events schema the first two steps cost far more than the check. Profiled from
outside it was 43-45% of Rasa's busy CPU during form turns (issue 13). The patch builds and
checks the validator once per process and keeps it; the reply is checked exactly as before
(same validator class, same ``best_match`` error, same message Rasa appends).

Each patch is applied only to the Rasa version it was written for (``PATCHED_RASA_VERSION``)
and only where its hook point still looks as expected; otherwise Rasa runs without it and the
launcher says why on stderr. ``SCAMREPORT_RASA_PATCHES=off`` turns them off (to measure the
difference, or to rule them out while debugging). tests/rasa_runtime/test_patches.py fails
when an upgrade removes the need or a hook point, so a patch is reviewed, not silently dropped.

Only the standard library, Rasa and what Rasa depends on (jsonschema, TensorFlow) are imported,
and only inside functions: this module imports nothing from Rasa at import time.
"""

from __future__ import annotations

import contextvars
import inspect
import os
import sys
from typing import Any

PATCHED_RASA_VERSION = "3.6.21"
SWITCH_ENV = "SCAMREPORT_RASA_PATCHES"
# What the unpatched method must contain for the patch to be both needed and a faithful copy.
EXPECTED_ORIGINAL_CALL = "validate(result, self.action_response_format_spec())"

# What MessageProcessor._run_action must contain for the failed-action patch to be needed.
EXPECTED_SWALLOWED_FAILURE = "Bot will continue, but the actions events are lost"
CACHED_VALIDATOR = "cached-action-response-validator"
FAILED_ACTION_ENDS_TURN = "failed-custom-action-ends-the-turn"
MODEL_BUILT_BY_PREDICTION = "model-built-by-one-prediction"

# What RasaModel.load must contain for the load patch to be needed and a faithful copy.
EXPECTED_LOAD_STEPS = (
    "model.fit(data_generator, verbose=False)",
    "model.load_weights(model_file_name)",
    "model.run_inference(predict_data_example)",
)
# RasaModel._rasa_predict traces its prediction function only when none is kept yet.
EXPECTED_TRACE = "if self._tf_predict_step is None:"
# Per loaded model class: whether its prediction function was traced without AutoGraph
# (False: the plain trace failed and Rasa's own was used).
traced_without_autograph: dict[str, bool] = {}

# One compiled validator per RemoteAction class (its action_response_format_spec).
_validators: dict[type, Any] = {}
# Set when a custom action's run raised (not a rejection) during the current _run_action.
_custom_action_failed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "custom_action_failed", default=False
)


class PatchSkipped(RuntimeError):
    """A patch was not applied: the installed Rasa is not the one it was written for."""


def _compiled_validator(action_class: type) -> Any:
    validator = _validators.get(action_class)
    if validator is None:
        from jsonschema.validators import validator_for

        schema = action_class.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)  # what jsonschema.validate does on every call; once is enough
        validator = _validators[action_class] = cls(schema)
    return validator


def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result with a compiled validator (same result, same
    error and message as Rasa 3.6.21's, which calls ``jsonschema.validate``)."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_compiled_validator(type(self)).iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def hook_point() -> Any:
    """The unpatched method the patch replaces; raises PatchSkipped when it is not as expected."""
    import rasa
    from rasa.core.actions.action import RemoteAction

    if rasa.__version__ != PATCHED_RASA_VERSION:
        raise PatchSkipped(
            f"written for Rasa {PATCHED_RASA_VERSION}, found {rasa.__version__}: review "
            "rasa_runtime/patches.py against this version"
        )
    original = RemoteAction.__dict__.get("_validate_action_result")
    if original is None or not callable(original):
        raise PatchSkipped("RemoteAction._validate_action_result is gone")
    original = getattr(original, "__wrapped__", original)
    source = inspect.getsource(original)
    if EXPECTED_ORIGINAL_CALL not in source:
        raise PatchSkipped(
            "RemoteAction._validate_action_result no longer calls "
            f"{EXPECTED_ORIGINAL_CALL!r}: the patch may not be needed any more"
        )
    return original


def _unpatched(owner: type, name: str) -> Any:
    method = owner.__dict__.get(name)
    if method is None or not callable(method):
        raise PatchSkipped(f"{owner.__name__}.{name} is gone")
    return getattr(method, "__wrapped__", method)


def failure_hook_points() -> tuple[Any, Any]:
    """The unpatched RemoteAction.run and MessageProcessor._run_action; raises PatchSkipped
    when Rasa no longer swallows a failed custom action and goes on predicting."""
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor

    if rasa.__version__ != PATCHED_RASA_VERSION:
        raise PatchSkipped(f"written for Rasa {PATCHED_RASA_VERSION}, found {rasa.__version__}")
    run = _unpatched(RemoteAction, "run")
    run_action = _unpatched(MessageProcessor, "_run_action")
    if EXPECTED_SWALLOWED_FAILURE not in inspect.getsource(run_action):
        raise PatchSkipped(
            "MessageProcessor._run_action no longer swallows a failed action: the "
            "failed-action patch may not be needed any more"
        )
    return run, run_action


def _patch_failed_action_ends_turn() -> None:
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted

    if getattr(MessageProcessor._run_action, "__wrapped__", None) is not None:
        return
    original_run, original_run_action = failure_hook_points()

    async def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original_run(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise
        except Exception:
            _custom_action_failed.set(True)
            raise

    async def run_action(
        self: Any, action: Any, tracker: Any, output_channel: Any, nlg: Any, prediction: Any
    ) -> bool:
        token = _custom_action_failed.set(False)
        try:
            predict_another = await original_run_action(
                self, action, tracker, output_channel, nlg, prediction
            )
            if isinstance(action, RemoteAction) and _custom_action_failed.get():
                tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
                return False
            return predict_another
        finally:
            _custom_action_failed.reset(token)

    run.__wrapped__ = original_run  # type: ignore[attr-defined]
    run_action.__wrapped__ = original_run_action  # type: ignore[attr-defined]
    RemoteAction.run = run  # type: ignore[method-assign]
    MessageProcessor._run_action = run_action  # type: ignore[method-assign]


def load_hook_point() -> Any:
    """The unpatched ``RasaModel.load`` (a function taking ``cls``); raises PatchSkipped when
    Rasa no longer builds a loaded model with a training step, or no longer keeps the
    prediction function it traces in ``_tf_predict_step``."""
    import rasa
    from rasa.utils.tensorflow.models import RasaModel

    if rasa.__version__ != PATCHED_RASA_VERSION:
        raise PatchSkipped(f"written for Rasa {PATCHED_RASA_VERSION}, found {rasa.__version__}")
    load = RasaModel.__dict__.get("load")
    if not isinstance(load, classmethod):
        raise PatchSkipped("RasaModel.load is gone or no longer a classmethod")
    original = getattr(load.__func__, "__wrapped__", load.__func__)
    missing = [step for step in EXPECTED_LOAD_STEPS if step not in inspect.getsource(original)]
    predict = RasaModel.__dict__.get("_rasa_predict")
    if predict is None or EXPECTED_TRACE not in inspect.getsource(predict):
        missing.append(f"_rasa_predict: {EXPECTED_TRACE}")
    if missing:
        raise PatchSkipped(
            f"RasaModel.load no longer runs {missing}: the load patch may not be needed any more"
        )
    return original


def _first_batch(model_data: Any) -> Any:
    """The first batch of one example, as RasaModel.run_inference makes it."""
    from rasa.utils.train_utils import create_data_generators

    generator, _ = create_data_generators(
        model_data=model_data, batch_sizes=1, epochs=1, shuffle=False
    )
    return next(iter(generator))[0]


def _build_by_prediction(model: Any, batch: Any) -> None:
    """Creates every variable prediction uses by one eager prediction."""
    model.predict_step(batch)
    # prepare_for_predict cached the labels' embeddings from the initial weights.
    model.prepared_for_prediction = False
    if hasattr(model, "all_labels_embed"):
        model.all_labels_embed = None


def _trace_prediction(model: Any, batch: Any, predict_data_example: Any) -> None:
    """Rasa's last load step (run_inference, which traces the prediction function), with the
    function traced without AutoGraph; with AutoGraph, as Rasa does, if that fails."""
    import tensorflow as tf

    if model._run_eagerly:
        model.run_inference(predict_data_example)
        return
    # AutoGraph turns Python control flow on tensors into graph ops; Rasa's prediction has
    # none, so the graph is the same, but converting its ~200 functions took ~60% of the load
    # once the training step was gone. Control flow on a tensor fails the trace: retried.
    model._tf_predict_step = tf.function(
        model.predict_step, input_signature=model._dynamic_signature(batch), autograph=False
    )
    try:
        model.run_inference(predict_data_example)
        traced_without_autograph[type(model).__name__] = True
    except Exception:  # noqa: BLE001 - any failure of the plain trace: Rasa's own trace
        model._tf_predict_step = None
        model.prepared_for_prediction = False
        model.run_inference(predict_data_example)
        traced_without_autograph[type(model).__name__] = False


def _load_without_training_step(
    cls: Any, model_file_name: str, predict_data_example: Any, *args: Any, **kwargs: Any
) -> Any:
    import tensorflow as tf
    from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY

    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    # Compiled as Rasa compiles it (run_eagerly decides how it predicts); the optimizer is
    # never built, so its slots in the checkpoint stay unread.
    model.compile(
        optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
        run_eagerly=config.get(RUN_EAGERLY),
    )
    batch = _first_batch(predict_data_example)
    _build_by_prediction(model, batch)
    status = model.load_weights(model_file_name)
    status.assert_existing_objects_matched()  # every variable built has its trained value
    status.expect_partial()
    _trace_prediction(model, batch, predict_data_example)
    return model


def load_model_built_by_prediction(
    cls: Any,
    model_file_name: str,
    model_data_example: Any,
    predict_data_example: Any = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> Any:
    """RasaModel.load without the training step: see the module docstring (patch 3)."""
    original = load_model_built_by_prediction.__wrapped__  # type: ignore[attr-defined]
    if not finetune_mode and predict_data_example:
        try:
            return _load_without_training_step(
                cls, model_file_name, predict_data_example, *args, **kwargs
            )
        except AssertionError as mismatch:
            print(f"rasa_runtime: {cls.__name__} loaded as Rasa does: {mismatch}", file=sys.stderr)
    return original(
        cls,
        model_file_name,
        model_data_example,
        predict_data_example,
        finetune_mode,
        *args,
        **kwargs,
    )


def _patch_model_load() -> None:
    from rasa.utils.tensorflow.models import RasaModel

    if getattr(RasaModel.__dict__.get("load"), "__func__", None) is load_model_built_by_prediction:
        return
    load_model_built_by_prediction.__wrapped__ = load_hook_point()  # type: ignore[attr-defined]
    RasaModel.load = classmethod(load_model_built_by_prediction)  # type: ignore[assignment]


def apply(env: dict[str, str] | None = None) -> list[str]:
    """Applies every patch that fits the installed Rasa; returns the names of those applied.
    Raises PatchSkipped (after applying the others) when one does not fit."""
    environment = os.environ if env is None else env
    if environment.get(SWITCH_ENV, "").strip().lower() in ("off", "0", "false", "no"):
        return []
    from rasa.core.actions.action import RemoteAction

    applied: list[str] = []
    skipped: list[str] = []
    if RemoteAction.__dict__.get("_validate_action_result") is not validate_action_result:
        try:
            original = hook_point()
            validate_action_result.__wrapped__ = original  # type: ignore[attr-defined]
            RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]
        except PatchSkipped as reason:
            skipped.append(f"{CACHED_VALIDATOR}: {reason}")
    if RemoteAction.__dict__.get("_validate_action_result") is validate_action_result:
        applied.append(CACHED_VALIDATOR)
    try:
        _patch_failed_action_ends_turn()
        applied.append(FAILED_ACTION_ENDS_TURN)
    except PatchSkipped as reason:
        skipped.append(f"{FAILED_ACTION_ENDS_TURN}: {reason}")
    try:
        _patch_model_load()
        applied.append(MODEL_BUILT_BY_PREDICTION)
    except PatchSkipped as reason:
        skipped.append(f"{MODEL_BUILT_BY_PREDICTION}: {reason}")
    if skipped:
        raise PatchSkipped("; ".join(skipped) + f" (applied: {', '.join(applied) or 'none'})")
    return applied


def apply_or_warn() -> list[str]:
    """apply(), telling stderr (never failing the start) when a patch does not fit."""
    try:
        return apply()
    except PatchSkipped as reason:
        print(f"rasa_runtime: Rasa runs unpatched: {reason}", file=sys.stderr)
        return []


# --- the self-check tests/rasa_runtime/test_patches.py runs in .venv/rasa -------------------

SAMPLE_REPLIES: list[Any] = [
    # A form-validation answer like the project's: a few slots, a response with buttons.
    {
        "events": [
            {"event": "slot", "timestamp": None, "name": "scam_type", "value": "fake_authority"},
            {"event": "slot", "timestamp": None, "name": "amount", "value": 1200.0},
            {"event": "slot", "timestamp": None, "name": "currency", "value": "SGD"},
            {"event": "slot", "timestamp": None, "name": "requested_slot", "value": "country"},
        ],
        "responses": [
            {
                "response": "utter_ask_country",
                "buttons": [{"title": "Singapore", "payload": '/inform{"country":"SG"}'}],
                "text": None,
            }
        ],
    },
    {"events": [], "responses": []},
    {},
    # Invalid answers: each must fail the same way patched and unpatched.
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "name": 5, "value": 1}]},
    {"events": [], "responses": "not a list"},
    [],
]


def _outcome(method: Any, action: Any, reply: Any) -> tuple[str, str]:
    from jsonschema import ValidationError

    try:
        method(action, reply)
        return ("ok", "")
    except ValidationError as error:
        return ("invalid", error.message)


def check(rounds: int = 200) -> dict[str, Any]:
    """Whether the patch is needed and fits, whether it answers as Rasa does, and its speed."""
    import time

    import rasa
    from rasa.core.actions.action import RemoteAction

    report: dict[str, Any] = {"rasa_version": rasa.__version__, "patched_for": PATCHED_RASA_VERSION}
    try:
        original = hook_point()
        report["hook_point"] = "ok"
    except PatchSkipped as reason:
        report["hook_point"] = str(reason)
        return report
    action = RemoteAction("action_check", None)
    report["same_outcomes"] = [
        _outcome(original, action, reply) == _outcome(validate_action_result, action, reply)
        for reply in SAMPLE_REPLIES
    ]
    report["outcomes"] = [_outcome(validate_action_result, action, r)[0] for r in SAMPLE_REPLIES]
    timings: dict[str, float] = {}
    for name, method in (("original", original), ("patched", validate_action_result)):
        method(action, SAMPLE_REPLIES[0])  # warm-up (imports, the patched one's compile)
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            for _ in range(rounds):
                method(action, SAMPLE_REPLIES[0])
            best = min(best, (time.perf_counter() - started) / rounds)
        timings[name] = best * 1000
    report["ms_per_reply"] = timings
    try:
        failure_hook_points()
        report["failure_hook_point"] = "ok"
    except PatchSkipped as reason:
        report["failure_hook_point"] = str(reason)
    try:
        load_hook_point()
        report["load_hook_point"] = "ok"
    except PatchSkipped as reason:
        report["load_hook_point"] = str(reason)
    report["applied"] = apply({})
    report["installed"] = RemoteAction.__dict__["_validate_action_result"] is validate_action_result
    return report


if __name__ == "__main__":
    import json

    if sys.argv[1:] != ["--check"]:
        print("usage: python -m rasa_runtime.patches --check", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(check()))
