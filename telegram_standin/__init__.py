"""A local stand-in for the Telegram Bot API, for tests and the terminal chat.

``server`` serves the Bot API methods the bot uses (and the file download path) over HTTP so
that python-telegram-bot, pointed at it with ``base_url``, cannot tell it from Telegram;
``driver`` plays the users: it injects messages, button presses, files, forwarded messages and
contacts, and reads what the bot sent; ``terminal`` is the chat of ``make run`` without a token,
one user played from the terminal through the driver.
"""
