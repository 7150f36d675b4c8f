"""The police review console (Flask): analysts review, link and act on the reports routed to
their agency. Build the app with ``create_app``; run it with ``scamreport console``."""

from console.app import create_app

__all__ = ["create_app"]
