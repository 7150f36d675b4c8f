"""Run the Telegram stand-in: `python -m telegram_standin --port 8081 --token 123:ABC`."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os

from telegram_standin.server import StandinServer

DEFAULT_TOKEN = "1234567:standin-token"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument(
        "--token",
        default=os.environ.get("TELEGRAM_STANDIN_TOKEN", DEFAULT_TOKEN),
        help="the only bot token accepted (others get 401 Unauthorized)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    server = StandinServer(token=args.token, host=args.host, port=args.port)
    logging.getLogger(__name__).info("Telegram stand-in listening on %s", server.url)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
