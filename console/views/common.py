"""Helpers shared by the views: the signed-in viewer, permission checks, paging arguments."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, g, request

from console.access import Viewer

F = TypeVar("F", bound=Callable[..., Any])


def current_viewer() -> Viewer:
    viewer: Viewer | None = g.get("viewer")
    if viewer is None:  # the before-request hook lets no anonymous request get here
        abort(401)
    return viewer


def requires(permission: str) -> Callable[[F], F]:
    """Answers 403 unless the signed-in viewer's role has ``permission``."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_viewer().can(permission):
                abort(403, description="Your role does not allow this.")
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def int_arg(name: str, default: int, *, minimum: int = 1, maximum: int | None = None) -> int:
    try:
        value = int(request.args.get(name, default))
    except (TypeError, ValueError):
        return default
    value = max(value, minimum)
    return min(value, maximum) if maximum is not None else value


def client_ip() -> str:
    return request.remote_addr or "unknown"
