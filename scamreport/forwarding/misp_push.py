"""Pushing a delivery in the misp format to an agency's own MISP instance (PyMISP add_event).

Used instead of the agency's webhook or e-mail when its registry entry names
``misp_url_env`` and ``misp_key_env``. One attempt per call, like the other transports;
errors carry short messages without the URL or the key. A MISP instance refuses an event
whose UUID it already holds, and the event's UUID is derived from the report's reference: so
a retry after a lost answer is recognised and counted as delivered, not sent twice.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from pymisp import MISPEvent, PyMISP
from pymisp.exceptions import PyMISPError

from scamreport.forwarding import envvars
from scamreport.forwarding.transports import (
    USER_AGENT,
    DeliveryFailed,
    NotConfigured,
    OutgoingDelivery,
    check_webhook_url,
)
from scamreport.registry import Agency

# PyMISP logs a failed request with its body (the event) and the instance's answer; our own
# log lines describe each failure without either.
_PYMISP_LOGGER = "pymisp"
# MISP's answers that mean the receiver refused these bytes themselves.
_PERMANENT_STATUSES = frozenset({400, 413, 415, 422})
_ERROR_CHARS = 200


@dataclass(frozen=True)
class MispEndpoint:
    url: str
    key: str = field(repr=False)


def resolve_misp_endpoint(agency: Agency, env: Mapping[str, str]) -> MispEndpoint:
    """The MISP instance ``agency``'s registry entry names, from the environment."""
    delivery = agency.delivery
    if delivery is None or not delivery.pushes_to_misp:
        raise NotConfigured(f"agency {agency.code} names no MISP instance in the registry")
    assert delivery.misp_url_env and delivery.misp_key_env
    missing = [
        name
        for name in (delivery.misp_url_env, delivery.misp_key_env)
        if not envvars.text(env, name)
    ]
    if missing:
        raise NotConfigured(" and ".join(missing) + " not set")
    url = envvars.text(env, delivery.misp_url_env) or ""
    check_webhook_url(url, env_name=delivery.misp_url_env)
    return MispEndpoint(url=url, key=env[delivery.misp_key_env].strip())


def _errors_text(detail: Any) -> str:
    text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)
    flat = " ".join(text.split())
    return flat[:_ERROR_CHARS] + ("..." if len(flat) > _ERROR_CHARS else "")


class MispPushTransport:
    """Adds events to MISP instances; one PyMISP client per thread and instance."""

    def __init__(self, *, connect_timeout: float, read_timeout: float) -> None:
        self.timeout = (connect_timeout, read_timeout)
        self._local = threading.local()
        logging.getLogger(_PYMISP_LOGGER).setLevel(logging.CRITICAL + 1)

    def _client(self, endpoint: MispEndpoint) -> PyMISP:
        clients: dict[tuple[str, str], PyMISP] | None = getattr(self._local, "clients", None)
        if clients is None:
            clients = self._local.clients = {}
        client = clients.get((endpoint.url, endpoint.key))
        if client is None:
            # Connecting reads the instance's version and the key's user: a wrong key fails here.
            client = PyMISP(
                endpoint.url,
                endpoint.key,
                ssl=True,
                timeout=self.timeout,
                tool=USER_AGENT,
            )
            clients[(endpoint.url, endpoint.key)] = client
        return client

    def send(self, delivery: OutgoingDelivery, endpoint: MispEndpoint) -> None:
        """One add_event; returns when MISP holds the event, raises DeliveryFailed otherwise."""
        event = MISPEvent()
        event.load(delivery.body)
        try:
            answer = self._client(endpoint).add_event(event)
        except requests.Timeout:
            raise DeliveryFailed("MISP did not answer in time") from None
        except requests.ConnectionError:
            raise DeliveryFailed("MISP connection failed") from None
        except (PyMISPError, requests.RequestException, ValueError) as error:
            # PyMISP's messages name the URL; keep only the kind of failure.
            self._forget(endpoint)
            raise DeliveryFailed(f"MISP push failed ({type(error).__name__})") from None
        errors = answer.get("errors") if isinstance(answer, dict) else None
        if not errors:
            return
        status, detail = errors if isinstance(errors, (list, tuple)) else (0, errors)
        text = _errors_text(detail)
        if "already exists" in text.lower():
            return  # an earlier attempt got through; its answer was lost
        raise DeliveryFailed(f"MISP {status}: {text}", permanent=status in _PERMANENT_STATUSES)

    def _forget(self, endpoint: MispEndpoint) -> None:
        clients = getattr(self._local, "clients", None)
        if clients:
            clients.pop((endpoint.url, endpoint.key), None)
