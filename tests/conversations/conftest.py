"""The smoke personas play on the session's Telegram stack (tests/conftest.py)."""
