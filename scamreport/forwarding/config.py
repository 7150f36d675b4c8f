"""The forwarding worker's settings, from the environment (every one has a default).

| variable | default | meaning |
|---|---|---|
| FORWARDING_MAX_ATTEMPTS | 8 | attempts before a delivery is dead-lettered |
| FORWARDING_BACKOFF_BASE_SECONDS | 60 | ceiling of the first retry wait (doubles each attempt) |
| FORWARDING_BACKOFF_MAX_SECONDS | 3600 | largest retry wait |
| FORWARDING_CONNECT_TIMEOUT_SECONDS | 5 | webhook TCP/TLS connect timeout |
| FORWARDING_READ_TIMEOUT_SECONDS | 30 | webhook response timeout; also the SMTP timeout |
| FORWARDING_LEASE_SECONDS | 300 | how long a claimed delivery stays reserved for its worker |
| FORWARDING_BATCH_SIZE | 10 | deliveries claimed per database round trip |
| FORWARDING_UNCONFIGURED_RETRY_SECONDS | 300 | wait before re-checking a delivery whose agency env vars are unset |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from scamreport.forwarding.envvars import ForwardingConfigError, positive_int, seconds
from scamreport.forwarding.retry import RetryPolicy

CONNECT_TIMEOUT_ENV = "FORWARDING_CONNECT_TIMEOUT_SECONDS"
READ_TIMEOUT_ENV = "FORWARDING_READ_TIMEOUT_SECONDS"
LEASE_ENV = "FORWARDING_LEASE_SECONDS"
BATCH_SIZE_ENV = "FORWARDING_BATCH_SIZE"
UNCONFIGURED_RETRY_ENV = "FORWARDING_UNCONFIGURED_RETRY_SECONDS"


@dataclass(frozen=True)
class ForwardingConfig:
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    connect_timeout_seconds: float = 5.0
    read_timeout_seconds: float = 30.0
    # Must outlast one send (connect + read timeouts) with room to record the result; a worker
    # killed mid-send leaves the row claimed until the lease runs out, then another takes it.
    lease_seconds: float = 300.0
    batch_size: int = 10
    unconfigured_retry_seconds: float = 300.0

    def __post_init__(self) -> None:
        if self.connect_timeout_seconds <= 0 or self.read_timeout_seconds <= 0:
            raise ForwardingConfigError("timeouts must be positive")
        longest_send = self.connect_timeout_seconds + self.read_timeout_seconds
        if self.lease_seconds <= longest_send:
            raise ForwardingConfigError(
                f"{LEASE_ENV}={self.lease_seconds:g} must be longer than one send "
                f"({CONNECT_TIMEOUT_ENV} + {READ_TIMEOUT_ENV} = {longest_send:g} s), or a slow "
                "send would be taken over by another worker and sent twice"
            )
        if self.batch_size < 1:
            raise ForwardingConfigError("batch_size must be at least 1")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ForwardingConfig:
        return cls(
            retry=RetryPolicy.from_env(env),
            connect_timeout_seconds=seconds(env, CONNECT_TIMEOUT_ENV, 5.0, minimum=0.001),
            read_timeout_seconds=seconds(env, READ_TIMEOUT_ENV, 30.0, minimum=0.001),
            lease_seconds=seconds(env, LEASE_ENV, 300.0, minimum=0.001),
            batch_size=positive_int(env, BATCH_SIZE_ENV, 10),
            unconfigured_retry_seconds=seconds(env, UNCONFIGURED_RETRY_ENV, 300.0),
        )
