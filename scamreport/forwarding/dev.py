"""Development wiring: point every agency of the registry at the local agency sink.

The sink itself (a development stand-in, like the Telegram one) is the agency_sink package;
this module holds only the environment that sends deliveries to it, which `scamreport stack
run` and the sink's `--print-env` both build.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scamreport.forwarding.transports import SMTP_FROM_ENV, SMTP_HOST_ENV, SMTP_PORT_ENV
from scamreport.registry import Registry

# The sink reads its secret from this variable; `make run` sets it (and the agencies' vars).
SINK_SECRET_ENV = "SCAMREPORT_SINK_SECRET"
DEFAULT_SINK_PORT = 8099
# E-mail agencies get <code>@sink.invalid (RFC 6761: never a real domain) and the sink's SMTP port.
SINK_MAIL_DOMAIN = "sink.invalid"


def sink_url_for(sink_url: str, agency_code: str) -> str:
    """The sink address that stands in for one agency's webhook."""
    return f"{sink_url.rstrip('/')}/agencies/{agency_code}"


def sink_environment(
    registry: Registry, sink_url: str, secret: str, *, smtp_port: int | None = None
) -> dict[str, str]:
    """Environment variables that send every agency's deliveries to the local sink.

    Maps each webhook agency's ``url_env`` to ``<sink_url>/agencies/<code>`` and its
    ``secret_env`` to ``secret``, plus ``SCAMREPORT_SINK_SECRET`` for the sink itself. With
    ``smtp_port`` (the sink's ``--smtp-port``), e-mail agencies get ``<code>@sink.invalid`` and
    SMTP_HOST/SMTP_PORT/SMTP_FROM point at the sink; without it their deliveries wait (pending,
    last_error naming the unset variable) until an SMTP server is configured.
    """
    if not secret:
        raise ValueError("the sink secret must not be empty")
    env = {SINK_SECRET_ENV: secret}
    host = urlsplit(sink_url).hostname or "127.0.0.1"
    for agency in registry.agencies:
        delivery = agency.delivery
        if delivery is None:
            continue
        if delivery.transport == "webhook":
            if delivery.url_env:
                env[delivery.url_env] = sink_url_for(sink_url, agency.code)
            if delivery.secret_env:
                env[delivery.secret_env] = secret
        elif delivery.transport == "email" and smtp_port is not None and delivery.address_env:
            env[delivery.address_env] = f"{agency.code}@{SINK_MAIL_DOMAIN}"
    if smtp_port is not None:
        env.update(
            {
                SMTP_HOST_ENV: host,
                SMTP_PORT_ENV: str(smtp_port),
                SMTP_FROM_ENV: "scamreport@localhost",
            }
        )
    return env
