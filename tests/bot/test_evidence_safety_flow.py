"""Evidence safety through the stand-in and the real bot: programs and archives holding them are
refused with a kind message; a photo's GPS position is not kept, its original hash is."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import texts
from scamreport.storage.models import PendingEvidence
from telegram_standin.driver import ChatUser
from tests.bot.conftest import BotRunner, agree
from tests.evidence_samples import elf_program, gps_of, jpeg_with_gps, pe_program, zip_of


def drafts(db: sessionmaker[Session]) -> list[PendingEvidence]:
    with db() as session:
        return list(session.scalars(select(PendingEvidence).order_by(PendingEvidence.id)))


def stored_files(bot: BotRunner) -> list[str]:
    root = bot.services.config.settings.evidence_dir
    return [p.name for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("data", "filename", "mime_type"),
    [
        (elf_program(), "receipt.pdf", "application/pdf"),
        (pe_program(), "bank-statement", "application/octet-stream"),
        (zip_of({"IMG_2231.jpg": elf_program()}), "screenshots.pdf", None),
        (pe_program(), "AnyDesk.exe", "application/x-msdownload"),
    ],
    ids=["elf-renamed", "pe-no-extension", "zip-holding-elf", "exe-by-name"],
)
def test_programs_and_archives_holding_them_are_refused_kindly(
    alex: ChatUser,
    bot: BotRunner,
    db: sessionmaker[Session],
    data: bytes,
    filename: str,
    mime_type: str | None,
) -> None:
    agree(alex)
    alex.send_document(data, filename=filename, mime_type=mime_type)
    reply = alex.replies()[-1].body
    assert reply == texts.get("evidence_unsafe", "en")
    assert "You did nothing wrong" in reply and "screenshot" in reply
    assert drafts(db) == []
    assert stored_files(bot) == []


def test_a_zip_by_its_name_is_refused_before_it_is_downloaded(
    alex: ChatUser, db: sessionmaker[Session]
) -> None:
    agree(alex)
    alex.send_document(
        zip_of({"a.exe": pe_program()}), filename="a.zip", mime_type="application/zip"
    )
    assert alex.replies()[-1].body == texts.get("evidence_wrong_type", "en")
    assert drafts(db) == []


def test_a_photos_location_is_removed_and_its_original_hash_kept(
    alex: ChatUser, bot: BotRunner, db: sessionmaker[Session]
) -> None:
    agree(alex)
    photo = jpeg_with_gps()
    alex.send_document(photo, filename="IMG_0001.jpg", mime_type="image/jpeg")
    assert "Saved" in alex.replies()[-1].body
    [draft] = drafts(db)
    kept = (bot.services.config.settings.evidence_dir / str(draft.storage_path)).read_bytes()
    assert draft.sha256 == hashlib.sha256(photo).hexdigest()
    assert draft.size_bytes == len(photo)
    assert draft.stored_sha256 == hashlib.sha256(kept).hexdigest() != draft.sha256
    assert draft.mime_type == "image/jpeg"
    assert gps_of(photo) and gps_of(kept) == {}
    assert stored_files(bot) == [draft.stored_sha256]
