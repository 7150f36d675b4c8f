"""Sending one delivery: an HTTPS webhook (requests) or an e-mail (smtplib).

A transport makes one attempt. Retrying is the outbox's job (``worker.py``), so that a retry
survives a restart. Errors carry short messages fit for ``deliveries.last_error``: never a
URL (it may hold a token), a secret or the payload.
"""

from __future__ import annotations

import hashlib
import ipaddress
import smtplib
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import urlsplit

import requests
import urllib3

from scamreport.forwarding import envvars
from scamreport.forwarding.payload import PAYLOAD_VERSION
from scamreport.forwarding.signing import SIGNATURE_HEADER, sign
from scamreport.registry import Agency
from scamreport.triage import subject_tags

IDEMPOTENCY_HEADER = "Idempotency-Key"
PAYLOAD_VERSION_HEADER = "X-ScamReport-Payload-Version"
PAYLOAD_FORMAT_HEADER = "X-ScamReport-Payload-Format"
ATTEMPT_HEADER = "X-ScamReport-Attempt"
USER_AGENT = "scamreport-forwarder/1"

SMTP_HOST_ENV = "SMTP_HOST"
SMTP_PORT_ENV = "SMTP_PORT"
SMTP_FROM_ENV = "SMTP_FROM"
SMTP_USER_ENV = "SMTP_USER"
SMTP_PASSWORD_ENV = "SMTP_PASSWORD"
SMTP_STARTTLS_ENV = "SMTP_STARTTLS"
SMTP_SSL_ENV = "SMTP_SSL"

# The receiver refused these bytes themselves; sending them again cannot succeed.
_PERMANENT_HTTP_STATUSES = frozenset({400, 413, 415, 422})
_ERROR_BODY_CHARS = 200
# An answer's body is only read for the error message: never more than this.
MAX_ANSWER_BYTES = 64 * 1024
_LOOPBACK_NAMES = frozenset({"localhost"})


class DeliveryFailed(Exception):
    """One attempt failed. ``permanent``: do not retry. ``retry_after``: seconds asked for."""

    def __init__(
        self, message: str, *, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class NotConfigured(Exception):
    """The environment lacks what a delivery needs (an AGENCY_* or SMTP_* variable)."""


@dataclass(frozen=True)
class OutgoingDelivery:
    """The bytes to send for one delivery, with what the receiver needs to identify them."""

    delivery_id: int
    idempotency_key: str
    agency_code: str
    reference: str
    payload_format: str
    content_type: str
    body: bytes
    attempt: int
    # The report's triage flags (scamreport.triage), named first in an e-mail's subject.
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class WebhookEndpoint:
    url: str
    secret: str


@dataclass(frozen=True)
class EmailEndpoint:
    address: str


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    use_ssl: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpConfig:
        """Reads SMTP_HOST, SMTP_PORT (25, or 465 with SMTP_SSL), SMTP_FROM, SMTP_USER,
        SMTP_PASSWORD, SMTP_STARTTLS and SMTP_SSL; raises NotConfigured naming what is unset."""
        missing = [name for name in (SMTP_HOST_ENV, SMTP_FROM_ENV) if not envvars.text(env, name)]
        if missing:
            raise NotConfigured(" and ".join(missing) + " not set")
        try:
            use_ssl = envvars.flag(env, SMTP_SSL_ENV)
            starttls = envvars.flag(env, SMTP_STARTTLS_ENV)
            port = envvars.positive_int(env, SMTP_PORT_ENV, 465 if use_ssl else 25)
        except envvars.ForwardingConfigError as error:
            raise NotConfigured(str(error)) from None
        if use_ssl and starttls:
            raise NotConfigured(f"set only one of {SMTP_SSL_ENV} and {SMTP_STARTTLS_ENV}")
        user = envvars.text(env, SMTP_USER_ENV)
        password = env.get(SMTP_PASSWORD_ENV) or None
        if (user is None) != (password is None):
            raise NotConfigured(f"set both {SMTP_USER_ENV} and {SMTP_PASSWORD_ENV}, or neither")
        return cls(
            host=envvars.text(env, SMTP_HOST_ENV) or "",
            port=port,
            sender=envvars.text(env, SMTP_FROM_ENV) or "",
            user=user,
            password=password,
            starttls=starttls,
            use_ssl=use_ssl,
        )


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_webhook_url(url: str, *, env_name: str) -> None:
    """Refuses anything but https (plain http only to this machine, for the local sink)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host:
        raise NotConfigured(f"{env_name} is not an absolute URL")
    if parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(host)):
        return
    raise NotConfigured(f"{env_name} must be an https:// URL (http only to 127.0.0.1)")


def resolve_endpoint(agency: Agency, env: Mapping[str, str]) -> WebhookEndpoint | EmailEndpoint:
    """Where ``agency``'s deliveries go, from the environment variables its entry names."""
    delivery = agency.delivery
    if delivery is None:
        raise NotConfigured(f"agency {agency.code} has no delivery in the registry")
    if delivery.transport == "webhook":
        assert delivery.url_env and delivery.secret_env  # the registry validation requires both
        missing = [
            name for name in (delivery.url_env, delivery.secret_env) if not envvars.text(env, name)
        ]
        if missing:
            raise NotConfigured(" and ".join(missing) + " not set")
        url = envvars.text(env, delivery.url_env) or ""
        check_webhook_url(url, env_name=delivery.url_env)
        return WebhookEndpoint(url=url, secret=env[delivery.secret_env].strip())
    if delivery.transport == "email":
        assert delivery.address_env
        address = envvars.text(env, delivery.address_env)
        if address is None or "@" not in address:
            raise NotConfigured(f"{delivery.address_env} not set")
        return EmailEndpoint(address=address)
    raise NotConfigured(f"agency {agency.code}: unknown transport {delivery.transport!r}")


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return None  # an HTTP date: rare from an API; the backoff applies instead


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat[:_ERROR_BODY_CHARS] + ("..." if len(flat) > _ERROR_BODY_CHARS else "")


class WebhookTransport:
    """POSTs signed deliveries; one ``requests.Session`` (connection pool) per thread."""

    def __init__(
        self,
        *,
        connect_timeout: float,
        read_timeout: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.timeout = (connect_timeout, read_timeout)
        self._clock = clock
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
            self._local.session = session
        return session

    def headers(self, delivery: OutgoingDelivery, *, secret: str) -> dict[str, str]:
        return {
            "Content-Type": delivery.content_type,
            IDEMPOTENCY_HEADER: delivery.idempotency_key,
            SIGNATURE_HEADER: sign(
                delivery.body,
                idempotency_key=delivery.idempotency_key,
                secret=secret,
                timestamp=int(self._clock()),
            ),
            PAYLOAD_VERSION_HEADER: str(PAYLOAD_VERSION),
            PAYLOAD_FORMAT_HEADER: delivery.payload_format,
            ATTEMPT_HEADER: str(delivery.attempt),
        }

    def send(self, delivery: OutgoingDelivery, endpoint: WebhookEndpoint) -> None:
        """One POST; returns on 2xx, raises DeliveryFailed otherwise."""
        try:
            response = self._session().post(
                endpoint.url,
                data=delivery.body,
                headers=self.headers(delivery, secret=endpoint.secret),
                timeout=self.timeout,
                # A redirect would carry the signed report to an address nobody configured.
                allow_redirects=False,
                # The body is read by hand: bounded in size and in total time.
                stream=True,
            )
        except requests.ConnectTimeout:
            raise DeliveryFailed(f"connect timeout after {self.timeout[0]:g} s") from None
        except requests.ReadTimeout:
            raise DeliveryFailed(f"no response within {self.timeout[1]:g} s") from None
        except requests.ConnectionError as error:
            # str(error) names the URL; keep only the kind of failure.
            raise DeliveryFailed(f"connection failed ({_connection_failure(error)})") from None
        except requests.RequestException as error:
            raise DeliveryFailed(f"request failed ({type(error).__name__})") from None
        with response:
            answer = self._read_answer(response)
            if 200 <= response.status_code < 300:
                return
            detail = _short(answer.decode(response.encoding or "utf-8", "replace"))
            message = f"HTTP {response.status_code}" + (f": {detail}" if detail else "")
            raise DeliveryFailed(
                message,
                permanent=response.status_code in _PERMANENT_HTTP_STATUSES,
                retry_after=_retry_after_seconds(response.headers.get("Retry-After")),
            )

    def _read_answer(self, response: requests.Response) -> bytes:
        """Up to MAX_ANSWER_BYTES of the answer, within the read timeout in total: an agency
        that trickles an endless answer cannot hold the worker (each socket read alone is
        bounded by the read timeout too)."""
        deadline = time.monotonic() + self.timeout[1]
        chunks: list[bytes] = []
        size = 0
        try:
            while size < MAX_ANSWER_BYTES and time.monotonic() < deadline:
                # read1: what has arrived (at least a byte), not a full buffer's worth.
                chunk = response.raw.read1(4096, decode_content=True)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except (urllib3.exceptions.HTTPError, OSError):
            pass  # the status line arrived; a broken answer body changes nothing
        return b"".join(chunks)[:MAX_ANSWER_BYTES]


def _connection_failure(error: requests.ConnectionError) -> str:
    cause: BaseException | None = error
    names: list[str] = []
    while cause is not None and len(names) < 6:
        names.append(type(cause).__name__)
        cause = cause.__context__ or cause.__cause__ or _reason(cause)
    for name in reversed(names):
        if name not in ("ConnectionError", "MaxRetryError", "ProtocolError"):
            return name
    return names[-1]


def _reason(error: BaseException) -> BaseException | None:
    reason = getattr(error, "reason", None)
    if isinstance(reason, BaseException):
        return reason
    args = getattr(error, "args", ())
    for arg in args:
        if isinstance(arg, BaseException):
            return arg
    return None


def message_id(idempotency_key: str, sender: str) -> str:
    """A Message-ID derived from the idempotency key: every attempt carries the same one."""
    domain = sender.rpartition("@")[2] or "scamreport.invalid"
    return f"<{hashlib.sha256(idempotency_key.encode('utf-8')).hexdigest()[:40]}@{domain}>"


# How an e-mail names each payload format, and the suffix of its attachment's name.
_DESCRIBED = {"stix": "STIX 2.1 bundle", "misp": "MISP event (JSON)"}
_SUFFIXES = {"stix": ".stix.json", "misp": ".misp.json"}


def build_email(delivery: OutgoingDelivery, *, sender: str, to_address: str) -> EmailMessage:
    """The e-mail for a delivery: a short text part and the payload as a JSON attachment."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to_address
    # "[SELF-HARM] [LARGE LOSS] Scam report SR-7K3M-9QXD": flags first, so a mail filter
    # or a glance at the inbox finds them.
    message["Subject"] = f"{subject_tags(delivery.flags)}Scam report {delivery.reference}"
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(delivery.idempotency_key, sender)
    message["X-ScamReport-Idempotency-Key"] = delivery.idempotency_key
    message[PAYLOAD_VERSION_HEADER] = str(PAYLOAD_VERSION)
    message[PAYLOAD_FORMAT_HEADER] = delivery.payload_format
    described = _DESCRIBED.get(delivery.payload_format, "JSON document")
    message.set_content(
        f"Scam report {delivery.reference}, forwarded by the ScamReport assistant.\n\n"
        f"The report is attached as a {described} (payload version {PAYLOAD_VERSION}).\n"
        "If this report reached you more than once, the copies share the idempotency key\n"
        f"{delivery.idempotency_key}\n"
    )
    suffix = _SUFFIXES.get(delivery.payload_format, ".json")
    message.add_attachment(
        delivery.body,
        maintype="application",
        subtype="json",
        filename=f"{delivery.reference}{suffix}",
    )
    return message


class SmtpTransport:
    """Sends deliveries by e-mail through the SMTP server named by SMTP_* variables."""

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout

    def send(self, delivery: OutgoingDelivery, endpoint: EmailEndpoint, config: SmtpConfig) -> None:
        message = build_email(delivery, sender=config.sender, to_address=endpoint.address)
        try:
            self._deliver(message, config)
        except smtplib.SMTPRecipientsRefused as error:
            codes = sorted({code for code, _ in error.recipients.values()})
            raise DeliveryFailed(
                f"SMTP recipient refused ({', '.join(map(str, codes))})",
                permanent=all(code >= 500 for code in codes),
            ) from None
        except smtplib.SMTPResponseException as error:
            raise DeliveryFailed(
                f"SMTP {error.smtp_code}: {_short(_decoded(error.smtp_error))}",
                permanent=error.smtp_code >= 500,
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(f"SMTP failed ({type(error).__name__})") from None

    def _deliver(self, message: EmailMessage, config: SmtpConfig) -> None:
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if config.use_ssl:
            client = smtplib.SMTP_SSL(
                config.host, config.port, timeout=self.timeout, context=context
            )
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=self.timeout)
        with client:
            if config.starttls:
                client.starttls(context=context)
            if config.user is not None and config.password is not None:
                client.login(config.user, config.password)
            client.send_message(message)


def _decoded(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
