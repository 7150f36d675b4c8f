"""Erasing a reporter's personal data (/delete) and the evidence of a cancelled report."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.services import BotServices
from scamreport.storage.drafts import (
    discard_pending_evidence,
    pending_evidence_of,
    storage_paths_in_use,
)
from scamreport.storage.models import PendingMessage
from scamreport.storage.repository import erase_reporter

logger = logging.getLogger(__name__)


def _discard_drafts(session: Session, conversation_id: str) -> tuple[int, set[str]]:
    """Deletes the drafts; returns how many, and the files no other row names any more."""
    paths = {
        row.storage_path
        for row in pending_evidence_of(session, conversation_id=conversation_id)
        if row.storage_path
    }
    count = discard_pending_evidence(session, conversation_id=conversation_id)
    return count, paths - storage_paths_in_use(session, storage_paths=paths)


def _remove_files(services: BotServices, paths: set[str]) -> None:
    for path in paths:
        try:
            services.evidence.remove(path)
        except OSError as error:
            logger.warning("could not remove an evidence file: %s", error)


async def discard_drafts(services: BotServices, conversation_id: str) -> int:
    """Deletes the unfiled evidence of a conversation (and its files); returns how many."""
    count, orphans = await services.db(lambda session: _discard_drafts(session, conversation_id))
    _remove_files(services, orphans)
    return count


@dataclass(frozen=True)
class Erased:
    reports_unlinked: int
    drafts_deleted: int
    messages_deleted: int


async def erase_personal_data(services: BotServices, user_id: int) -> Erased:
    """Removes everything personal the bot's database holds about ``user_id``.

    Reports and their indicators and evidence stay, unlinked (see ``erase_reporter``); unfiled
    drafts and kept messages are deleted with their files; the in-memory state is dropped.
    """
    conversation_id = services.pseudonym(user_id)

    def erase(session: Session) -> tuple[Erased, set[str]]:
        unlinked = erase_reporter(session, pseudonym=conversation_id)
        drafts, orphans = _discard_drafts(session, conversation_id)
        result = session.execute(
            delete(PendingMessage).where(PendingMessage.conversation_id == conversation_id)
        )
        kept = int(getattr(result, "rowcount", 0) or 0)
        return Erased(unlinked, drafts, kept), orphans

    erased, orphans = await services.db(erase)
    _remove_files(services, orphans)
    services.forget(user_id)
    return erased
