"""Transports: the webhook's headers, timeouts and error handling on a loopback server, and
e-mail delivery to a local SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from forwarding_support import Outbox, fast_config, free_port

from scamreport.forwarding.signing import SIGNATURE_HEADER, verify_signature
from scamreport.forwarding.transports import (
    DeliveryFailed,
    EmailEndpoint,
    NotConfigured,
    OutgoingDelivery,
    SmtpConfig,
    SmtpTransport,
    WebhookEndpoint,
    WebhookTransport,
    message_id,
    resolve_endpoint,
)
from scamreport.forwarding.worker import Worker
from scamreport.registry import Registry
from scamreport.storage.models import Report

SECRET = "webhook-secret-0123456789"
OUTGOING = OutgoingDelivery(
    delivery_id=7,
    idempotency_key="SR-7K3M-9QXD/sg-spf/webhook/json",
    agency_code="sg-spf",
    reference="SR-7K3M-9QXD",
    payload_format="json",
    content_type="application/json",
    body=b'{"payload_version":1}',
    attempt=2,
)


class Recorder(BaseHTTPRequestHandler):
    """Answers with ``status`` (and ``headers``) after ``delay`` seconds; keeps each request."""

    status = 200
    delay = 0.0
    headers_out: dict[str, str] = {}
    seen: list[tuple[dict[str, str], bytes, str]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).seen.append((dict(self.headers.items()), body, self.path))
        time.sleep(type(self).delay)
        self.send_response(type(self).status)
        for name, value in type(self).headers_out.items():
            self.send_header(name, value)
        answer = b"refused: bad field" if type(self).status >= 400 else b""
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture
def recorder() -> Iterator[str]:
    Recorder.status, Recorder.delay, Recorder.headers_out, Recorder.seen = 200, 0.0, {}, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook?token=abc"
    server.shutdown()
    server.server_close()


def webhook(read_timeout: float = 2.0) -> WebhookTransport:
    return WebhookTransport(connect_timeout=1.0, read_timeout=read_timeout)


def test_the_webhook_posts_the_exact_bytes_with_its_headers(recorder: str) -> None:
    webhook().send(OUTGOING, WebhookEndpoint(url=recorder, secret=SECRET))
    ((headers, body, path),) = Recorder.seen
    assert body == OUTGOING.body
    assert path == "/hook?token=abc"
    assert headers["Content-Type"] == "application/json"
    assert headers["Idempotency-Key"] == OUTGOING.idempotency_key
    assert headers["X-ScamReport-Payload-Version"] == "4"
    assert headers["X-ScamReport-Payload-Format"] == "json"
    assert headers["X-ScamReport-Attempt"] == "2"
    assert headers["User-Agent"].startswith("scamreport-forwarder/")
    verify_signature(
        body, headers[SIGNATURE_HEADER], idempotency_key=OUTGOING.idempotency_key, secret=SECRET
    )


def test_a_slow_agency_times_out(recorder: str) -> None:
    Recorder.delay = 0.5
    started = time.monotonic()
    with pytest.raises(DeliveryFailed, match=r"no response within 0\.2 s") as caught:
        webhook(read_timeout=0.2).send(OUTGOING, WebhookEndpoint(url=recorder, secret=SECRET))
    assert time.monotonic() - started < 0.45
    assert not caught.value.permanent


def test_a_refused_connection_is_retryable_and_names_no_url() -> None:
    url = f"http://127.0.0.1:{free_port()}/hook?token=abc"
    with pytest.raises(DeliveryFailed) as caught:
        webhook().send(OUTGOING, WebhookEndpoint(url=url, secret=SECRET))
    assert str(caught.value) == "connection failed (ConnectionRefusedError)"
    assert not caught.value.permanent


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(400, True), (413, True), (422, True), (401, False), (404, False), (500, False), (502, False)],
)
def test_http_errors_are_classified(recorder: str, status: int, permanent: bool) -> None:
    Recorder.status = status
    with pytest.raises(DeliveryFailed) as caught:
        webhook().send(OUTGOING, WebhookEndpoint(url=recorder, secret=SECRET))
    assert str(caught.value) == f"HTTP {status}: refused: bad field"
    assert caught.value.permanent is permanent


def test_retry_after_is_passed_on(recorder: str) -> None:
    Recorder.status, Recorder.headers_out = 429, {"Retry-After": "30"}
    with pytest.raises(DeliveryFailed) as caught:
        webhook().send(OUTGOING, WebhookEndpoint(url=recorder, secret=SECRET))
    assert caught.value.retry_after == 30.0


def test_redirects_are_not_followed(recorder: str) -> None:
    Recorder.status, Recorder.headers_out = 307, {"Location": "http://127.0.0.1:9/elsewhere"}
    with pytest.raises(DeliveryFailed, match="HTTP 307"):
        webhook().send(OUTGOING, WebhookEndpoint(url=recorder, secret=SECRET))
    assert len(Recorder.seen) == 1


def test_endpoints_come_from_the_variables_the_registry_names(registry: Registry) -> None:
    spf = registry.by_code("sg-spf")
    report_fraud = registry.by_code("gb-actionfraud")
    assert spf is not None and report_fraud is not None
    with pytest.raises(NotConfigured, match="^AGENCY_SG_SPF_WEBHOOK_SECRET not set$"):
        resolve_endpoint(spf, {"AGENCY_SG_SPF_WEBHOOK_URL": "https://spf.example/hook"})
    with pytest.raises(NotConfigured, match="must be an https:// URL"):
        resolve_endpoint(
            spf,
            {"AGENCY_SG_SPF_WEBHOOK_URL": "ftp://x/y", "AGENCY_SG_SPF_WEBHOOK_SECRET": "s"},
        )
    endpoint = resolve_endpoint(
        spf,
        {
            "AGENCY_SG_SPF_WEBHOOK_URL": " https://spf.example/hook ",
            "AGENCY_SG_SPF_WEBHOOK_SECRET": "s",
        },
    )
    assert endpoint == WebhookEndpoint(url="https://spf.example/hook", secret="s")
    with pytest.raises(NotConfigured, match="^AGENCY_GB_ACTIONFRAUD_EMAIL not set$"):
        resolve_endpoint(report_fraud, {})
    assert resolve_endpoint(
        report_fraud, {"AGENCY_GB_ACTIONFRAUD_EMAIL": "intake@agency.example"}
    ) == EmailEndpoint(address="intake@agency.example")


def test_smtp_settings_are_checked() -> None:
    with pytest.raises(NotConfigured, match="^SMTP_HOST and SMTP_FROM not set$"):
        SmtpConfig.from_env({})
    with pytest.raises(NotConfigured, match="SMTP_USER and SMTP_PASSWORD"):
        SmtpConfig.from_env({"SMTP_HOST": "h", "SMTP_FROM": "a@b", "SMTP_USER": "u"})
    with pytest.raises(NotConfigured, match="only one of SMTP_SSL and SMTP_STARTTLS"):
        SmtpConfig.from_env(
            {"SMTP_HOST": "h", "SMTP_FROM": "a@b", "SMTP_SSL": "true", "SMTP_STARTTLS": "1"}
        )
    assert (
        SmtpConfig.from_env({"SMTP_HOST": "h", "SMTP_FROM": "a@b", "SMTP_SSL": "yes"}).port == 465
    )
    assert SmtpConfig.from_env({"SMTP_HOST": "h", "SMTP_FROM": "a@b"}).port == 25


# --- e-mail --------------------------------------------------------------------------------


class Mailbox:
    """An aiosmtpd handler that keeps messages and can refuse recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, email.message.EmailMessage]] = []
        self.refuse_recipients = False

    async def handle_RCPT(
        self,
        server: SMTPServer,
        session: Session,
        envelope: Envelope,
        address: str,
        options: list[str],
    ) -> str:
        if self.refuse_recipients:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[arg-type]
        self.messages.append((envelope, message))  # type: ignore[arg-type]
        return "250 Message accepted"


def _authenticate(
    server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"relay", b"pw-123")
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield box, port
    controller.stop()


def smtp_env(port: int, **extra: str) -> dict[str, str]:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_FROM": "reports@scamreport.example",
        **extra,
    }


def test_an_email_carries_the_payload_as_an_attachment(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    config = SmtpConfig.from_env(smtp_env(port, SMTP_USER="relay", SMTP_PASSWORD="pw-123"))
    SmtpTransport(timeout=5).send(OUTGOING, EmailEndpoint("intake@agency.example"), config)
    ((envelope, message),) = box.messages
    assert envelope.mail_from == "reports@scamreport.example"
    assert envelope.rcpt_tos == ["intake@agency.example"]
    assert message["Subject"] == "Scam report SR-7K3M-9QXD"
    assert message["X-ScamReport-Idempotency-Key"] == OUTGOING.idempotency_key
    assert message["Message-ID"] == message_id(OUTGOING.idempotency_key, config.sender)
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "SR-7K3M-9QXD.json"
    assert attachment.get_content_type() == "application/json"
    assert attachment.get_content() == OUTGOING.body


def test_wrong_smtp_credentials_fail_permanently(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    config = SmtpConfig.from_env(smtp_env(port, SMTP_USER="relay", SMTP_PASSWORD="wrong"))
    with pytest.raises(DeliveryFailed, match="SMTP 535") as caught:
        SmtpTransport(timeout=5).send(OUTGOING, EmailEndpoint("intake@agency.example"), config)
    assert caught.value.permanent
    assert box.messages == []


def test_starttls_is_never_skipped(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox  # this server offers no STARTTLS
    config = SmtpConfig.from_env(smtp_env(port, SMTP_STARTTLS="true"))
    with pytest.raises(DeliveryFailed, match="SMTP failed"):
        SmtpTransport(timeout=5).send(OUTGOING, EmailEndpoint("intake@agency.example"), config)
    assert box.messages == []


def test_the_worker_delivers_by_email(
    outbox: Outbox,
    registry: Registry,
    make_report: Callable[..., Report],
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    report = make_report(country="GB", indicators=[], claimed_agency=None)
    env = smtp_env(port, AGENCY_GB_ACTIONFRAUD_EMAIL="intake@reportfraud.example")
    Worker(
        session_factory=outbox.sessions, registry=registry, config=fast_config(), env=env
    ).drain()
    (row,) = outbox.deliveries()
    assert (row.agency_code, row.transport, row.status) == ("gb-actionfraud", "email", "delivered")
    ((envelope, message),) = box.messages
    assert envelope.rcpt_tos == ["intake@reportfraud.example"]
    (attachment,) = list(message.iter_attachments())
    document = json.loads(attachment.get_content())
    assert document["report"]["reference"] == report.reference
    assert document["agency_code"] == "gb-actionfraud"


def test_a_refused_mailbox_is_dead_lettered(
    outbox: Outbox,
    registry: Registry,
    make_report: Callable[..., Report],
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    box.refuse_recipients = True
    make_report(country="GB", indicators=[])
    env = smtp_env(port, AGENCY_GB_ACTIONFRAUD_EMAIL="nobody@reportfraud.example")
    Worker(
        session_factory=outbox.sessions, registry=registry, config=fast_config(), env=env
    ).drain()
    (row,) = outbox.deliveries()
    assert row.status == "dead"
    assert row.last_error == "SMTP recipient refused (550)"


def test_email_waits_for_an_smtp_server(
    outbox: Outbox, registry: Registry, make_report: Callable[..., Report]
) -> None:
    make_report(country="GB", indicators=[])
    env = {"AGENCY_GB_ACTIONFRAUD_EMAIL": "intake@reportfraud.example"}
    Worker(
        session_factory=outbox.sessions, registry=registry, config=fast_config(), env=env
    ).drain()
    (row,) = outbox.deliveries()
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.last_error == "SMTP_HOST and SMTP_FROM not set"
