"""The Sanic application serving actions/ to Rasa (see the package docstring)."""

from __future__ import annotations

import hmac
import json
import logging
import traceback
import zlib
from typing import Any

from rasa_sdk import utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from scamreport import metrics
from scamreport.settings import KEEP_ALIVE_SECONDS

logger = logging.getLogger(__name__)

# Rasa sends the endpoint's ``token`` as this query parameter (rasa.utils.endpoints).
TOKEN_PARAM = "token"
# Rasa sends the whole tracker with each call; a long conversation stays far below this.
MAX_ACTION_CALL_BYTES = 64 * 1024 * 1024
OPEN_PATHS = frozenset({"/health"})


class BadActionCall(ValueError):
    """A request body that is not an action call."""


def is_authorised(request: Request, token: str) -> bool:
    provided = request.args.get(TOKEN_PARAM)
    return bool(provided) and hmac.compare_digest(provided.encode(), token.encode())


def read_action_call(request: Request) -> dict[str, Any]:
    """The JSON action call, inflated within bounds when Rasa compressed it."""
    data = request.body or b""
    if request.headers.get("Content-Encoding") == "deflate":
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(data, MAX_ACTION_CALL_BYTES)
        except zlib.error:
            raise BadActionCall("the body is not deflated data") from None
        if inflater.unconsumed_tail:
            raise BadActionCall("the inflated body is too large")
    try:
        action_call = json.loads(data)
    except (ValueError, RecursionError):
        raise BadActionCall("the body is not JSON") from None
    if not isinstance(action_call, dict):
        raise BadActionCall("the body is not an action call")
    return action_call


def log_failure(action_name: str, error: BaseException) -> None:
    """Where an action failed, without the exception's message (it may quote the reporter)."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    logger.error(
        "action %s failed with %s; traceback (message omitted):\n%s",
        action_name,
        type(error).__name__,
        frames,
    )


def create_app(
    token: str, actions_package: str = "actions", metrics_token: str | None = None
) -> Sanic:
    """The action server: /health for anyone, /webhook and /actions with the token, /metrics
    with the metrics token (``Authorization: Bearer``; None: off)."""
    app = Sanic("scamreport_actions", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = MAX_ACTION_CALL_BYTES
    app.config.KEEP_ALIVE_TIMEOUT = KEEP_ALIVE_SECONDS
    executor = ActionExecutor()
    executor.register_package(actions_package)

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or request.path == metrics.METRICS_PATH:
            return None
        if not request.args.get(TOKEN_PARAM):
            return response.json({"error": "missing token"}, status=401)
        if not is_authorised(request, token):
            return response.json({"error": "wrong token"}, status=403)
        return None

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.get(metrics.METRICS_PATH)
    async def metrics_route(request: Request) -> HTTPResponse:
        status, body = metrics.answer(request.headers.get("Authorization"), metrics_token)
        content_type = metrics.CONTENT_TYPE if status == 200 else "text/plain"
        return response.raw(body, status=status, content_type=content_type)

    @app.get("/actions")
    async def actions(_: Request) -> HTTPResponse:
        return response.json([{"name": name} for name in executor.actions])

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        try:
            action_call = read_action_call(request)
        except BadActionCall as error:
            return response.json({"error": str(error)}, status=400)
        utils.check_version_compatibility(action_call.get("version"))
        action_name = str(action_call.get("next_action") or "")
        try:
            result = await executor.run(action_call)
        except ActionExecutionRejection as error:
            return response.json({"error": error.message, "action_name": error.action_name}, 400)
        except ActionNotFoundException as error:
            return response.json({"error": error.message, "action_name": error.action_name}, 404)
        except Exception as error:  # noqa: BLE001 - logged without content, answered without it
            log_failure(action_name, error)
            return response.json({"error": "the action failed", "action_name": action_name}, 500)
        return response.json(result)

    @app.exception(Exception)
    async def any_error(_: Request, error: Exception) -> HTTPResponse:
        """Sanic's own errors (not found, body too large…): a status, never the request."""
        status = getattr(error, "status_code", 500)
        if status >= 500:
            logger.error("the action server failed with %s", type(error).__name__)
        return response.json({"error": type(error).__name__}, status=status)

    return app
