"""The PostgreSQL backend's own rules: placeholders, values as SQLite would take them, claims
held against other processes, the sends replicas share, migrations under a lock, backups."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import stat
import subprocess

import pytest

import storage
from storage import open_database
from storage.postgres import placeholders
from storage.postgres.sends import SENDS_LOCK
from tests.support.databases import postgres_only


@pytest.mark.parametrize(
    ("sql", "translated", "names"),
    [
        ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2", ()),
        ("SELECT :round, :now, :round", "SELECT $1, $2, $1", ("round", "now")),
        ("SELECT '?', 'it''s :not', \"a?b\", x FROM t WHERE y = ?", "SELECT '?', 'it''s :not', \"a?b\", x FROM t WHERE y = $1", ()),
        ("SELECT x::text -- what? :no\nFROM t WHERE y = :yes", "SELECT x::text -- what? :no\nFROM t WHERE y = $1", ("yes",)),
        ("SELECT 'weekly mon 09:00' /* ? */ WHERE a = ?", "SELECT 'weekly mon 09:00' /* ? */ WHERE a = $1", ()),
    ],
)
def test_sqlite_placeholders_become_numbered_ones_outside_literals_and_comments(sql, translated, names):
    assert placeholders.translate(sql) == (translated, names)


def test_mixing_both_kinds_of_placeholder_is_refused():
    with pytest.raises(ValueError, match="either"):
        placeholders.translate("SELECT ? WHERE a = :a")


@postgres_only
async def test_values_are_taken_as_sqlite_takes_them(harness):
    async with harness.db.read() as conn:
        row = await conn.fetch_one(
            "SELECT CAST(? AS TEXT) AS text, CAST(? AS BIGINT) AS number, 1 = 1 AS truth, "
            "SUM(x) AS total, CAST(? AS TEXT) AS nul FROM (SELECT 2 AS x UNION ALL SELECT 3) AS xs",
            (42, "7", "a\x00b"),
        )
    assert dict(row) == {"text": "42", "number": 7, "truth": 1, "total": 5, "nul": "a\ufffdb"}


@postgres_only
async def test_a_claim_is_held_against_another_process_until_released(database):
    first, second = await open_database(database), await open_database(database)
    try:
        async with first.claim("lane chat:1") as mine:
            assert mine
            async with second.claim("lane chat:1") as theirs, first.claim("lane chat:1") as again:
                assert not theirs and not again  # nor twice in one process
            async with second.claim("lane chat:2") as other:
                assert other
        async with second.claim("lane chat:1") as now_theirs:
            assert now_theirs
    finally:
        await first.close()
        await second.close()


@postgres_only
async def test_a_process_that_dies_loses_its_claims_at_once(database):
    dying, other = await open_database(database), await open_database(database)
    try:
        claim = dying.claim("deadline 7")
        assert await claim.__aenter__()
        async with other.read() as conn:  # the server notices the dead connection, as after kill -9
            await conn.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                               "AND pid <> pg_backend_pid()")  # fmt: skip
        for _attempt in range(50):
            async with other.claim("deadline 7") as taken:
                if taken:
                    break
            await asyncio.sleep(0.05)
        assert taken
    finally:
        await other.close()
        with contextlib.suppress(storage.StorageError, OSError):
            await dying.close()


@postgres_only
async def test_replicas_share_a_groups_twenty_messages_a_minute(database):
    replicas = [await open_database(database) for _ in range(2)]
    try:
        waits = [await replicas[n % 2].send_windows.reserve(-100, limit=20, period=60.5, keep_free=0, spacing=0.0)
                 for n in range(21)]  # fmt: skip
        assert waits[:20] == [0.0] * 20 and waits[20] > 59
        assert await replicas[1].send_windows.reserve(-200, limit=20, period=60.5, keep_free=0, spacing=0.0) == 0.0
        assert await replicas[0].send_windows.recent(-100, 60) == 20
    finally:
        for replica in replicas:
            await replica.close()


@postgres_only
async def test_reservations_keep_the_spacing_between_any_two_calls(database):
    replica = await open_database(database)
    try:
        assert await replica.send_windows.reserve(1, limit=3, period=3.5, keep_free=0, spacing=1.0) == 0.0
        assert 0.5 < await replica.send_windows.reserve(2, limit=3, period=3.5, keep_free=0, spacing=1.0) <= 1.0
    finally:
        await replica.close()


@postgres_only
async def test_replicas_starting_together_migrate_once(database):
    async with (await open_database(database)).read() as conn:
        await conn.execute("DROP SCHEMA public CASCADE")
        await conn.execute("CREATE SCHEMA public")
    assert storage.schema_versions(database)[0] is None
    opened = await asyncio.gather(*(open_database(database) for _ in range(3)))
    for each in opened:
        await each.close()
    version, wanted = storage.schema_versions(database)
    assert version == wanted
    assert SENDS_LOCK  # the sends' lock is not the migrations'


@postgres_only
async def test_an_unreachable_server_is_unusable_not_a_hang(unused_tcp_port):
    with pytest.raises(storage.UnusableDatabase):
        await open_database(f"postgresql://coprod@127.0.0.1:{unused_tcp_port}/nothing")


@postgres_only
@pytest.mark.skipif(shutil.which("pg_dump") is None or shutil.which("pg_restore") is None, reason="no pg_dump")
async def test_backup_is_a_pg_dump_created_owner_only_that_restores(harness, database, tmp_path):
    await harness.send(harness.residents[0], "/help")
    target = tmp_path / "backup.dump"
    await harness.db.backup_to(str(target))
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    listed = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True)
    assert "TABLE public members" in listed.stdout and "ledger_entries" in listed.stdout


_TYPES = {"INTEGER": "bigint", "TEXT": "text", "REAL": "double precision"}  # SQLite's, as the baseline translates


def _sqlite_schema(path) -> dict[str, set]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        columns = {
            (table, name, _TYPES[kind.upper()], bool(not_null or primary), _default(default))
            for table in tables
            for _cid, name, kind, not_null, default, primary in conn.execute(f"PRAGMA table_info('{table}')")
        }
        named = {(kind, name) for kind, name in conn.execute(
            "SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger') AND name NOT LIKE 'sqlite_%'"
        )}  # fmt: skip
    return {"tables": set(tables), "columns": columns, "indexes and triggers": named}


async def _postgres_schema(database) -> dict[str, set]:
    async with database.read() as conn:
        tables = {row[0] for row in await conn.fetch_all(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )} - {"coprod_schema"}  # fmt: skip
        columns = {
            (row[0], row[1], row[2], row[3] == "NO", _default(row[4]))
            for row in await conn.fetch_all(
                "SELECT table_name, column_name, data_type, is_nullable, column_default "
                "FROM information_schema.columns WHERE table_schema = current_schema()"
            )
            if row[0] in tables
        }
        indexes = {("index", row[0]) for row in await conn.fetch_all(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))"
        )}  # fmt: skip
        triggers = {("trigger", row[0]) for row in await conn.fetch_all(
            "SELECT DISTINCT trigger_name FROM information_schema.triggers WHERE trigger_schema = current_schema()"
        )}  # fmt: skip
    return {"tables": tables, "columns": columns, "indexes and triggers": indexes | triggers}


def _default(text: str | None) -> str | None:
    """A column's default as written, without PostgreSQL's casts (``'off'::text`` is ``'off'``,
    ``'-600'::bigint`` is ``-600``)."""
    if text is None:
        return None
    value = text.split("::", 1)[0]
    return value.strip("'") if value.strip("'").lstrip("-").isdigit() else value


@postgres_only
async def test_postgresqls_migrations_leave_the_schema_sqlites_leave(database, tmp_path):
    """Every table, column (type, NOT NULL, default), index and trigger of SQLite's schema,
    and nothing else (PostgreSQL's own send windows aside)."""
    await (await open_database(tmp_path / "schema.sqlite3")).close()
    sqlite_schema = _sqlite_schema(tmp_path / "schema.sqlite3")
    opened = await open_database(database)
    try:
        postgres_schema = await _postgres_schema(opened)
    finally:
        await opened.close()
    own = {"outbound_sends"}
    postgres_schema["tables"] -= own
    postgres_schema["columns"] = {column for column in postgres_schema["columns"] if column[0] not in own}
    postgres_schema["indexes and triggers"] -= {("index", "outbound_sends_by_chat"), ("index", "outbound_sends_by_time")}
    for part, expected in sqlite_schema.items():
        assert postgres_schema[part] - expected == set(), f"{part} only on PostgreSQL"
        assert expected - postgres_schema[part] == set(), f"{part} only on SQLite"
