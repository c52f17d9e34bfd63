"""storage.rounds.collect_idea: one statement that checks the stage, dedupes on the message, finds a twin."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3

from bot.domain.rounds import fold
from storage import rounds
from tests.support.databases import sqlite_only
from tests.support.round_helpers import round_with_ideas

CHAT = -1001234


async def collect(harness, round_id: int, text: str, message_id: int):
    async with harness.db.transaction() as conn:
        return await rounds.collect_idea(
            conn, round_id=round_id, text=text, folded=fold(text), author_id=None, anonymous=True, now=harness.clock.now(),
            source_chat_id=CHAT, source_message_id=message_id,
        )  # fmt: skip


async def test_collecting_an_idea_numbers_it_and_names_its_near_duplicate(harness):
    round_ = await round_with_ideas(harness, ["Plant trees", "Benches"])
    idea, twin_id = await collect(harness, round_.id, "  plant TREES ", 50)
    assert idea.number == 3
    async with harness.db.read() as conn:
        assert (await rounds.get_idea(conn, twin_id)).text == "Plant trees"


async def test_collecting_an_idea_without_a_twin_names_none(harness):
    round_ = await round_with_ideas(harness, ["Plant trees"])
    _idea, twin_id = await collect(harness, round_.id, "A bench", 50)
    assert twin_id is None


async def test_the_same_message_collected_twice_is_stored_once(harness):
    round_ = await round_with_ideas(harness, [])
    first, _ = await collect(harness, round_.id, "A bench", 50)
    assert await collect(harness, round_.id, "A bench", 50) is None
    async with harness.db.read() as conn:
        assert [idea.id for idea in await rounds.ideas(conn, round_.id)] == [first.id]


async def test_a_round_no_longer_collecting_gets_no_idea(harness):
    round_ = await round_with_ideas(harness, ["Plant trees"])
    async with harness.db.transaction() as conn:
        await rounds.start_voting(conn, round_.id, now=harness.clock.now(), ends_at=harness.clock.now() + dt.timedelta(days=1))
    assert await collect(harness, round_.id, "A bench", 50) is None
    async with harness.db.read() as conn:
        assert len(await rounds.ideas(conn, round_.id)) == 1


@sqlite_only
async def test_a_lone_statement_commits_by_itself(harness):
    round_ = await round_with_ideas(harness, [])
    async with harness.db.one_statement() as conn:
        await rounds.collect_idea(
            conn, round_id=round_.id, text="A bench", folded=fold("A bench"), author_id=None, anonymous=True, now=harness.clock.now(),
            source_chat_id=CHAT, source_message_id=50,
        )  # fmt: skip
        # committed already: another connection sees it while this one is still held
        with contextlib.closing(sqlite3.connect(harness.app.services.config.database)) as other:
            assert other.execute("SELECT count(*) FROM ideas WHERE text = 'A bench'").fetchone()[0] == 1
