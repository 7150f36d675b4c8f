"""Core of the scam-reporting assistant: extraction, storage, registry, routing and forwarding.

Adapters (actions/, bot/, console/, scamreport.cli) import from here; nothing here imports them.
"""
