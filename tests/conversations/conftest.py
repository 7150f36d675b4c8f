"""The session's Telegram stack for the smoke personas: the same fixtures as tests/bot use."""

from tests.bot.conftest import stack_db, stack_driver, telegram_stack

__all__ = ["stack_db", "stack_driver", "telegram_stack"]
