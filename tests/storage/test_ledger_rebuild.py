"""The migration that rebuilds the ledger for exchanges keeps every entry as it was,
its round link included, and the ledger stays append-only afterwards."""

from __future__ import annotations

import sqlite3

import pytest

from storage import IntegrityError, open_database
from storage.sqlite import _statements, migration_files

REBUILD = next(number for number, name, _sql in migration_files() if "needs_offers" in name)


def _migrate_until(path, last: int) -> None:
    with sqlite3.connect(path, isolation_level=None) as conn:
        for number, _name, sql in migration_files():
            if number > last:
                break
            conn.execute("BEGIN")
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")


async def test_entries_logged_for_a_round_keep_their_round_through_the_rebuild(tmp_path):
    path = tmp_path / "old.sqlite3"
    _migrate_until(path, REBUILD - 1)
    with sqlite3.connect(path, isolation_level=None) as conn:
        conn.execute("INSERT INTO groups (id, chat_id, title, language, timezone, created_at) "
                     "VALUES (1, -100, 'Street', 'en', 'Europe/London', '2026-11-01T10:00:00+00:00')")  # fmt: skip
        conn.execute("INSERT INTO members (user_id, first_name, first_seen_at, last_seen_at) "
                     "VALUES (7, 'Ben', '2026-11-01T10:00:00+00:00', '2026-11-01T10:00:00+00:00')")  # fmt: skip
        conn.execute("INSERT INTO rounds (id, group_id, number, question, stage, created_at, voting_minutes) "
                     "VALUES (3, 1, 1, 'Bench?', 'closed', '2026-11-01T10:00:00+00:00', 60)")  # fmt: skip
        conn.execute("INSERT INTO ledger_entries (id, group_id, kind, to_member, minutes, note, status, created_by, "
                     "created_at, round_id) VALUES (1, 1, 'volunteering', 7, 120, 'planting', 'pending', 7, "
                     "'2026-11-01T10:00:00+00:00', 3)")  # fmt: skip
    database = await open_database(path)
    try:
        async with database.read() as conn:
            rows = await conn.fetch_all("SELECT id, minutes, note, round_id FROM ledger_entries")
            triggers = {row[0] for row in await conn.fetch_all(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ledger_entries'")}  # fmt: skip
        assert [tuple(row) for row in rows] == [(1, 120, "planting", 3)]
        assert {"ledger_round_fixed", "ledger_entries_never_deleted", "ledger_entries_only_decided"} <= triggers
        with pytest.raises(IntegrityError, match="append-only"):
            async with database.transaction() as conn:
                await conn.execute("UPDATE ledger_entries SET round_id = NULL WHERE id = 1")
        with pytest.raises(IntegrityError, match="append-only"):
            async with database.transaction() as conn:
                await conn.execute("DELETE FROM ledger_entries WHERE id = 1")
    finally:
        await database.close()
