"""Forwarding: delivering stored reports to agencies from the transactional outbox.

``payload`` (versioned JSON), ``stix`` (STIX 2.1 bundle) and ``misp`` (MISP event) build the
bodies, ``signing`` signs them (HMAC-SHA256), ``transports`` sends them (webhook with requests,
e-mail with smtplib; ``misp_push`` adds events to an agency's MISP instance), ``retry`` spaces
retries, ``outbox`` holds the queries over ``deliveries``, ``outcomes`` what became of each
claimed delivery, and ``worker`` ties them together.
``dev`` points every agency at the local agency sink (the agency_sink package, a development
stand-in). See docs/forwarding.md.
"""

from scamreport.forwarding.config import ForwardingConfig
from scamreport.forwarding.envvars import ForwardingConfigError
from scamreport.forwarding.outcomes import DeliveryOutcome
from scamreport.forwarding.payload import PAYLOAD_VERSION, build_payload, encode_payload
from scamreport.forwarding.retry import RetryPolicy
from scamreport.forwarding.signing import SIGNATURE_HEADER, SignatureError, sign, verify_signature
from scamreport.forwarding.worker import Worker

__all__ = [
    "PAYLOAD_VERSION",
    "SIGNATURE_HEADER",
    "DeliveryOutcome",
    "ForwardingConfig",
    "ForwardingConfigError",
    "RetryPolicy",
    "SignatureError",
    "Worker",
    "build_payload",
    "encode_payload",
    "sign",
    "verify_signature",
]
