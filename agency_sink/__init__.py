"""The local agency sink, a development stand-in for every agency (as telegram_standin is for
Telegram): it verifies signed webhook deliveries and takes e-mailed ones, keeps what arrived in
SQLite and lists it. ``server`` is the sink, ``faults`` a sink that fails on purpose, ``cli``
its `scamreport sink` command. Not for production (docs/forwarding.md)."""
