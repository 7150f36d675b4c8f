"""Fuzzing the police console: generated query strings and form bodies against every route.

Each input goes to one route (every rule of the app's URL map, static files included) as one
actor: anonymous, or an analyst, supervisor or admin of one of two agencies. GET routes get
generated query strings; POST routes get generated form bodies with a valid CSRF token, none,
a wrong one, or the right one among wrong ones; some requests use a method the route does not
take. Values lean on what broke the console before: NUL bytes, CR/LF, lone surrogates and
invalid UTF-8 (percent-encoded), numbers such as 1e999999 and 10**400, zero and negative page
numbers, dates such as 9999-12-31 and 0000-00-00, 100 kB strings, repeated keys, and text that
looks like SQL or a template.

The console runs in the test process (Flask's test client, exceptions propagated), on SQLite
and on PostgreSQL, with the same inputs on both. An input fails on an unhandled exception, any
5xx answer, no answer within the hang guard, a NUL character that is not refused with 400, or a
protected page answered 200 to an anonymous visitor. The test process's peak resident memory
during the run (VmHWM, reset first) may grow at most MAX_RSS_GROWTH_MIB over its start.
"""

from __future__ import annotations

import queue
import secrets
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError
from werkzeug.test import EnvironBuilder, TestResponse
from werkzeug.wrappers import Request

from console.app import DATABASE_UNAVAILABLE_MESSAGE
from console.auth import SESSION_TOKEN_KEY, token_digest
from scamreport.storage.models import ConsoleSession, ConsoleUser
from tests.console.console_fixtures import (
    AGENCY_A,
    AGENCY_B,
    ROLES,
    ConsoleEnv,
    build_console_env,
    csrf_token_of,
    email_of,
)
from tests.fuzz.fuzz_support import Tally, fuzz_cases, fuzz_seed, rss_mib
from tests.fuzz.generators import SPECIAL_CHARS, Fuzz

HANG_GUARD_SECONDS = 60.0  # one request; generous for a loaded 2-core machine
MAX_RSS_GROWTH_MIB = 300  # peak RSS of the test process during the run over its RSS at start
ACTORS = ("anonymous", *ROLES)
RETRIES_AFTER_DISCONNECT = 3
DATABASE_RETURN_SECONDS = 180.0
# gunicorn refuses request lines over 4,094 bytes, so no longer path reaches the console; a
# 900 kB path of invalid UTF-8 makes werkzeug's test client itself (its cookie handling) take
# 400 MiB, which would be measured here as the console's.
MAX_PATH_SEGMENT = 4000
DISCONNECTED = ("Connection refused", "server closed the connection", "terminating connection")
PUBLIC_PATHS = ("/login", "/healthz", "/static/")

QUEUE_PARAMS = (
    "scam_type",
    "country",
    "status",
    "date_from",
    "date_to",
    "amount_min",
    "amount_max",
    "currency",
    "has_evidence",
    "agency",
    "q",
    "sort",
)


@dataclass(frozen=True)
class Route:
    """One rule of the console's URL map and the arguments its view reads."""

    rule: str
    method: str
    params: tuple[str, ...] = ()


TAXII_PARAMS = ("limit", "next", "added_after", "match[type]", "match[id]", "match[version]")
ROUTES = (
    Route("/", "GET"),
    Route("/healthz", "GET"),
    Route("/static/<path:filename>", "GET"),
    Route("/login", "GET", ("next",)),
    Route("/login", "POST", ("email", "password", "next")),
    Route("/logout", "POST"),
    Route("/reports", "GET", (*QUEUE_PARAMS, "page", "per_page")),
    Route("/reports/<reference>", "GET"),
    Route("/reports/<reference>/status", "POST", ("status", "reason")),
    Route("/reports/<reference>/notes", "POST", ("text",)),
    Route("/reports/<reference>/evidence/<int:evidence_id>", "GET", ("inline",)),
    Route("/reports/<reference>/misp", "GET"),
    Route("/indicators", "GET", ("kind", "value")),
    Route("/networks", "GET", ("days", "scam_type")),
    Route("/networks/report/<reference>", "GET"),
    Route("/dashboard", "GET", ("days",)),
    Route("/export/<fmt>", "GET", QUEUE_PARAMS),
    Route("/audit", "GET", ("user", "action", "report", "agency", "since", "until", "page")),
    # The TAXII API answers these actors (cookies, no API key) 401; a fuzzed query still must
    # not break it (its filters are parsed only after the key is checked).
    Route("/taxii2/", "GET"),
    Route("/taxii2/reports/", "GET"),
    Route("/taxii2/reports/collections/", "GET"),
    Route("/taxii2/reports/collections/<collection>/", "GET"),
    Route("/taxii2/reports/collections/<collection>/objects/", "GET", TAXII_PARAMS),
    Route("/taxii2/reports/collections/<collection>/objects/", "POST"),
    Route("/taxii2/reports/collections/<collection>/objects/<object_id>/", "GET", TAXII_PARAMS),
    Route("/taxii2/reports/collections/<collection>/objects/<object_id>/", "DELETE"),
    Route(
        "/taxii2/reports/collections/<collection>/objects/<object_id>/versions/",
        "GET",
        TAXII_PARAMS,
    ),
    Route("/taxii2/reports/collections/<collection>/manifest/", "GET", TAXII_PARAMS),
)

HUGE_NUMBERS = (
    "1e999999",
    "-1e999999",
    "1e-999999",
    str(10**400),
    "-" + str(10**400),
    "99999999999999999999",
    "9" * 4000,
    "NaN",
    "-Infinity",
    "inf",
    "0x10",
    "1_000",
    "１２３",  # full-width digits: int() takes them
    "٣",  # Arabic-Indic three
    "²",
    "1,000,000",
    "1e3",
    "-0",
    "0",
    "-1",
    "+5",
    " 7 ",
)
DATES = (
    "9999-12-31",
    "0000-00-00",
    "0001-01-01",
    "1899-12-31",
    "1900-01-01",
    "2999-12-31",
    "3000-01-01",
    "2025-02-30",
    "2025-13-01",
    "2025-3-3",
    "20250303",
    "2025-03-03T10:00:00+99:00",
    "2025-W10-1",
    "+002025-01-01",
    "-2025-01-01",
    "2025-03-03\x00",
    "２０２５-０３-０３",
)
INJECTIONS = (
    "' OR 1=1 --",
    "'; DROP TABLE reports; --",
    '" OR ""="',
    "1; SELECT pg_sleep(30)",
    "%' AND 1=0 UNION SELECT email, password_hash FROM console_users --",
    "{{ 7*7 }}",
    "{{ config.items() }}",
    "{% for x in range(10**9) %}x{% endfor %}",
    "${7*7}",
    "<%= 7*7 %>",
    "#{7*7}",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "../../../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "\\\\evil.example\\share",
    "//evil.example",
    "/\t/evil.example",
    "NEAR(a b) OR c*",
    '"unbalanced',
    "a:*",
    "!@#$%^&*()",
)
CHOICES = (
    "fake_authority",
    "phishing",
    "received",
    "in_review",
    "referred",
    "actioned",
    "closed",
    "newest",
    "amount_asc",
    "yes",
    "no",
    "1",
    "phone",
    "url",
    "domain",
    "email",
    "iban",
    "crypto_wallet",
    "handle",
    "claimed_agency",
    "view_report",
    "login_failed",
    "SG",
    "sg",
    "SGD",
    "sg-spf",
    "my-pdrm",
    "+6581234567",
    "fake-police.example",
    "DE89370400440532013000",
    "csv",
    "json",
    "stix",
)
NAMES = (
    "page",
    "per_page",
    "days",
    "q",
    "next",
    "csrf_token",
    "status",
    "text",
    "",
    "x" * 300,
    "q[]",
    "a.b",
)
STATIC_FILES = ("console.css", "console.js", "network.js", "favicon.svg")


# --- generated values -----------------------------------------------------------------------


class ConsoleFuzz(Fuzz):
    """The shared generators plus what a query string or a form can carry."""

    def value(self, name: str) -> str:
        kind = self.random.randint(0, 11)
        if kind == 0:
            return self.pick(HUGE_NUMBERS)
        if kind == 1:
            return self.pick(DATES)
        if kind == 2:
            return self.pick(INJECTIONS)
        if kind == 3:
            return self.pick(CHOICES)
        if kind == 4:
            return self.mutate(self.pick(CHOICES + DATES))
        if kind == 5:
            unit = self.pick(("a", "9", "\u00e9", "\U0001f4a9", "\ud800", " ", "%", "&"))
            return unit * self.pick((1_000, 5_001, 100_000))
        if kind == 6:
            return self.pick(("", " ", "\x00", "\r\n", "\n", "\t", "\u3000", "\ufeff"))
        if kind == 7:
            return str(self.random.randint(-(10**6), 10**6))
        if kind in (8, 9) and name in ("page", "per_page", "days"):
            return self.pick(("0", "-1", "-99999999", "1", "2", "3650", "100001", str(10**30)))
        return self.text(max_length=2000)

    def encoded(self, text: str) -> str:
        """``text`` percent-encoded as UTF-8 (lone surrogates as their three bytes), or as
        invalid UTF-8, or with a broken escape, or partly unencoded."""
        kind = self.random.randint(0, 9)
        data = text.encode("utf-8", "surrogatepass")
        if kind == 0:
            data = text.encode("latin-1", "replace")  # é as the lone byte %E9
        if kind == 1:
            data += bytes(self.random.randint(0x80, 0xFF) for _ in range(self.random.randint(1, 4)))
        quoted = quote_from_bytes(data, safe="" if kind != 2 else "/:@!$'()*,;")
        if kind == 3:
            quoted += self.pick(("%", "%0", "%G1", "%%", "%u0041", "%C0%80", "%00"))
        if kind == 4:
            quoted = quoted.replace("%20", "+")
        return quoted

    def pairs(self, route: Route) -> list[tuple[str, str]]:
        """The arguments of one request: known names (some repeated) and strangers."""
        names = list(route.params)
        chosen = [name for name in names if self.chance(0.6)]
        if self.chance(0.3):
            chosen.append(self.pick(NAMES))
        if chosen and self.chance(0.15):
            chosen += [self.pick(chosen)] * self.random.randint(1, 4)
        self.random.shuffle(chosen)
        return [(name, self.value(name)) for name in chosen]

    def query(self, pairs: list[tuple[str, str]]) -> str:
        parts = [f"{self.encoded(key)}={self.encoded(value)}" for key, value in pairs]
        if self.chance(0.05):
            parts.append(self.pick(("", "&", "=", "novalue", "==x", ";a=b")))
        return "&".join(parts)


@dataclass
class Case:
    """One generated request."""

    actor: str
    agency: str
    method: str
    route: Route
    path: str
    query: str = ""
    body: bytes | None = None
    content_type: str | None = None
    csrf: str = "none"  # none, valid, wrong, mixed
    form: list[tuple[str, str]] = field(default_factory=list)
    remote_addr: str = "127.0.0.1"

    @property
    def kind(self) -> str:
        return f"{self.method} {self.route.rule}"

    def describe(self) -> str:
        size = len(self.body or b"")
        return (
            f"{self.actor}@{self.agency} {self.method} {self.path}?{self.query[:300]} "
            f"csrf={self.csrf} body[{size}]={(self.body or b'')[:300]!r}"
        )


def path_of(fuzz: ConsoleFuzz, route: Route, env: ConsoleEnv) -> str:
    references = [
        env.reports.a_hostile,
        env.reports.both,
        env.reports.b_only,
        env.reports.a_plain[0],
        env.reports.a_hostile.lower().replace("-", ""),
    ]
    path = route.rule
    if "<reference>" in path:
        reference = (
            fuzz.pick(references)
            if fuzz.chance(0.6)
            else fuzz.encoded(fuzz.value("reference"))[:MAX_PATH_SEGMENT]
        )
        path = path.replace("<reference>", reference or "x")
    if "<int:evidence_id>" in path:
        evidence = fuzz.pick(
            (*map(str, env.reports.evidence_ids.values()), "0", "-1", str(10**400), "1e3", "%00")
        )
        path = path.replace("<int:evidence_id>", evidence)
    if "<fmt>" in path:
        path = path.replace("<fmt>", fuzz.pick(("csv", "json", "stix", "CSV", "xml", "%00")))
    if "<collection>" in path:
        path = path.replace("<collection>", fuzz.pick((AGENCY_A, AGENCY_B, "x", "%00")))
    if "<object_id>" in path:
        path = path.replace(
            "<object_id>", fuzz.pick(("report--x", "phone-number--%00", "x" * 300, "%2e%2e"))
        )
    if "<path:filename>" in path:
        name = fuzz.pick((*STATIC_FILES, "../app.py", "..%2fapp.py", "%00", "x" * 1000))
        path = path.replace("<path:filename>", name)
    return path


def form_body(fuzz: ConsoleFuzz, case: Case, token: str) -> None:
    """Fills the case's form: generated fields and the CSRF token as ``case.csrf`` says."""
    pairs = fuzz.pairs(case.route)
    case.csrf = fuzz.pick(("valid", "valid", "none", "wrong", "mixed"))
    if case.csrf == "valid":
        pairs.append(("csrf_token", token))
    elif case.csrf == "wrong":
        pairs.append(("csrf_token", fuzz.pick((token[:-2], "", "x" * 5000, fuzz.value("t")))))
    elif case.csrf == "mixed":
        pairs += [("csrf_token", fuzz.value("t")), ("csrf_token", token)]
    case.form = pairs
    if fuzz.chance(0.1):
        # A multipart body (the console takes no uploads; it must not mind one).
        boundary = "fuzz-boundary"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            for key, value in pairs
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{fuzz.pick(SPECIAL_CHARS)}.pdf"\r\n\r\n%PDF-1.4\r\n'
        )
        case.body = ("".join(parts) + f"--{boundary}--\r\n").encode("utf-8", "surrogatepass")
        case.content_type = f"multipart/form-data; boundary={boundary}"
        return
    case.body = fuzz.query(pairs).encode("ascii")
    case.content_type = fuzz.pick(
        (
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=latin-1",
            "text/plain",
            "application/json",
        )
    )


def make_case(fuzz: ConsoleFuzz, env: ConsoleEnv, tokens: dict[tuple[str, str], str]) -> Case:
    route = fuzz.pick(ROUTES)
    actor = fuzz.pick(ACTORS)
    agency = fuzz.pick((AGENCY_A, AGENCY_B))
    method = route.method
    if fuzz.chance(0.04):
        method = fuzz.pick(("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"))
    case = Case(actor=actor, agency=agency, method=method, route=route, path="")
    case.path = path_of(fuzz, route, env)
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        form_body(fuzz, case, tokens[(actor, agency)])
        if fuzz.chance(0.2):
            case.query = fuzz.query(fuzz.pairs(route))
    else:
        case.query = fuzz.query(fuzz.pairs(route))
    if route.rule == "/login" and method == "POST" and fuzz.chance(0.1):
        # A fresh address passes the per-address throttle, so the password gets hashed.
        case.remote_addr = f"10.{fuzz.random.randint(0, 255)}.{fuzz.random.randint(0, 255)}.7"
    return case


# --- actors ---------------------------------------------------------------------------------


class Actors:
    """One test client per actor and agency; signed-in ones hold a session made directly in
    the database (no password hashing), renewed after a request may have ended it."""

    def __init__(self, env: ConsoleEnv) -> None:
        self.env = env
        self.clients: dict[tuple[str, str], FlaskClient] = {}
        self.tokens: dict[tuple[str, str], str] = {}
        for actor in ACTORS:
            for agency in (AGENCY_A, AGENCY_B):
                self.renew(actor, agency)

    def renew(self, actor: str, agency: str) -> None:
        client = self.env.client()
        if actor != "anonymous":
            token = self._session_token(email_of(agency, actor))
            with client.session_transaction() as session:
                session[SESSION_TOKEN_KEY] = token
        page = "/login" if actor == "anonymous" else "/reports"
        self.clients[(actor, agency)] = client
        self.tokens[(actor, agency)] = csrf_token_of(client, page)

    def _session_token(self, email: str) -> str:
        token = secrets.token_urlsafe(32)
        with self.env.session() as session:
            user = session.query(ConsoleUser).filter_by(email=email).one()
            session.add(ConsoleSession(token_sha256=token_digest(token), user_id=user.id, ip="-"))
            session.commit()
        return token


# --- sending and judging --------------------------------------------------------------------


class Sender:
    """Sends each request from one worker thread, so a hung request cannot hang the test."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple[FlaskClient, Case] | None] = queue.Queue()
        self.results: queue.Queue[tuple[TestResponse | None, str | None]] = queue.Queue()
        threading.Thread(target=self._work, daemon=True).start()

    def _work(self) -> None:
        while (job := self.jobs.get()) is not None:
            client, case = job
            try:
                response = client.open(**request_args(case))
                response.get_data()  # streamed exports run here
                self.results.put((response, None))
            except BaseException:  # noqa: BLE001 - every escape is a finding
                self.results.put((None, traceback.format_exc(limit=-6)))

    def stop(self) -> None:
        self.jobs.put(None)

    def send(self, client: FlaskClient, case: Case) -> tuple[TestResponse | None, str | None]:
        """The response or the unhandled exception; raises queue.Empty on a hang."""
        self.jobs.put((client, case))
        return self.results.get(timeout=HANG_GUARD_SECONDS)


def request_args(case: Case) -> dict[str, Any]:
    args: dict[str, Any] = {
        "path": case.path,
        "method": case.method,
        "query_string": case.query,
        "environ_base": {"REMOTE_ADDR": case.remote_addr},
    }
    if case.body is not None:
        args["data"] = case.body
        args["content_type"] = case.content_type
    return args


def holds_nul(case: Case) -> bool:
    """Whether the path, query or form holds a NUL once decoded the way the console does."""
    args = request_args(case)
    args["environ_base"] = None
    request = Request(EnvironBuilder(**args).get_environ())
    request.max_content_length = 256 * 1024
    values = [request.path]
    try:
        form = list(request.form.lists())
    except Exception:  # noqa: BLE001 - a body too large or malformed: the console says so
        form = []
    for key, items in [*request.args.lists(), *form]:
        values += [key, *items]
    return any("\x00" in value for value in values)


def judge(case: Case, response: TestResponse) -> str | None:
    """What is wrong with the answer, if anything."""
    status = response.status_code
    if status >= 500:
        return f"HTTP {status}"
    if status == 200 and case.actor == "anonymous" and not case.path.startswith(PUBLIC_PATHS):
        return "a protected page answered 200 to an anonymous visitor"
    if holds_nul(case) and status not in (400, 413):
        return f"HTTP {status} to a NUL character (400 expected)"
    return None


def database_went_away(response: TestResponse | None, error: str | None) -> bool:
    """Whether the console answered that the database is unavailable (503, the shared
    development machine's PostgreSQL is restarted by the fault suite), or an exception says
    the server was unreachable: not something the input caused. Such a case is sent again
    once the database answers; a case still answered so after that is a failure."""
    if response is not None:
        return response.status_code == 503 and DATABASE_UNAVAILABLE_MESSAGE.encode() in (
            response.get_data()
        )
    return (
        error is not None
        and "OperationalError" in error
        and any(sign in error for sign in DISCONNECTED)
    )


def wait_for_database(env: ConsoleEnv) -> None:
    deadline = time.monotonic() + DATABASE_RETURN_SECONDS
    while True:
        try:
            with env.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
            return
        except OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def run_cases(env: ConsoleEnv, tally: Tally, cases: int, seed: int) -> Counter[int]:
    """Sends ``cases`` generated requests; returns how many got each status. A request that
    met a database server that had gone away is sent again once it is back (at most
    RETRIES_AFTER_DISCONNECT times; a case that keeps losing the connection is a failure)."""
    fuzz = ConsoleFuzz(seed)
    actors = Actors(env)
    statuses: Counter[int] = Counter()
    sender = Sender()
    resent = 0
    for _ in range(cases):
        case = make_case(fuzz, env, actors.tokens)
        tally.count(case.kind)
        try:
            for attempt in range(RETRIES_AFTER_DISCONNECT + 1):
                response, error = sender.send(actors.clients[(case.actor, case.agency)], case)
                if not database_went_away(response, error) or attempt == RETRIES_AFTER_DISCONNECT:
                    break
                resent += 1
                wait_for_database(env)
        except queue.Empty:
            # The worker is stuck in the console: nothing after this would be answered.
            tally.fail(case.kind, f"no answer within {HANG_GUARD_SECONDS:.0f} s", case.describe())
            break
        if response is not None:
            statuses[response.status_code] += 1
        if error is not None:
            tally.fail(case.kind, "unhandled exception:\n" + error, case.describe())
        elif response is not None and (problem := judge(case, response)):
            tally.fail(case.kind, problem, case.describe())
        if case.route.rule in ("/logout", "/login") and case.method == "POST":
            try:
                actors.renew(case.actor, case.agency)
            except OperationalError:
                wait_for_database(env)
                actors.renew(case.actor, case.agency)
    sender.stop()
    if resent:
        tally.notes.append(f"{resent} requests sent again after the database server went away")
    return statuses


def reset_peak_rss() -> None:
    """Resets this process's VmHWM to its current RSS (Linux 4.0+)."""
    Path("/proc/self/clear_refs").write_text("5")


# --- the test -------------------------------------------------------------------------------


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def console(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, ConsoleEnv]]:
    url = None
    if request.param == "postgresql":
        factory: Callable[[], str] = request.getfixturevalue("postgres_database_factory")
        url = factory()
    env = build_console_env(tmp_path_factory.mktemp("fuzz-console"), database_url=url)
    yield request.param, env
    env.engine.dispose()


def test_every_route_is_fuzzed(console: tuple[str, ConsoleEnv]) -> None:
    _, env = console
    rules = {
        (rule.rule, method)
        for rule in env.app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    assert rules == {(route.rule, route.method) for route in ROUTES}


def test_no_input_breaks_the_console(console: tuple[str, ConsoleEnv]) -> None:
    database, env = console
    tally = Tally(f"police console ({database}, Flask test client, every route x actor)")
    start = rss_mib()
    reset_peak_rss()
    statuses = run_cases(env, tally, fuzz_cases(), fuzz_seed() + 4)
    growth = rss_mib(field_name="VmHWM") - start
    tally.memory = (
        f"test process peak RSS {start + growth:.0f} MiB, {growth:.0f} MiB over its start "
        f"(bound {MAX_RSS_GROWTH_MIB} MiB)"
    )
    tally.notes.append(
        f"actors {', '.join(ACTORS)} at {AGENCY_A} and {AGENCY_B}; hang guard "
        f"{HANG_GUARD_SECONDS:.0f} s per request"
    )
    tally.notes.append(
        "answers: " + ", ".join(f"{code} x {n}" for code, n in sorted(statuses.items()))
    )
    if growth > MAX_RSS_GROWTH_MIB:
        tally.fail("all", f"peak RSS grew {growth:.0f} MiB", "")
    tally.check()
