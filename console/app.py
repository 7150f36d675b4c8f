"""The Flask application factory of the police console."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from flask import (
    Flask,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, CSRFProtect
from markupsafe import Markup
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from console import auth
from console.audit import ACTIONS
from console.config import ConsoleConfig
from console.db import (
    DATABASE_RETRY_AFTER_SECONDS,
    EXTENSION_KEY,
    ConsoleState,
    close_db,
    database_unavailable,
    db,
    describe_database_error,
    state,
)
from console.passwords import HashingPool
from console.rendering import language_label
from console.request_metrics import count_requests
from console.views.common import client_ip, status_of
from scamreport.presentation import describe_amount
from scamreport.settings import Settings, get_settings
from scamreport.statuses import status_label
from scamreport.storage.database import make_engine, make_session_factory
from scamreport.taxonomy import SCAM_TYPES

# Endpoints reachable without signing in; every other endpoint needs a signed-in user.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "static", "health"})

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)


def _refuse_nul_characters() -> None:
    """Before each request (and before the CSRF check): a NUL character anywhere in the path,
    the query or the form is refused with 400. PostgreSQL cannot store it in text, and no
    field of the console needs it."""
    values = [request.path]
    for multi in (request.args, request.form):
        for key, items in multi.lists():
            values.append(key)
            values.extend(items)
    if any("\x00" in value for value in values):
        abort(400, description="The request holds a NUL character (\\0), which no field accepts.")


_SIGNED_OUT_BECAUSE: dict[str, str] = {
    "idle": "You were signed out after a period of inactivity.",
    "lifetime": "Your session reached its time limit: please sign in again.",
}


def _load_viewer() -> Response | None:
    """Before each request: who is signed in; signed-out visitors go to the login page. The
    TAXII API takes no session cookie: its callers present an API key (console.views.taxii)."""
    g.viewer = None
    if request.endpoint == "static" or request.blueprint == "taxii":
        return None
    token = session.get(auth.SESSION_TOKEN_KEY)
    if isinstance(token, str) and token:
        config = state().config
        check = auth.check_session(
            db(),
            token=token,
            idle_timeout=config.idle_timeout,
            lifetime=config.session_lifetime,
            ip=client_ip(),
        )
        db().commit()
        if check.viewer is None:
            session.clear()
            if check.expired is not None:
                flash(_SIGNED_OUT_BECAUSE[check.expired], "notice")
        g.viewer = check.viewer
    if g.viewer is None and request.endpoint not in PUBLIC_ENDPOINTS:
        if request.endpoint is None:
            return None  # let the 404 handler answer
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("auth.login", next=target))
    return None


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.endpoint != "static":
        # Pages hold report data: never keep them in a shared or back-button cache.
        response.headers["Cache-Control"] = "no-store"
    if not state().settings.is_development:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def _format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _format_when(value: datetime | None) -> Markup:
    """Date and time that wrap between them (not inside either) in a narrow column."""
    if value is None:
        return Markup("")
    utc = value.astimezone(timezone.utc)
    return Markup('<span class="nowrap">{}</span> <span class="nowrap">{} UTC</span>').format(
        utc.strftime("%Y-%m-%d"), utc.strftime("%H:%M")
    )


def _format_date(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["dt"] = _format_datetime
    app.jinja_env.filters["when"] = _format_when
    # "5,000 SGD", "320.50 MYR": the one way amounts read (scamreport.presentation).
    app.jinja_env.filters["money"] = describe_amount
    app.jinja_env.filters["d"] = _format_date
    app.jinja_env.filters["status_label"] = status_label
    app.jinja_env.filters["scam_label"] = lambda s: s.replace("_", " ").capitalize() if s else ""
    app.jinja_env.filters["language_name"] = language_label

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "viewer": g.get("viewer"),
            "scam_types": SCAM_TYPES,
            "audit_actions": ACTIONS,
            "status_of": status_of,
        }


DATABASE_UNAVAILABLE_MESSAGE = (
    "The database is unavailable for a moment; try again in a few seconds. "
    "If you were saving a change, reload the page first to see whether it was saved."
)


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(sa_exc.SQLAlchemyError)
    def _database_error(error: sa_exc.SQLAlchemyError) -> Any:
        """A database that is restarting, unreachable or locked is answered 503 with
        Retry-After (the pool replaces dropped connections, so the next request may succeed);
        any other database error stays an internal error. The log line names the error's
        classes only: its SQL and parameters may quote report content."""
        if not database_unavailable(error):
            raise error
        app.logger.warning(
            "database unavailable: %s %s answered 503 (%s)",
            request.method,
            request.endpoint or "-",
            describe_database_error(error),
        )
        return (
            render_template(
                "error.html",
                code=503,
                title="Database unavailable",
                message=DATABASE_UNAVAILABLE_MESSAGE,
            ),
            503,
            {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> tuple[str, int]:
        return (
            render_template(
                "error.html",
                code=400,
                title="Form refused",
                message="The form was missing its security token or it had expired. "
                "Go back, reload the page and try again.",
            ),
            400,
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        return (
            render_template(
                "error.html",
                code=error.code,
                title=error.name,
                message=error.description if error.code in (400, 403, 429) else None,
            ),
            error.code,
            {"Retry-After": error.retry_after} if getattr(error, "retry_after", None) else {},
        )


def create_app(
    settings: Settings | None = None,
    *,
    session_factory: sessionmaker[Session] | None = None,
    config: ConsoleConfig | None = None,
) -> Flask:
    """Builds the console. Without ``session_factory`` an engine for ``settings.database_url``
    is made (no connection is opened until the first request); the schema must be migrated."""
    settings = settings or get_settings()
    config = config or ConsoleConfig.from_env()
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))

    app = Flask(__name__)
    secure = not settings.is_development
    app.config.update(
        SECRET_KEY=settings.console_secret_key,
        # The __Host- prefix pins the cookie to this host over HTTPS (browsers enforce it).
        SESSION_COOKIE_NAME="__Host-console" if secure else "console_session",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        PERMANENT_SESSION_LIFETIME=config.idle_timeout,
        SESSION_REFRESH_EACH_REQUEST=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the (idle-limited) session
        WTF_CSRF_SSL_STRICT=secure,
        MAX_CONTENT_LENGTH=256 * 1024,
        JSON_SORT_KEYS=False,
    )
    if config.trusted_proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=config.trusted_proxies, x_proto=config.trusted_proxies
        )
    app.extensions[EXTENSION_KEY] = ConsoleState(
        settings=settings,
        config=config,
        session_factory=session_factory,
        hashing=HashingPool(config.hash_concurrency, config.hash_wait_seconds),
    )
    # First: every request is timed and counted, those the hooks below refuse too.
    count_requests(app)
    # Registered before CSRFProtect so that it answers first.
    app.before_request(_refuse_nul_characters)
    csrf = CSRFProtect(app)

    app.before_request(_load_viewer)
    app.after_request(_security_headers)
    app.teardown_appcontext(close_db)
    _register_template_helpers(app)
    _register_error_pages(app)

    from console.views import audit_log, dashboard, evidence, exports, networks, reports, taxii
    from console.views import auth as auth_views

    # No cookie, no form: TAXII callers authenticate every request with a key (and cannot write).
    csrf.exempt(taxii.blueprint)

    for blueprint in (
        auth_views.blueprint,
        reports.blueprint,
        evidence.blueprint,
        networks.blueprint,
        dashboard.blueprint,
        exports.blueprint,
        audit_log.blueprint,
        taxii.blueprint,
    ):
        app.register_blueprint(blueprint)

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/")
    def index() -> Response:
        return redirect(url_for("reports.queue"))  # type: ignore[return-value]

    return app
