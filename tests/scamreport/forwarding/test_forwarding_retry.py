"""Backoff with full jitter, and the forwarding settings read from the environment."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from scamreport.forwarding.config import ForwardingConfig
from scamreport.forwarding.envvars import ForwardingConfigError
from scamreport.forwarding.retry import RetryPolicy

NOW = datetime(2024, 3, 1, tzinfo=timezone.utc)


def test_the_ceiling_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=8, base_seconds=60, max_seconds=3600)
    assert [policy.ceiling(n) for n in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert policy.ceiling(10_000) == 3600  # no overflow however many attempts


def test_delays_are_spread_over_the_whole_range() -> None:
    policy = RetryPolicy(max_attempts=8, base_seconds=10, max_seconds=1000)
    rng = random.Random(1)
    delays = [policy.delay(4, rng) for _ in range(2000)]
    assert all(0 <= delay <= 80 for delay in delays)
    # Full jitter: roughly uniform on [0, 80], not clustered at the ceiling.
    assert min(delays) < 4 and max(delays) > 76
    assert 35 < sum(delays) / len(delays) < 45


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=8, base_seconds=0, max_seconds=600)
    assert policy.next_attempt_at(1, now=NOW, at_least=120) == NOW + timedelta(seconds=120)
    assert policy.next_attempt_at(1, now=NOW, at_least=86_400) == NOW + timedelta(seconds=600)


def test_attempts_run_out_at_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert [policy.exhausted(n) for n in (1, 2, 3, 4)] == [False, False, True, True]


def test_defaults_without_environment() -> None:
    config = ForwardingConfig.from_env({})
    assert config.retry == RetryPolicy(max_attempts=8, base_seconds=60, max_seconds=3600)
    assert (config.connect_timeout_seconds, config.read_timeout_seconds) == (5.0, 30.0)
    assert config.lease_seconds == 300.0


def test_settings_come_from_the_environment() -> None:
    config = ForwardingConfig.from_env(
        {
            "FORWARDING_MAX_ATTEMPTS": "12",
            "FORWARDING_BACKOFF_BASE_SECONDS": "0.5",
            "FORWARDING_BACKOFF_MAX_SECONDS": "30",
            "FORWARDING_CONNECT_TIMEOUT_SECONDS": "2",
            "FORWARDING_READ_TIMEOUT_SECONDS": "10",
            "FORWARDING_LEASE_SECONDS": "60",
            "FORWARDING_BATCH_SIZE": "3",
            "FORWARDING_CIRCUIT_COOLDOWN_SECONDS": "1",
            "FORWARDING_CIRCUIT_MAX_COOLDOWN_SECONDS": "2",
            "FORWARDING_UNCONFIGURED_RETRY_SECONDS": "30",
        }
    )
    assert config.retry == RetryPolicy(max_attempts=12, base_seconds=0.5, max_seconds=30)
    assert config.read_timeout_seconds == 10 and config.lease_seconds == 60
    assert config.batch_size == 3 and config.unconfigured_retry_seconds == 30


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"FORWARDING_MAX_ATTEMPTS": "eight"}, "FORWARDING_MAX_ATTEMPTS='eight' is not a whole"),
        ({"FORWARDING_MAX_ATTEMPTS": "0"}, "FORWARDING_MAX_ATTEMPTS='0' must be at least 1"),
        ({"FORWARDING_BACKOFF_BASE_SECONDS": "-1"}, "FORWARDING_BACKOFF_BASE_SECONDS"),
        ({"FORWARDING_BACKOFF_MAX_SECONDS": "inf"}, "FORWARDING_BACKOFF_MAX_SECONDS"),
        (
            {"FORWARDING_BACKOFF_BASE_SECONDS": "100", "FORWARDING_BACKOFF_MAX_SECONDS": "10"},
            "below the base",
        ),
        ({"FORWARDING_LEASE_SECONDS": "20"}, "FORWARDING_LEASE_SECONDS=20 must be longer"),
    ],
)
def test_unusable_settings_are_refused_naming_the_variable(env: dict[str, str], words: str) -> None:
    with pytest.raises(ForwardingConfigError, match=words):
        ForwardingConfig.from_env(env)
