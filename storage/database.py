"""One aiosqlite connection, its migrations, and transactions that are all-or-nothing.

All access goes through :meth:`Database.transaction` (writes) or :meth:`Database.read`.
Both hold one asyncio lock, so a handler that awaits Telegram in between can never see,
or commit, half of another handler's work on the shared connection.

aiosqlite runs SQLite in its own worker thread, so a slow disk never stalls the event loop;
each statement is one hop to that thread and back, which is why hot paths keep their
statement count small (see ``benchmarks/README.md``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

BUSY_TIMEOUT_MS = 5000  # how long a statement waits for another process's write lock


def to_db(moment: dt.datetime | None) -> str | None:
    """Aware datetimes are stored as ISO-8601 UTC text, which sorts chronologically.

    Kept to the microsecond, so that a period ending at a moment (a summary) splits what
    happened in that same second correctly. A whole second has no fraction
    (``…:05+00:00``), and sorts before any moment within it (``…:05.250000+00:00``): ``+``
    sorts before ``.``.
    """
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are never stored")
    return moment.astimezone(dt.UTC).isoformat()


def from_db(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


async def fetch_one(
    conn: aiosqlite.Connection, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
) -> sqlite3.Row | None:
    """The first row of a query, or None: one hop to aiosqlite's thread (``execute`` then
    ``fetchone`` would be two)."""
    rows = await conn.execute_fetchall(sql, params)
    return next(iter(rows), None)


def migrations() -> list[tuple[int, str, str]]:
    """``(number, name, sql)`` for every migration file shipped with the package, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        if entry.name.endswith(".sql"):
            number = int(entry.name.split("_", 1)[0])
            found.append((number, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def latest_version() -> int:
    return migrations()[-1][0]


def stored_version(path: str | os.PathLike[str]) -> int:
    """``PRAGMA user_version`` of an existing database file, opened read-only (no migration).

    Raises ``sqlite3.DatabaseError`` when the file is not a readable SQLite database.
    """
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return int(connection.execute("PRAGMA user_version").fetchone()[0])


class Database:
    """The bot's SQLite database: WAL mode, foreign keys on, migrated on open."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | os.PathLike[str]) -> Database:
        if str(path) != ":memory:":
            _create_private(Path(path))
        connection = await aiosqlite.connect(path, isolation_level=None)
        try:
            # First of all: a database another process is writing waits instead of failing.
            await connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            connection.row_factory = sqlite3.Row
            await connection.execute("PRAGMA journal_mode=WAL")
            await connection.execute("PRAGMA foreign_keys=ON")
            await connection.execute("PRAGMA synchronous=NORMAL")
            # Deleted and overwritten content is zeroed, so a forgotten name leaves no copy in
            # the file's free space; set here because builds of SQLite differ in their default.
            await connection.execute("PRAGMA secure_delete=ON")
            database = cls(connection)
            await database.migrate()
        except BaseException:
            # aiosqlite's worker thread lives until the connection closes: left open, a
            # corrupt file would keep the process from ever exiting.
            await connection.close()
            raise
        return database

    async def close(self) -> None:
        await self._connection.close()

    async def schema_version(self) -> int:
        async with self.read() as conn:
            row = await fetch_one(conn, "PRAGMA user_version")
        return int(row[0])

    async def migrate(self) -> None:
        """Apply each migration newer than ``PRAGMA user_version`` in its own transaction."""
        current = await self.schema_version()
        for number, _name, sql in migrations():
            if number <= current:
                continue
            async with self.transaction() as conn:
                for statement in _statements(sql):
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA user_version = {number}")

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Everything inside commits together or not at all."""
        async with self._lock:
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                await self._connection.execute("ROLLBACK")
                raise
            await self._connection.execute("COMMIT")

    @contextlib.asynccontextmanager
    async def one_statement(self) -> AsyncIterator[aiosqlite.Connection]:
        """For a change that is ONE writing statement (reads around it are fine).

        SQLite runs a lone statement as its own transaction, all or nothing, so ``BEGIN``
        and ``COMMIT`` would only add two hops to aiosqlite's thread. Anything that writes
        twice must use :meth:`transaction`.
        """
        async with self._lock:
            yield self._connection

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            yield self._connection

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the main file and empty it (``TRUNCATE``).

        Until then the ``-wal`` file keeps the old pages of every recent change: after a
        member is forgotten, their name would still be there.
        """
        async with self._lock:
            await self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def backup_to(self, target: str | os.PathLike[str]) -> None:
        """A consistent copy while the bot runs (SQLite's online backup API)."""
        _create_private(Path(target))
        async with self._lock:
            async with aiosqlite.connect(target) as destination:
                await self._connection.backup(destination)


def _create_private(path: Path) -> None:
    """Create the database file owner-only (0600) before SQLite opens it."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _statements(sql: str) -> list[str]:
    """Split a migration into statements, keeping ``CREATE TRIGGER ... END;`` blocks whole."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
