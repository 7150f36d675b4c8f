"""The bot's inbox on SQLite and PostgreSQL: update ids are numbered per bot."""

from __future__ import annotations

from sqlalchemy.orm import Session

from scamreport.storage.inbox import mark_handled, record_update, take_unhandled


def test_two_bots_sharing_a_database_each_keep_their_own_update_numbers(session: Session) -> None:
    # A standby or a second token numbers its updates from its own start, like the first bot.
    assert record_update(session, bot_id=111, update_id=5, pseudonym="a", payload={"n": 1})
    assert record_update(session, bot_id=222, update_id=5, pseudonym="b", payload={"n": 2})
    assert not record_update(session, bot_id=111, update_id=5, pseudonym="a", payload={})
    assert [row.payload for row in take_unhandled(session, bot_id=222)] == [{"n": 2}]
    assert mark_handled(session, bot_id=222, update_id=5)
    assert take_unhandled(session, bot_id=222) == []
    assert [row.payload for row in take_unhandled(session, bot_id=111)] == [{"n": 1}]
