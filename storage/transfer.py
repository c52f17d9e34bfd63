"""Copying a whole database into another (``python -m bot migrate-to-postgres``), row for row.

Tables are copied parents first, so every foreign key finds its row, each with its ids, in
one transaction on the target: it ends with everything or nothing. An idea merged into a
later one is copied unmerged and merged once both exist; a reversal always comes after the
entry it reverses. Append-only tables refuse only updates and deletes, so copying into them
is allowed. The inbox is copied too: updates a stopped bot had not applied are applied by
the new one.
"""

from __future__ import annotations

from storage import Connection, Database

# Parents before children; every table of the schema (tests/storage/test_transfer.py checks).
TABLES = (
    "groups", "members", "group_members", "rounds", "proposals", "proposal_supporters", "ideas",
    "polls", "poll_options", "ballots", "round_results", "outcomes", "deadlines", "idea_drafts",
    "ledger_entries", "notices", "postings", "connections", "paper_tallies", "paper_votes",
    "processed_updates", "inbox", "statement_votes", "opinion_members", "round_changes", "held_commands",
    "consent_rounds", "consent_positions", "budgets", "budget_costs", "budget_picks", "budget_ballots",
    "paper_budget_ballots",
)  # fmt: skip


class TargetNotEmpty(Exception):
    """The target already holds a bot's data: copying into it would mix two histories."""


async def counts(database: Database) -> dict[str, int]:
    """Rows in each table."""
    async with database.read() as conn:
        return {table: (await conn.fetch_one(f"SELECT count(*) FROM {table}"))[0] for table in TABLES}  # noqa: S608


async def copy_all(source: Database, target: Database) -> dict[str, int]:
    """Copy every row of ``source`` into the empty ``target``; how many rows of each table."""
    if any((await counts(target)).values()):
        raise TargetNotEmpty("the target database is not empty")
    copied: dict[str, int] = {}
    async with source.read() as reading, target.transaction() as writing:
        for table in TABLES:
            copied[table] = await _copy_table(reading, writing, table)
        await _merge_ideas(reading, writing)
    await target.continue_ids()
    return copied


async def _copy_table(reading: Connection, writing: Connection, table: str) -> int:
    rows = await reading.fetch_all(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 - fixed names
    if not rows:
        return 0
    columns = list(rows[0].keys())
    values = [[row[column] for column in columns] for row in rows]
    if table == "ideas":  # merged once every idea exists (a merge may point to a later one)
        merged = columns.index("merged_into")
        for row in values:
            row[merged] = None
    marks = ", ".join("?" * len(columns))
    await writing.execute_batch(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)  # noqa: S608
    return len(rows)


async def _merge_ideas(reading: Connection, writing: Connection) -> None:
    merged = await reading.fetch_all("SELECT id, merged_into FROM ideas WHERE merged_into IS NOT NULL")
    await writing.execute_batch("UPDATE ideas SET merged_into = ? WHERE id = ?", [(row[1], row[0]) for row in merged])
