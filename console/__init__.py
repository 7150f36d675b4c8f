"""The police review console (Flask): analysts review, link and act on the reports routed to
their agency. Build the app with ``create_app``; run it with ``scamreport console``.

``create_app`` is imported on first use so that ``console.cli`` (the console's commands of
`scamreport`) can be loaded without Flask."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from console.app import create_app

        return create_app
    raise AttributeError(f"module 'console' has no attribute {name!r}")
