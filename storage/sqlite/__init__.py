"""The SQLite backend: one aiosqlite connection, its migrations, all-or-nothing transactions.

All access goes through :meth:`SQLiteDatabase.transaction` (writes) or
:meth:`SQLiteDatabase.read`. Both hold one asyncio lock, so a handler that awaits Telegram
in between can never see, or commit, half of another handler's work on the shared
connection.

aiosqlite runs SQLite in its own worker thread, so a slow disk never stalls the event loop;
each statement is one hop to that thread and back, which is why hot paths keep their
statement count small (see ``benchmarks/README.md``).

SQLite's errors become the storage errors every layer above knows (:func:`_storage_error`):
only this package names ``sqlite3`` or ``aiosqlite``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from importlib import resources
from pathlib import Path

import aiosqlite

from storage import IntegrityError, Params, Row, StorageError, TransientError, UnusableDatabase

BUSY_TIMEOUT_MS = 5000  # how long a statement waits for another process's write lock

# SQLite's names for faults that pass by themselves: another writer, a full disk, a
# failing write. Errors raised by hand (tests) carry only the message.
_TRANSIENT_NAMES = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_FULL", "SQLITE_IOERR")
_TRANSIENT_WORDS = ("database is locked", "database table is locked", "disk is full", "disk i/o error")


def _storage_error(error: sqlite3.Error) -> StorageError:
    """The storage error for one of SQLite's."""
    if isinstance(error, sqlite3.IntegrityError):
        return IntegrityError(str(error))
    name = getattr(error, "sqlite_errorname", None) or ""  # extended names too: SQLITE_IOERR_WRITE
    words = str(error).lower()
    if isinstance(error, sqlite3.OperationalError) and (
        name.startswith(_TRANSIENT_NAMES) or any(word in words for word in _TRANSIENT_WORDS)
    ):
        return TransientError(str(error), disk_full=name == "SQLITE_FULL" or "disk is full" in words)
    return StorageError(str(error))


class SQLiteConnection:
    """:class:`storage.Connection` over aiosqlite; SQLite's placeholders (``?``, ``:name``) are ours."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._after_commit: list[Callable[[], object]] = []

    async def execute(self, sql: str, params: Params = ()) -> int:
        try:
            cursor = await self._connection.execute(sql, params)
        except sqlite3.Error as error:
            raise _storage_error(error) from error
        return cursor.rowcount

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> int:
        try:
            cursor = await self._connection.executemany(sql, rows)
        except sqlite3.Error as error:
            raise _storage_error(error) from error
        return max(cursor.rowcount, 0)

    async def execute_batch(self, sql: str, rows: Iterable[Params]) -> None:
        await self.execute_many(sql, rows)

    async def insert(self, sql: str, params: Params = ()) -> int:
        try:
            cursor = await self._connection.execute(sql, params)
        except sqlite3.Error as error:
            raise _storage_error(error) from error
        return cursor.lastrowid

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        try:
            return list(await self._connection.execute_fetchall(sql, params))
        except sqlite3.Error as error:
            raise _storage_error(error) from error

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """One hop to aiosqlite's thread (``execute`` then ``fetchone`` would be two)."""
        return next(iter(await self.fetch_all(sql, params)), None)

    def after_commit(self, action: Callable[[], object]) -> None:
        self._after_commit.append(action)

    def _committed(self) -> None:
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            action()

    def _rolled_back(self) -> None:
        self._after_commit.clear()


def migration_files() -> list[tuple[int, str, str]]:
    """``(number, name, sql)`` for every migration file shipped with the package, in order."""
    found = []
    for entry in resources.files("storage.sqlite.migrations").iterdir():
        if entry.name.endswith(".sql"):
            number = int(entry.name.split("_", 1)[0])
            found.append((number, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def latest_version() -> int:
    return migration_files()[-1][0]


def stored_version(path: str | os.PathLike[str]) -> int | None:
    """``PRAGMA user_version`` of the database file, opened read-only (no migration); None
    when there is no file yet.

    Raises :class:`UnusableDatabase` when the file is not a readable SQLite database.
    """
    if not Path(path).is_file():
        return None
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return int(connection.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error as error:
        raise UnusableDatabase(str(error)) from error


class SQLiteDatabase:
    """The bot's SQLite database: WAL mode, foreign keys on, migrated on open."""

    shared = False  # one process owns the file (bot/runtime/instance.py)
    send_windows = None  # that process counts its own sends

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._raw = connection
        self._connection = SQLiteConnection(connection)
        self._lock = asyncio.Lock()
        self._claimed: set[str] = set()

    @classmethod
    async def open(cls, path: str | os.PathLike[str]) -> SQLiteDatabase:
        """Open, configure and migrate; :class:`UnusableDatabase` if the file cannot be used."""
        try:
            return await cls._open(path)
        except (sqlite3.Error, OSError) as error:  # corrupt, locked, or its folder not writable
            raise UnusableDatabase(str(error)) from error
        except StorageError as error:  # a migration refused
            raise UnusableDatabase(str(error)) from error

    @classmethod
    async def _open(cls, path: str | os.PathLike[str]) -> SQLiteDatabase:
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
        await self._raw.close()

    async def schema_version(self) -> int:
        async with self.read() as conn:
            row = await conn.fetch_one("PRAGMA user_version")
        return int(row[0])

    async def migrate(self) -> None:
        """Apply each migration newer than ``PRAGMA user_version`` in its own transaction."""
        current = await self.schema_version()
        for number, _name, sql in migration_files():
            if number <= current:
                continue
            async with self.transaction() as conn:
                for statement in _statements(sql):
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA user_version = {number}")

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[SQLiteConnection]:
        async with self._lock:
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
                await self._connection.execute("COMMIT")
            except BaseException:
                # a COMMIT that failed (a full disk) may leave the transaction open
                if self._raw.in_transaction:
                    await self._raw.execute("ROLLBACK")
                self._connection._rolled_back()
                raise
        self._connection._committed()

    @contextlib.asynccontextmanager
    async def one_statement(self) -> AsyncIterator[SQLiteConnection]:
        """SQLite runs a lone statement as its own transaction, all or nothing, so ``BEGIN``
        and ``COMMIT`` would only add two hops to aiosqlite's thread."""
        async with self._lock:
            try:
                yield self._connection
            except BaseException:
                self._connection._rolled_back()
                raise
        self._connection._committed()

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[SQLiteConnection]:
        async with self._lock:
            yield self._connection

    async def continue_ids(self) -> None:
        """SQLite gives a new row the highest id plus one by itself."""

    @contextlib.asynccontextmanager
    async def claim(self, name: str) -> AsyncIterator[bool]:
        """No other process uses the file, so a claim is only this process's: held once at a time."""
        taken = name not in self._claimed
        self._claimed.add(name)
        try:
            yield taken
        finally:
            if taken:
                self._claimed.discard(name)

    async def scrub(self) -> None:
        """Copy the write-ahead log into the main file and empty it (``TRUNCATE``).

        Until then the ``-wal`` file keeps the old pages of every recent change: after a
        member is forgotten, their name would still be there. (``secure_delete`` zeroes
        what is deleted from the main file itself.)
        """
        async with self._lock:
            await self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def backup_to(self, target: str) -> None:
        """SQLite's online backup API."""
        _create_private(Path(target))
        async with self._lock:
            async with aiosqlite.connect(target) as destination:
                await self._raw.backup(destination)


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
