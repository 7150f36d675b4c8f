"""Starts Rasa as `rasa` would, with the project's rules for what it exposes.

`python -m rasa_runtime run --enable-api ...` (from .venv/rasa, in the project root):

- the HTTP API never runs open: with --enable-api the token comes from RASA_AUTH_TOKEN and is
  added here, so it never appears on a command line (which every user of the machine can read);
- Rasa listens on SCAMREPORT_BIND_HOST (default 127.0.0.1) unless --interface names another
  loopback or private address, never on every interface (Rasa's own default);
- Sanic refuses request bodies over a bound (a message's bound is in scamreport.channel);
- Sanic's listen backlog is SANIC_BACKLOG, default 1024 rather than Rasa's 100 (which
  overflowed with 200 reporters at once; scamreport.settings.DEFAULT_LISTEN_BACKLOG);
- the small, checked patches in rasa_runtime.patches are applied before Rasa starts (the
  action server's answers validated with one compiled JSON-schema validator, not a new one
  per answer; a failed custom action ends the turn; the trained models loaded without Rasa's
  one-example training step); SCAMREPORT_RASA_PATCHES=off runs Rasa unpatched.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from scamreport.channel import MAX_REQUEST_BYTES
from scamreport.logs import LogFormatError, log_format
from scamreport.settings import (
    DEFAULT_BIND_HOST,
    MIN_SECRET_CHARS,
    RASA_AUTH_TOKEN,
    SANIC_BACKLOG,
    SettingsError,
    checked_bind_host,
    listen_backlog,
)

TOKEN_FLAGS = ("--auth-token", "-t")
# The commands that run custom actions, where rasa_runtime.patches matter.
PATCHED_COMMANDS = frozenset({"run", "shell", "test", "interactive"})
INTERFACE_FLAGS = ("--interface", "-i")


class LaunchError(RuntimeError):
    """The command line or the environment would expose Rasa."""


def _flag_value(argv: Sequence[str], flags: Sequence[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg in flags and index + 1 < len(argv):
            return argv[index + 1]
        for flag in flags:
            if arg.startswith(f"{flag}="):
                return arg.split("=", 1)[1]
    return None


def rasa_argv(argv: Sequence[str], env: Mapping[str, str]) -> list[str]:
    """Rasa's command line with the project's rules applied (see the module docstring)."""
    args = list(argv)
    if any(arg in TOKEN_FLAGS or arg.startswith("--auth-token=") for arg in args):
        raise LaunchError(f"pass Rasa's API token in {RASA_AUTH_TOKEN}, not on the command line")
    if not args or args[0] != "run":
        return args
    try:
        interface = _flag_value(args, INTERFACE_FLAGS)
        if interface is None:
            args += [
                "--interface",
                checked_bind_host(env.get("SCAMREPORT_BIND_HOST") or DEFAULT_BIND_HOST),
            ]
        else:
            checked_bind_host(interface)
    except SettingsError as error:
        raise LaunchError(str(error)) from None
    if "--enable-api" in args:
        token = env.get(RASA_AUTH_TOKEN, "")
        if len(token) < MIN_SECRET_CHARS:
            raise LaunchError(
                f"--enable-api needs {RASA_AUTH_TOKEN}: a secret of {MIN_SECRET_CHARS}+ characters"
            )
        # One argument: a token starting with "-" (token_urlsafe: 1 in 64) would otherwise be
        # read as a flag, and Rasa would refuse to start.
        args.append(f"--auth-token={token}")
    return args


def observe_rasa(env: Mapping[str, str]) -> None:
    """NLU confidence and error counts for /webhooks/rest/metrics (rasa_runtime/metrics.py);
    JSON log lines when SCAMREPORT_LOG_FORMAT=json, in place of Rasa's coloured ones."""
    import rasa.utils.io

    from rasa_runtime.metrics import install
    from scamreport.logs import configure

    install()
    if log_format(env) == "json":

        def json_logs(loglevel: str | int | None) -> None:
            configure("rasa", env, loglevel or env.get("LOG_LEVEL") or "INFO")

        rasa.utils.io.configure_colored_logging = json_logs


def main() -> None:
    try:
        args = rasa_argv(sys.argv[1:], os.environ)
        backlog = listen_backlog(os.environ)
        log_format(os.environ)
    except (LaunchError, SettingsError, LogFormatError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    os.environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(2 * MAX_REQUEST_BYTES))
    # rasa/core/run.py passes int(SANIC_BACKLOG or 100) to Sanic's app.run.
    os.environ[SANIC_BACKLOG] = str(backlog)
    # Rasa reads sys.argv itself; the token is only in this process's memory.
    sys.argv = ["rasa", *args]
    if args and args[0] in PATCHED_COMMANDS:
        from rasa_runtime.patches import apply_or_warn

        apply_or_warn()
    if args and args[0] == "run":
        observe_rasa(os.environ)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
