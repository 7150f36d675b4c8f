"""Sign in and sign out."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from console import auth
from console.db import db, state
from console.views.common import client_ip

blueprint = Blueprint("auth", __name__)

_MAX_NEXT_LENGTH = 2048
_BUSY_RETRY_SECONDS = 5


def _is_local_path(target: str) -> bool:
    """True for a path on this site: it starts with one ``/`` and holds no scheme, host,
    backslash, control character or whitespace (browsers drop tabs and newlines from URLs, so
    ``/\t/evil.example`` would become ``//evil.example``)."""
    if not target.startswith("/") or target.startswith("//"):
        return False
    if any(ord(char) < 0x21 or char in "\\\x7f" for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _safe_next(target: str | None) -> str:
    """Only a path on this site may be the place to return to after sign-in."""
    if not target or len(target) > _MAX_NEXT_LENGTH or not _is_local_path(target):
        return url_for("reports.queue")
    return target


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if g.get("viewer") is not None and request.method == "GET":
        return redirect(_safe_next(request.args.get("next")))
    next_target = request.values.get("next") or ""
    if request.method == "GET":
        return render_template("login.html", next=next_target, email="")
    email = (request.form.get("email") or "").strip()
    password = request.form.get("password") or ""
    outcome = auth.attempt_login(
        db(),
        email=email,
        password=password,
        ip=client_ip(),
        limits=state().config.throttle_limits,
        hashing=state().hashing,
    )
    db().commit()
    if outcome.busy:
        message = "The console is busy signing other people in. Please try again in a moment."
        return (
            render_template("login.html", next=next_target, email=email, error=message),
            503,
            {"Retry-After": str(_BUSY_RETRY_SECONDS)},
        )
    if outcome.throttled:
        minutes = math.ceil(
            (outcome.retry_after.total_seconds() if outcome.retry_after else 60) / 60
        )
        message = (
            f"Too many failed sign-in attempts for this account or from your address. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )
        seconds = int(outcome.retry_after.total_seconds()) if outcome.retry_after else 60
        return (
            render_template("login.html", next=next_target, email=email, error=message),
            429,
            {"Retry-After": str(max(seconds, 1))},
        )
    if outcome.viewer is None or outcome.token is None:
        return (
            render_template(
                "login.html", next=next_target, email=email, error="Wrong e-mail or password."
            ),
            401,
        )
    # A fresh session on sign-in (no fixation): the old cookie's contents are dropped.
    session.clear()
    session.permanent = True
    session[auth.SESSION_TOKEN_KEY] = outcome.token
    return redirect(_safe_next(next_target))


@blueprint.post("/logout")
def logout() -> Any:
    token = session.get(auth.SESSION_TOKEN_KEY)
    if isinstance(token, str):
        auth.sign_out(db(), token=token, viewer=g.get("viewer"), ip=client_ip())
        db().commit()
    session.clear()
    flash("You are signed out.", "notice")
    return redirect(url_for("auth.login"))
