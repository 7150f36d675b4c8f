"""Merge the console and Telegram-bot branches of the schema.

Revision ID: 0003
Revises: 0002_console, 0002_bot_drafts
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0003"
down_revision: str | Sequence[str] | None = ("0002_console", "0002_bot_drafts")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: both branches are applied before this revision."""


def downgrade() -> None:
    """Nothing to change."""
