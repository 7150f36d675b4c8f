"""Each environment variable has one reader (scamreport.settings): whole numbers for the core,
the forwarding worker and the console alike, and RASA_URL for the bot and the CLI alike."""

from __future__ import annotations

import pytest

from bot.__main__ import parse_args
from console.config import ConsoleConfig, ConsoleConfigError
from scamreport.forwarding.envvars import ForwardingConfigError, positive_int
from scamreport.settings import (
    DEFAULT_RASA_URL,
    SettingsError,
    get_settings,
    listen_backlog,
    whole_number,
)


def test_whole_number_reads_defaults_values_and_refuses_with_the_callers_error() -> None:
    assert whole_number({}, "N", 7) == 7
    assert whole_number({"N": "  "}, "N", 7) == 7
    assert whole_number({"N": " 12 "}, "N", 7) == 12
    with pytest.raises(SettingsError, match=r"N='x' is not a whole number"):
        whole_number({"N": "x"}, "N", 7)
    with pytest.raises(ValueError, match=r"N='0' must be at least 1"):
        whole_number({"N": "0"}, "N", 7, error=ValueError)
    assert whole_number({"N": "0"}, "N", 7, minimum=0) == 0


def test_every_reader_of_whole_numbers_shares_it() -> None:
    with pytest.raises(ForwardingConfigError, match="FORWARDING_BATCH_SIZE='0' must be at least 1"):
        positive_int({"FORWARDING_BATCH_SIZE": "0"}, "FORWARDING_BATCH_SIZE", 10)
    with pytest.raises(SettingsError, match="SANIC_BACKLOG='-5' must be at least 1"):
        listen_backlog({"SANIC_BACKLOG": "-5"})
    with pytest.raises(SettingsError, match="SCAMREPORT_RETENTION_DAYS='a year'"):
        get_settings({"SCAMREPORT_RETENTION_DAYS": "a year"})
    assert get_settings({"SCAMREPORT_RETENTION_DAYS": "30"}).retention_days == 30
    assert ConsoleConfig.from_env({"CONSOLE_TRUSTED_PROXIES": "0"}).trusted_proxies == 0
    with pytest.raises(ConsoleConfigError, match="CONSOLE_TRUSTED_PROXIES='-1' must be at least 0"):
        ConsoleConfig.from_env({"CONSOLE_TRUSTED_PROXIES": "-1"})


def test_the_bot_and_the_settings_read_rasa_url_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASA_URL", raising=False)
    assert parse_args([]).rasa_url == get_settings({}).rasa_url == DEFAULT_RASA_URL
    monkeypatch.setenv("RASA_URL", "http://10.0.0.5:5005/")
    assert parse_args([]).rasa_url == "http://10.0.0.5:5005"
    assert get_settings({"RASA_URL": "http://10.0.0.5:5005/"}).rasa_url == "http://10.0.0.5:5005"
