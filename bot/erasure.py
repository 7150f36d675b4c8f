"""Erasing a reporter's personal data (/delete) and the evidence of a cancelled report."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.orm import Session

from bot.services import BotServices
from scamreport.storage.database import compact_after_erasure, scrub_deleted_content
from scamreport.storage.drafts import (
    discard_pending_evidence,
    pending_evidence_of,
    storage_paths_in_use,
)
from scamreport.storage.erasure import Erasure, erase_reporter

logger = logging.getLogger(__name__)


def _discard_drafts(session: Session, pseudonym: str) -> tuple[int, set[str]]:
    """Deletes the drafts; returns how many, and the files no other row names any more."""
    paths = {
        row.storage_path
        for row in pending_evidence_of(session, pseudonym=pseudonym)
        if row.storage_path
    }
    count = discard_pending_evidence(session, pseudonym=pseudonym)
    return count, paths - storage_paths_in_use(session, storage_paths=paths)


def _remove_files(services: BotServices, paths: set[str]) -> None:
    failed = services.evidence.remove_all(paths)
    if failed:
        logger.warning("could not remove %d evidence file(s)", len(failed))


async def discard_drafts(services: BotServices, pseudonym: str) -> int:
    """Deletes the unfiled evidence of a reporter (and its files); returns how many."""
    count, orphans = await services.db(lambda session: _discard_drafts(session, pseudonym))
    _remove_files(services, orphans)
    return count


async def erase_personal_data(services: BotServices, user_id: int) -> Erasure:
    """Removes everything stored about ``user_id``: every database row (see
    scamreport.storage.erasure), the evidence files, Rasa's record of the conversation, and
    the bot's memory of the chat. What agencies already received stays with them."""
    pseudonym = services.pseudonym(user_id)

    def erase(session: Session) -> Erasure:
        scrub_deleted_content(session)
        return erase_reporter(session, pseudonym=pseudonym)

    erasure = await services.db(erase)
    bind = services.sessions.kw.get("bind")
    if bind is not None:
        await asyncio.to_thread(compact_after_erasure, bind)
    _remove_files(services, erasure.orphaned_files)
    await forget_conversation(services, pseudonym)
    services.forget(user_id)
    return erasure


async def forget_conversation(services: BotServices, pseudonym: str) -> None:
    """Deletes the conversation from Rasa's tracker store (SQL), or has Rasa forget it."""
    if services.tracker_store is not None:
        await asyncio.to_thread(services.tracker_store.erase_conversation, pseudonym)
    else:
        await services.rasa.forget_conversation(pseudonym)
