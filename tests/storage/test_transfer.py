"""The copy between databases (storage/transfer.py) knows every table of the schema."""

from __future__ import annotations

import contextlib
import sqlite3

from storage import open_database, transfer

# Kept out of a copy: the send windows are PostgreSQL's own and only minutes deep.
NOT_COPIED = {"outbound_sends"}


async def test_every_table_of_the_schema_is_copied_parents_first(tmp_path):
    path = tmp_path / "schema.sqlite3"
    await (await open_database(path)).close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        parents = {(row[0], table) for table in tables
                   for row in conn.execute(f"SELECT \"table\" FROM pragma_foreign_key_list('{table}')")}  # fmt: skip
    assert set(transfer.TABLES) == tables - NOT_COPIED
    order = {table: place for place, table in enumerate(transfer.TABLES)}
    assert all(order[parent] <= order[child] for parent, child in parents), "a table comes before its parent"
