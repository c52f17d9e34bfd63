"""Queries that grow with history use an index: a plan that reads a whole table fails here.

Each query is captured as the bot runs it (SQLite's trace callback, parameters filled in),
then asked for its plan on the same migrated database.
"""

from __future__ import annotations

from storage import ledger
from storage.database import Database


async def _plan_of(database: Database, run) -> list[str]:
    """The query plan of the one SELECT that ``run(conn)`` sends."""
    sent: list[str] = []
    async with database.read() as conn:
        await conn.set_trace_callback(sent.append)
        try:
            await run(conn)
        finally:
            await conn.set_trace_callback(None)
        (query,) = [sql for sql in sent if sql.lstrip().upper().startswith("SELECT")]
        rows = await conn.execute_fetchall(f"EXPLAIN QUERY PLAN {query}")
    return [row[3] for row in rows]


async def test_a_members_own_entries_are_found_through_indexes_not_a_ledger_scan(tmp_path):
    database = await Database.open(tmp_path / "plans.sqlite3")
    try:
        plan = await _plan_of(database, lambda conn: ledger.member_entries(conn, 201))
    finally:
        await database.close()
    assert not [step for step in plan if step.startswith("SCAN ledger_entries")], plan
    assert any("MULTI-INDEX OR" in step for step in plan), plan
