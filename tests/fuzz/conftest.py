"""The bot's fixtures (stand-in, fake Rasa, the bot on a thread) for the bot fuzz test."""

from tests.bot.conftest import (  # noqa: F401 - fixtures, used by name
    bot_config,
    data_dir,
    fake_rasa,
    make_bot,
    standin,
)
