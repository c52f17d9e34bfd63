"""The PostgreSQL backend (``COPROD_DB=postgresql://...``): asyncpg pools, its migrations, claims
held against other processes, and the sends every process shares.

The queries above this package are written once, in SQL both engines speak; the
:class:`PostgresConnection` adapter gives them what SQLite would: ``?`` and ``:name``
placeholders (:mod:`storage.postgres.placeholders`), values of the parameter's type (an ``int``
where text is compared, as SQLite's affinity converts it), booleans and sums back as integers,
and the number of rows a statement changed.

Writes in one process take turns, as they do on SQLite's single connection, so what a flow
reads inside its transaction holds until it commits as far as this process is concerned;
reads run beside them on a pool of their own. Several processes may serve one PostgreSQL
database (:attr:`PostgresDatabase.shared`): each chat's updates and each deadline are claimed
with an advisory lock (:meth:`PostgresDatabase.claim`), released by the server when the
process holding it dies, and Telegram's limits are counted in the database
(:mod:`storage.postgres.sends`).

PostgreSQL's errors become the storage errors every layer above knows (:func:`_storage_error`):
only this package names ``asyncpg``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import decimal
import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable, Iterable
from importlib import resources
from typing import Any

import asyncpg

from storage import IntegrityError, Params, Row, StorageError, TransientError, UnusableDatabase
from storage.postgres import placeholders
from storage.postgres.sends import SharedSendWindows

SCHEMES = ("postgresql://", "postgres://")
MIGRATION_LOCK = 0x636F70726F64  # the advisory lock a migrating process holds ("coprod")
WRITERS, READERS = 3, 4  # connections in each pool of one process (writes take turns; sends reserve beside them)
STATEMENT_CACHE = 1024  # prepared statements kept per connection (the bot has a few hundred)
UNIQUE_RETRIES = 2  # a lone statement that lost a race for a number is run again this often

# Faults that pass by themselves: a dropped or refused connection, a server starting or
# shutting down, a full disk, lock or statement time-outs, a deadlock chosen to lose.
_TRANSIENT_STATES = ("08", "53", "57P", "40P01", "40001", "55P03", "57014")


def is_address(address: object) -> bool:
    return str(address).startswith(SCHEMES)


def _storage_error(error: BaseException) -> StorageError:
    """The storage error for one of asyncpg's (or a dropped connection's)."""
    state = getattr(error, "sqlstate", None) or ""
    if isinstance(error, asyncpg.IntegrityConstraintViolationError):
        return IntegrityError(str(error))
    if isinstance(error, (OSError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError)) or state.startswith(
        _TRANSIENT_STATES
    ):
        return TransientError(str(error) or type(error).__name__, disk_full=state == "53100")
    return StorageError(str(error))


_DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)


def _number(text: str) -> int | float:
    """``numeric`` (what ``SUM`` of integers gives) as SQLite gives it: an int when whole."""
    value = decimal.Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


async def _configure(connection: asyncpg.Connection) -> None:
    """Booleans come back as 0/1 and whole numbers as ints, as SQLite returns them."""
    await connection.set_type_codec(
        "bool", schema="pg_catalog", format="text",
        encoder=lambda value: "t" if value else "f", decoder=lambda text: int(text == "t"),
    )  # fmt: skip
    await connection.set_type_codec(
        "numeric", schema="pg_catalog", format="text", encoder=str, decoder=_number
    )


async def _kept_as_it_is(connection: asyncpg.Connection) -> None:
    """A connection goes back to its pool as it is: nothing here leaves session state behind
    (no ``LISTEN``, no session locks, no ``SET``), and asyncpg's reset would cost a round trip
    on every release, a third of the time of a short write."""


_INTEGERS = frozenset({"int2", "int4", "int8"})
_TEXTS = frozenset({"text", "varchar", "bpchar", "name"})


def _coerced(value: Any, type_name: str) -> Any:
    """``value`` as the parameter's type, the way SQLite's column affinity converts it.

    PostgreSQL's text cannot hold U+0000, which SQLite's can: it becomes U+FFFD (what a
    member pasted keeps its length; an id containing it finds nothing, as it would not have).
    """
    if value is None:
        return None
    if type_name in _INTEGERS and isinstance(value, (bool, str)):
        return int(value)
    if type_name in _TEXTS and not isinstance(value, str):
        value = str(value)
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    if type_name == "float8" and isinstance(value, int):
        return float(value)
    return value


class PostgresConnection:
    """:class:`storage.Connection` over one asyncpg connection."""

    def __init__(self, connection: asyncpg.Connection, types: dict[str, tuple[str, ...]], *, lone: bool) -> None:
        self._connection = connection
        self._types = types  # parameter types of each translated statement, shared by a database's connections
        self._lone = lone  # autocommit: a statement that lost a race may simply run again
        self._after_commit: list[Callable[[], object]] = []

    async def _arguments(self, sql: str, params: Params) -> tuple[str, list[Any]]:
        statement, names = placeholders.translate(sql)
        values = self._ordered(params, names)
        if values:
            types = self._types.get(statement)
            if types is None:
                prepared = await self._connection.prepare(statement)
                types = self._types[statement] = tuple(kind.name for kind in prepared.get_parameters())
            values = [_coerced(value, kind) for value, kind in zip(values, types, strict=True)]
        return statement, values

    async def _run(self, call: Callable[..., Any], sql: str, params: Params) -> Any:
        for attempt in range(UNIQUE_RETRIES + 1):
            try:
                statement, values = await self._arguments(sql, params)
                return await call(statement, *values)
            except asyncpg.UniqueViolationError as error:
                if not self._lone or attempt == UNIQUE_RETRIES:
                    raise _storage_error(error) from error
            except _DRIVER_ERRORS as error:
                raise _storage_error(error) from error
        raise AssertionError("unreachable")

    async def execute(self, sql: str, params: Params = ()) -> int:
        status = await self._run(self._connection.execute, sql, params)
        return _changed(status)

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> int:
        return sum([await self.execute(sql, row) for row in rows])

    async def execute_batch(self, sql: str, rows: Iterable[Params]) -> None:
        """asyncpg's ``executemany``: every row in one pipeline."""
        batch = list(rows)
        if not batch:
            return
        statement, names = placeholders.translate(sql)
        try:
            await self._arguments(sql, batch[0])  # learns the parameters' types
        except _DRIVER_ERRORS as error:
            raise _storage_error(error) from error
        types = self._types.get(statement, ())
        arguments = [[_coerced(value, kind) for value, kind in zip(self._ordered(row, names), types, strict=True)]
                     for row in batch]  # fmt: skip
        try:
            await self._connection.executemany(statement, arguments)
        except _DRIVER_ERRORS as error:
            raise _storage_error(error) from error

    @staticmethod
    def _ordered(params: Params, names: tuple[str, ...]) -> list[Any]:
        return [params[name] for name in names] if names else list(params)  # type: ignore[index]

    async def insert(self, sql: str, params: Params = ()) -> int:
        return await self._run(self._connection.fetchval, sql + " RETURNING id", params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._run(self._connection.fetch, sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        return await self._run(self._connection.fetchrow, sql, params)

    def after_commit(self, action: Callable[[], object]) -> None:
        self._after_commit.append(action)

    def _committed(self) -> None:
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            action()


def _changed(status: str) -> int:
    """Rows a statement changed, from its command tag (``UPDATE 3``, ``INSERT 0 1``)."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def migration_files() -> list[tuple[int, str, str]]:
    """``(number, name, sql)`` of PostgreSQL's migrations, in order; numbered as SQLite's."""
    found = []
    for entry in resources.files("storage.postgres.migrations").iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def latest_version() -> int:
    return migration_files()[-1][0]


_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS coprod_schema (version INTEGER NOT NULL)"


async def _stored_version(address: str) -> int | None:
    try:
        connection = await asyncpg.connect(address, timeout=10)
    except (*_DRIVER_ERRORS, TimeoutError) as error:
        raise UnusableDatabase(f"cannot connect ({error})") from error
    try:
        if await connection.fetchval("SELECT to_regclass('coprod_schema')") is None:
            return None
        return await connection.fetchval("SELECT max(version) FROM coprod_schema")
    except _DRIVER_ERRORS as error:
        raise UnusableDatabase(str(error)) from error
    finally:
        await connection.close()


def stored_version(address: str) -> int | None:
    """The schema version of the database at ``address`` (None before the bot first started
    on it), read without migrating it. Callable from inside an event loop too: it runs in a
    thread of its own."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, _stored_version(address)).result()


class PostgresDatabase:
    """The bot's PostgreSQL database, migrated on open under an advisory lock."""

    shared = True  # several bot processes may serve it at once

    def __init__(self, address: str, writers: asyncpg.Pool, readers: asyncpg.Pool, claims: asyncpg.Connection) -> None:
        self._address = address
        self._writers, self._readers = writers, readers
        self._claims_connection = claims
        self._types: dict[str, tuple[str, ...]] = {}
        self._write_turn = asyncio.Lock()
        self._claims_turn = asyncio.Lock()
        self._claimed: set[str] = set()
        self.send_windows = SharedSendWindows(self.read, self._lone)

    @classmethod
    async def open(cls, address: str) -> PostgresDatabase:
        """Connect, configure and migrate; :class:`UnusableDatabase` if the server cannot be used."""
        pools: list[Any] = []
        try:
            for size in (WRITERS, READERS):
                pools.append(await asyncpg.create_pool(
                    address, min_size=1, max_size=size, init=_configure, timeout=10,
                    statement_cache_size=STATEMENT_CACHE, reset=_kept_as_it_is,
                ))  # fmt: skip
            pools.append(await asyncpg.connect(address, timeout=10))
            database = cls(address, *pools)
            await database.migrate()
        except (*_DRIVER_ERRORS, TimeoutError, StorageError) as error:
            for pool in pools:
                await pool.close()
            raise UnusableDatabase(str(error) or type(error).__name__) from error
        return database

    async def close(self) -> None:
        await self._claims_connection.close()
        await self._readers.close()
        await self._writers.close()

    async def schema_version(self) -> int:
        async with self.read() as conn:
            row = await conn.fetch_one("SELECT max(version) FROM coprod_schema")
        return int(row[0])

    async def migrate(self) -> None:
        """Apply each migration newer than the stored version, each in its own transaction,
        while holding the migration lock: replicas starting together migrate once."""
        async with self._writers.acquire() as connection:
            await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                await connection.execute(_VERSION_TABLE)
                current = await connection.fetchval("SELECT coalesce(max(version), 0) FROM coprod_schema")
                for number, name, sql in migration_files():
                    if number <= current:
                        continue
                    if current < number - 1 and name.split("_", 1)[1] != "baseline.sql":
                        raise UnusableDatabase(f"migration {name} needs version {number - 1}, the database is {current}")
                    async with connection.transaction():
                        await connection.execute(sql)
                        await connection.execute("DELETE FROM coprod_schema")
                        await connection.execute("INSERT INTO coprod_schema (version) VALUES ($1)", number)
                    current = number
            finally:
                await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresConnection]:
        async with self._write_turn, self._writers.acquire() as raw:
            conn = PostgresConnection(raw, self._types, lone=False)
            try:
                async with raw.transaction():
                    yield conn
            except _DRIVER_ERRORS as error:  # the COMMIT itself failed
                raise _storage_error(error) from error
        conn._committed()

    @contextlib.asynccontextmanager
    async def one_statement(self) -> AsyncIterator[PostgresConnection]:
        """A lone statement commits by itself (autocommit), sparing ``BEGIN`` and ``COMMIT``."""
        async with self._write_turn, self._writers.acquire() as raw:
            conn = PostgresConnection(raw, self._types, lone=True)
            yield conn
        conn._committed()

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[PostgresConnection]:
        try:
            raw = await self._readers.acquire()
        except _DRIVER_ERRORS as error:
            raise _storage_error(error) from error
        try:
            yield PostgresConnection(raw, self._types, lone=True)
        finally:
            await self._readers.release(raw)

    @contextlib.asynccontextmanager
    async def _lone(self) -> AsyncIterator[PostgresConnection]:
        """A writing connection outside the turns of this process's transactions, for a lone
        statement that serializes itself (the shared sends' reservation)."""
        try:
            raw = await self._writers.acquire()
        except _DRIVER_ERRORS as error:
            raise _storage_error(error) from error
        try:
            yield PostgresConnection(raw, self._types, lone=True)
        finally:
            await self._writers.release(raw)

    async def continue_ids(self) -> None:
        """Move each identity column's sequence past the highest id copied in."""
        async with self._write_turn, self._writers.acquire() as raw:
            try:
                tables = await raw.fetch(
                    "SELECT table_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'"
                )
                for (table,) in tables:
                    await raw.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - catalog names
                        f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                    )
            except _DRIVER_ERRORS as error:
                raise _storage_error(error) from error

    @contextlib.asynccontextmanager
    async def claim(self, name: str) -> AsyncIterator[bool]:
        """Hold ``name`` against every process on this database while inside; False if another
        holds it (or this process already does). The server releases it if this process dies."""
        taken = await self._try_claim(name)
        try:
            yield taken
        finally:
            if taken:
                await self._release(name)

    async def _try_claim(self, name: str) -> bool:
        if name in self._claimed:
            return False
        self._claimed.add(name)  # before the await: a second task of this process is refused at once
        try:
            async with self._claims_turn:
                taken = await self._claims_connection.fetchval(
                    "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", name
                )
        except _DRIVER_ERRORS as error:
            self._claimed.discard(name)
            raise _storage_error(error) from error
        if not taken:
            self._claimed.discard(name)
        return bool(taken)

    async def _release(self, name: str) -> None:
        try:
            async with self._claims_turn:
                await self._claims_connection.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", name)
        except _DRIVER_ERRORS as error:  # the connection is gone, and with it every claim it held
            raise _storage_error(error) from error
        finally:
            self._claimed.discard(name)

    async def scrub(self) -> None:
        """Rewrite the tables a forgotten member's details lived in (their row, and the raw
        copies of their updates still waiting), so the old row versions leave the data files
        (``VACUUM FULL``). The write-ahead log and any backup keep
        them until they are recycled: see the operators' guide."""
        async with self._write_turn, self._writers.acquire() as raw:
            try:
                await raw.execute("VACUUM (FULL) members, inbox")
            except _DRIVER_ERRORS as error:
                raise _storage_error(error) from error

    async def backup_to(self, target: str) -> None:
        """``pg_dump`` in its custom format (restore with ``pg_restore``), created owner-only."""
        dump = shutil.which("pg_dump")
        if dump is None:
            raise UnusableDatabase("pg_dump is not installed (Debian: apt-get install postgresql-client)")
        descriptor = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(descriptor)
        process = await asyncio.create_subprocess_exec(
            dump, "--format=custom", f"--file={target}", self._address,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        _out, errors = await process.communicate()
        if process.returncode != 0:
            raise UnusableDatabase(f"pg_dump failed: {errors.decode(errors='replace').strip()}")
