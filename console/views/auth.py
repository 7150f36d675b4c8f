"""Sign in and sign out."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from console import auth
from console.db import db, state
from console.views.common import client_ip

blueprint = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or a URL) may be the place to return to."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
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
    config = state().config
    outcome = auth.attempt_login(
        db(),
        email=email,
        password=password,
        ip=client_ip(),
        max_failures=config.login_max_failures,
        window=config.login_window,
    )
    db().commit()
    if outcome.throttled:
        minutes = math.ceil(
            (outcome.retry_after.total_seconds() if outcome.retry_after else 60) / 60
        )
        message = (
            f"Too many failed sign-in attempts for this account from your address. "
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
