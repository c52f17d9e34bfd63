"""Queries that grow with history use an index: a plan that reads a whole table fails here.

Each query is captured as the bot runs it (SQLite's trace callback, parameters filled in),
then asked for its plan on the same migrated database.
"""

from __future__ import annotations

import aiosqlite

from storage import ledger, open_database
from storage.sqlite import SQLiteConnection


async def _plan_of(path, run) -> list[str]:
    """The query plan of the one SELECT that ``run(conn)`` sends."""
    sent: list[str] = []
    async with aiosqlite.connect(path) as raw:
        await raw.set_trace_callback(sent.append)
        await run(SQLiteConnection(raw))
        await raw.set_trace_callback(None)
        (query,) = [sql for sql in sent if sql.lstrip().upper().startswith("SELECT")]
        rows = await raw.execute_fetchall(f"EXPLAIN QUERY PLAN {query}")
    return [row[3] for row in rows]


async def test_a_members_own_entries_are_found_through_indexes_not_a_ledger_scan(tmp_path):
    path = tmp_path / "plans.sqlite3"
    await (await open_database(path)).close()  # created and migrated
    plan = await _plan_of(path, lambda conn: ledger.member_entries(conn, 201))
    assert not [step for step in plan if step.startswith("SCAN ledger_entries")], plan
    assert any("MULTI-INDEX OR" in step for step in plan), plan
