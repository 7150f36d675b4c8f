"""The rules behind the doors, without starting any service."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pytest

from action_server.app import log_failure
from bot.rasa_client import length_notice, message_body, neutralise_typed_text
from rasa_runtime.__main__ import LaunchError, rasa_argv
from scamreport.channel import (
    FULL_TEXT_KEY,
    MAX_NLU_CHARS,
    MAX_NLU_TOKENS,
    MAX_STORY_CHARS,
    PAYLOAD_KEY,
    bound_text,
    count_tokens,
)
from scamreport.cli.stack import Stack
from scamreport.settings import (
    ACTION_SERVER_TOKEN,
    RASA_AUTH_TOKEN,
    RASA_CHANNEL_TOKEN,
    SERVICE_SECRETS,
    SettingsError,
    checked_bind_host,
    get_settings,
    stack_secrets,
)

TOKEN = "a-long-enough-secret-0123456789"


def test_rasa_gets_its_api_token_from_the_environment_never_the_command_line() -> None:
    argv = rasa_argv(["run", "--enable-api", "--port", "5005"], {RASA_AUTH_TOKEN: TOKEN})
    assert argv[-1] == f"--auth-token={TOKEN}"
    assert argv[argv.index("--interface") + 1] == "127.0.0.1"
    with pytest.raises(LaunchError, match=RASA_AUTH_TOKEN):
        rasa_argv(["run", "--enable-api"], {})
    with pytest.raises(LaunchError, match="not on the command line"):
        rasa_argv(["run", "--enable-api", "--auth-token", TOKEN], {RASA_AUTH_TOKEN: TOKEN})


def test_a_token_that_starts_with_a_dash_stays_the_token() -> None:
    # secrets.token_urlsafe starts with "-" once in 64: as a separate argument Rasa's parser
    # read it as a flag ("--auth-token: expected one argument") and Rasa did not start.
    token = "-" + TOKEN
    argv = rasa_argv(["run", "--enable-api"], {RASA_AUTH_TOKEN: token})
    parser = argparse.ArgumentParser()
    parser.add_argument("--auth-token")
    assert parser.parse_known_args(argv[1:])[0].auth_token == token


@pytest.mark.parametrize("interface", ["0.0.0.0", "::", "8.8.8.8", "example.org"])
def test_rasa_never_listens_on_a_public_or_wildcard_address(interface: str) -> None:
    with pytest.raises(LaunchError):
        rasa_argv(["run", "--interface", interface], {})
    with pytest.raises(SettingsError):
        get_settings({"SCAMREPORT_BIND_HOST": interface})


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "10.0.0.5", "192.168.1.20", "localhost"])
def test_private_addresses_may_be_configured(host: str) -> None:
    assert checked_bind_host(host) == host
    assert rasa_argv(["run", "--interface", host], {}) == ["run", "--interface", host]


def test_development_stacks_make_their_own_secrets() -> None:
    made = stack_secrets(get_settings({"SCAMREPORT_ENV": "test"}))
    assert set(made) == set(SERVICE_SECRETS)
    assert len(set(made.values())) == 3 and all(len(v) >= 32 for v in made.values())
    assert made != stack_secrets(get_settings({"SCAMREPORT_ENV": "test"}))
    given = stack_secrets(get_settings({"SCAMREPORT_ENV": "test", RASA_AUTH_TOKEN: TOKEN}))
    assert given[RASA_AUTH_TOKEN] == TOKEN


def test_outside_development_every_secret_must_be_set() -> None:
    production = {
        "SCAMREPORT_ENV": "production",
        "PSEUDONYM_KEY": "p" * 20,
        "CONSOLE_SECRET_KEY": "c" * 20,
        "DATABASE_URL": "sqlite:///x.db",
    }
    with pytest.raises(SettingsError, match=ACTION_SERVER_TOKEN):
        stack_secrets(get_settings(production))
    with pytest.raises(SettingsError, match=RASA_CHANNEL_TOKEN):
        get_settings(production).optional_secret(RASA_CHANNEL_TOKEN)
    short = {**production, **{name: "short" for name in SERVICE_SECRETS}}
    with pytest.raises(SettingsError):
        stack_secrets(get_settings(short))
    full = {**production, **{name: f"{name}-{TOKEN}" for name in SERVICE_SECRETS}}
    assert stack_secrets(get_settings(full))[RASA_AUTH_TOKEN] == f"{RASA_AUTH_TOKEN}-{TOKEN}"


def test_each_service_gets_only_the_secrets_it_uses_and_none_on_its_command_line(
    tmp_path: Path,
) -> None:
    stack = Stack(
        data_dir=tmp_path,
        extra_env={"SCAMREPORT_ENV": "test", RASA_AUTH_TOKEN: TOKEN},
        model=Path(__file__),  # any existing file: nothing is started
    )
    assert stack.secrets[RASA_AUTH_TOKEN] == TOKEN
    assert not set(SERVICE_SECRETS) & set(stack.env)
    actions, rasa = stack.action_server(), stack.rasa_server()
    bot = stack.bot(token="1:x")
    assert set(actions.env) == {ACTION_SERVER_TOKEN}
    assert set(rasa.env) == set(SERVICE_SECRETS)
    assert {RASA_AUTH_TOKEN, RASA_CHANNEL_TOKEN} <= set(bot.env)
    assert ACTION_SERVER_TOKEN not in bot.env
    for service in (actions, rasa, bot):
        assert not any(secret in " ".join(service.argv) for secret in stack.secrets.values())
    endpoints = stack.endpoints_file().read_text()
    assert "${ACTION_SERVER_TOKEN}" in endpoints
    assert not any(secret in endpoints for secret in stack.secrets.values())


def test_a_long_message_is_bounded_for_nlu_and_kept_whole_for_the_report() -> None:
    story = "He said he was from the police and I must pay. " * 1_500
    bounded = bound_text(story)
    assert len(bounded.nlu_text) <= MAX_NLU_CHARS
    assert count_tokens(bounded.nlu_text) <= MAX_NLU_TOKENS
    assert bounded.full_text == story.strip() and not bounded.cut
    assert story.startswith(bounded.nlu_text)
    huge = bound_text("word " * 300_000)
    assert len(huge.full_text) <= MAX_STORY_CHARS and huge.cut
    # Many short tokens are bounded too, not only many characters.
    assert count_tokens(bound_text("a " * 900).nlu_text) == MAX_NLU_TOKENS


def test_characters_that_cannot_be_encoded_never_reach_rasa() -> None:
    text = "my code \ud800is\x00 here\udfff"
    assert neutralise_typed_text(text) == "my code is here"
    neutralise_typed_text(text).encode("utf-8")


def test_the_bot_marks_offered_payloads_and_sends_the_whole_text_beside_a_bounded_one() -> None:
    assert message_body("s", "/affirm")["metadata"] == {PAYLOAD_KEY: True}
    typed = neutralise_typed_text('/inform{"amount_lost": 5}')
    assert PAYLOAD_KEY not in (message_body("s", typed).get("metadata") or {})
    story = "The caller said he was an inspector. " * 1_000
    body = message_body("s", story.strip(), {"relay_id": "r1"})
    assert len(body["message"]) <= MAX_NLU_CHARS
    assert body["metadata"] == {"relay_id": "r1", FULL_TEXT_KEY: story.strip()}
    assert length_notice(story) is not None and length_notice("hello") is None


def test_a_failed_action_is_logged_without_its_message(caplog: pytest.LogCaptureFixture) -> None:
    password = "".join(["Tr0ub", "4dor&3"])  # not a literal: tracebacks quote source lines
    try:
        raise ValueError(f"Invalid isoformat string: 'my password is {password}'")
    except ValueError as error:
        with caplog.at_level(logging.ERROR):
            log_failure("action_submit_report", error)
    assert "action_submit_report" in caplog.text and "ValueError" in caplog.text
    assert password not in caplog.text
