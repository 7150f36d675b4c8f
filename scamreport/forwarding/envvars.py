"""Reading forwarding settings from the environment with messages that name the variable."""

from __future__ import annotations

import math
from collections.abc import Mapping

from scamreport.settings import whole_number


class ForwardingConfigError(ValueError):
    """A forwarding setting in the environment is not usable; the message names the variable."""


def text(env: Mapping[str, str], name: str) -> str | None:
    """The stripped value of ``name``, or None when it is unset or blank."""
    value = env.get(name, "").strip()
    return value or None


def positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    return whole_number(env, name, default, error=ForwardingConfigError)


def seconds(env: Mapping[str, str], name: str, default: float, *, minimum: float = 0.0) -> float:
    raw = text(env, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ForwardingConfigError(f"{name}={raw!r} is not a number of seconds") from None
    if not math.isfinite(value) or value < minimum:
        raise ForwardingConfigError(
            f"{name}={raw!r} must be a finite number of seconds >= {minimum}"
        )
    return value


def flag(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    raw = text(env, name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ForwardingConfigError(f"{name}={raw!r} is not true or false")
