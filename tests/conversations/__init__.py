"""The conversation suite: victim personas played through Telegram against the real assistant.

`python -m tests.conversations` (or `make converse`) plays every persona and grades the stored
report; tests/conversations/test_conversations_smoke.py plays a marked handful in `make test`.
"""
