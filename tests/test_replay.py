"""SPEC §10: a crash mid-update replays it, and the replay changes nothing already written.

The inbox marks an update applied only after its handlers finished, so an update whose
writes committed just before a ``kill -9`` is applied a second time after the restart.
Each test applies one update twice, straight through ``process_update`` (as a restart
would, before it was marked), and compares the database before and after the replay.
Commands marked ``NOT_YET_IDEMPOTENT`` write a second row on replay today: each needs a
unique key on its source message (chat id, message id); the strict marks turn into
failures once that is done, to be removed then.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from bot import callbacks
from handlers.credits import CONFIRM

TABLES = ("groups", "members", "rounds", "ideas", "polls", "poll_options", "ballots", "round_results",
          "outcomes", "proposals", "proposal_supporters", "ledger_entries", "deadlines")  # fmt: skip


def snapshot(harness) -> dict[str, list[tuple]]:
    path = Path(harness.app.services.settings.database)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {table: sorted(map(tuple, conn.execute(f"SELECT * FROM {table}")))  # noqa: S608 - fixed names
                for table in TABLES if table in present}  # fmt: skip


async def replayed(harness, update: dict) -> None:
    """Apply ``update`` (which must write something), then again: the replay changes nothing."""
    untouched = snapshot(harness)
    await harness.deliver(update)
    applied = snapshot(harness)
    assert applied != untouched, "the update wrote nothing, so its replay proves nothing"
    await harness.deliver(update)
    assert snapshot(harness) == applied


async def open_round(harness, question: str = "What should we do with the empty lot?") -> int:
    await harness.send(harness.facilitator, f"/round {question}")
    return max(message_id for (chat, message_id) in harness.telegram.messages if chat == harness.group.id)


def group_message(harness, person, text, **content):
    return harness.telegram.message_update(harness.group, person, text, **content)


@pytest.fixture
async def joined(harness):
    await harness.add_bot()
    return harness


NOT_YET_IDEMPOTENT = pytest.mark.xfail(
    strict=True, reason="a replay of this command writes a second row: it needs a key on its source message"
)


@pytest.mark.parametrize(
    "command",
    [
        pytest.param("/round What should we do with the empty lot?", marks=NOT_YET_IDEMPOTENT),
        pytest.param("/poll Which day suits you?; Monday; Tuesday", marks=NOT_YET_IDEMPOTENT),
        pytest.param("/propose A street party?", marks=NOT_YET_IDEMPOTENT),
    ],
)
async def test_replayed_commands_that_open_things_open_them_once(joined, command):
    await replayed(joined, group_message(joined, joined.facilitator, command))


async def test_replayed_idea_is_stored_once(joined):
    prompt = await open_round(joined)
    await replayed(joined, group_message(joined, joined.residents[0], "A community garden", reply_to=prompt))


@NOT_YET_IDEMPOTENT
async def test_replayed_log_entry_is_recorded_once(joined):
    await replayed(joined, group_message(joined, joined.residents[0], "/log 2h litter pick on Chapel St"))


async def test_replayed_confirmation_counts_once(joined):
    await joined.send(joined.residents[0], "/log 2h litter pick on Chapel St")
    logged = max(message_id for (chat, message_id) in joined.telegram.messages if chat == joined.group.id)
    [data] = [button["callback_data"] for row in joined.telegram.messages[(joined.group.id, logged)]["reply_markup"]
              ["inline_keyboard"] for button in row if callbacks.parse(button["callback_data"]).action == CONFIRM]  # fmt: skip
    await replayed(joined, joined.telegram.callback_update(joined.group, joined.residents[1], logged, data))


async def test_replayed_votes_and_close_count_once(joined):
    prompt = await open_round(joined)
    for resident, idea in zip(joined.residents, ["A garden", "A bench"], strict=False):
        await joined.send(resident, idea, reply_to=prompt)
    await joined.send(joined.facilitator, "/vote")
    [poll_id] = joined.telegram.polls
    joined.telegram.polls[poll_id]["is_anonymous"] = False  # a public poll also sends poll_answer
    for update in joined.telegram.vote_updates(joined.residents[2], poll_id, [0, 1]):
        await replayed(joined, update)
    await replayed(joined, group_message(joined, joined.facilitator, "/close"))


async def test_replayed_idea_by_command_is_stored_once(joined):
    await open_round(joined)
    await replayed(joined, group_message(joined, joined.residents[0], "/idea A community garden"))


@NOT_YET_IDEMPOTENT
async def test_replayed_thanks_move_credits_once(joined):
    helped = await joined.send(joined.residents[1], "I fixed the gate")
    await replayed(joined, group_message(joined, joined.residents[0], "/thank 1h for the gate", reply_to=helped))


@NOT_YET_IDEMPOTENT
async def test_replayed_outcome_is_recorded_once(joined):
    prompt = await open_round(joined)
    await joined.send(joined.residents[0], "A garden", reply_to=prompt)
    await joined.send(joined.facilitator, "/vote")
    await joined.send(joined.facilitator, "/close")
    await replayed(joined, group_message(joined, joined.facilitator, "/outcome 1 We planted it."))
