"""One SQLite connection, its migrations, and transactions that are all-or-nothing.

All access goes through :meth:`Database.transaction` (writes) or :meth:`Database.read`.
Both hold one asyncio lock, so a handler that awaits Telegram in between can never see,
or commit, half of another handler's work on the shared connection.

Statements run on the event loop's own thread (:class:`Connection`, the subset of
aiosqlite's API the storage modules use): a local SQLite statement takes microseconds,
while handing each one to a worker thread and back cost more than the rest of handling
the update (see ``benchmarks/README.md``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable
from importlib import resources
from pathlib import Path
from typing import Any


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


class Cursor:
    """A finished statement's rows and counts, awaited like aiosqlite's cursor."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid


class Connection:
    """One ``sqlite3`` connection used from the event loop, with aiosqlite's awaitable calls."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        return Cursor(self._connection.execute(sql, parameters))

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> Cursor:
        return Cursor(self._connection.executemany(sql, parameters))

    async def close(self) -> None:
        self._connection.close()

    async def backup(self, target: str | os.PathLike[str]) -> None:
        """Copy the database page by page in a worker thread (the caller holds the lock)."""

        def copy() -> None:
            with contextlib.closing(sqlite3.connect(target)) as destination:
                self._connection.backup(destination)

        await asyncio.to_thread(copy)


class Database:
    """The bot's SQLite database: WAL mode, foreign keys on, migrated on open."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | os.PathLike[str]) -> Database:
        if str(path) != ":memory:":
            _create_private(Path(path))
        raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        raw.row_factory = sqlite3.Row
        connection = Connection(raw)
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute("PRAGMA foreign_keys=ON")
        await connection.execute("PRAGMA synchronous=NORMAL")
        await connection.execute("PRAGMA busy_timeout=5000")
        database = cls(connection)
        await database.migrate()
        return database

    async def close(self) -> None:
        await self._connection.close()

    async def schema_version(self) -> int:
        async with self.read() as conn:
            row = await (await conn.execute("PRAGMA user_version")).fetchone()
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
    async def transaction(self) -> AsyncIterator[Connection]:
        """Everything inside commits together or not at all."""
        await asyncio.sleep(0)  # a turn for other tasks first, as a worker thread's hand-off gave
        async with self._lock:
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                await self._connection.execute("ROLLBACK")
                raise
            await self._connection.execute("COMMIT")

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        await asyncio.sleep(0)
        async with self._lock:
            yield self._connection

    async def backup_to(self, target: str | os.PathLike[str]) -> None:
        """A consistent copy while the bot runs (SQLite's online backup API)."""
        _create_private(Path(target))
        async with self._lock:
            await self._connection.backup(target)


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
