"""Storage: what every layer above may know about the database, whichever engine holds it.

The queries live in one module per table group (``storage/rounds.py``, ...), written in the
SQL that every backend speaks; a backend (``storage/sqlite/``) owns the connection, its
migrations and the engine's errors. Above this package nothing names an engine: code takes
a :class:`Connection` inside ``db.transaction()``, ``db.one_statement()`` or ``db.read()``,
and catches :class:`TransientError` (a busy database, a full disk: the update waits) or
:class:`UnusableDatabase` (corrupt, locked by a stranger, unwritable: exit with one line).

Nothing in this package imports ``telegram``; the queries take and return domain records.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

Params = Sequence[Any] | Mapping[str, Any]


class Row(Protocol):
    """A result row: by column name or position (``row["id"]``, ``row[0]``)."""

    def __getitem__(self, key: str | int) -> Any: ...

    def keys(self) -> Iterable[str]: ...


class Connection(Protocol):
    """One connection inside a transaction (or a read). Placeholders are ``?`` or ``:name``."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; how many rows it changed."""

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement once per row of parameters; how many rows changed in all."""

    async def execute_batch(self, sql: str, rows: Iterable[Params]) -> None:
        """:meth:`execute_many` for a caller that needs no count: a server backend sends every
        row in one round trip instead of one each."""

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run one ``INSERT`` into a table with an integer ``id``; the new row's id."""

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query, or None."""

    def after_commit(self, action: Callable[[], object]) -> None:
        """Run ``action`` once what this connection wrote is committed (never if it rolls back):
        a job for a deadline must not exist before its row does."""


class SendWindows(Protocol):
    """Telegram's outbound limits counted where every process serving the database sees them."""

    async def reserve(self, chat: int | str, *, limit: int, period: float, keep_free: int, spacing: float) -> float:
        """Take a slot for one call into ``chat`` now (0.0), or the seconds until one is free."""


class Database(Protocol):
    """The bot's database. Writes are all-or-nothing; reads see only committed work."""

    shared: bool
    """Whether several bot processes may serve this database at once (PostgreSQL; SQLite's
    file belongs to one process)."""

    send_windows: SendWindows | None
    """The outbound limits all processes share, for a shared database; None otherwise."""

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """Everything inside commits together or not at all."""

    def one_statement(self) -> AbstractAsyncContextManager[Connection]:
        """For a change that is ONE writing statement (reads around it are fine): atomic by
        itself, so it spares a ``BEGIN`` and a ``COMMIT``. Anything that writes twice uses
        :meth:`transaction`."""

    def read(self) -> AbstractAsyncContextManager[Connection]: ...

    async def schema_version(self) -> int: ...

    async def scrub(self) -> None:
        """Leave no copy of deleted or overwritten data in the database's files (after a member
        is forgotten)."""

    async def backup_to(self, target: str) -> None:
        """A consistent copy while the bot runs, created owner-only."""

    async def close(self) -> None: ...

    async def continue_ids(self) -> None:
        """After rows were copied in with their ids (:mod:`storage.transfer`): new rows get ids
        after the copied ones."""

    def claim(self, name: str) -> AbstractAsyncContextManager[bool]:
        """Hold ``name`` (a chat's lane, a deadline) against every process using this database
        while inside; it yields False when another holder has it. A process that dies releases
        what it held."""


class StorageError(Exception):
    """The database refused a statement."""


class TransientError(StorageError):
    """A fault that passes by itself (another writer holds the lock, the disk is full, a write
    failed): the update that met it stays in the inbox and is tried again later."""

    def __init__(self, message: str, *, disk_full: bool = False) -> None:
        super().__init__(message)
        self.disk_full = disk_full  # fetching more would only fail to store it


class IntegrityError(StorageError):
    """A constraint refused a write (an append-only table, a duplicate key)."""


class UnusableDatabase(StorageError):
    """The database cannot be used at all (corrupt, locked by another program, unwritable,
    newer than this build): the bot stops with one line instead of retrying."""


def is_server(address: str | os.PathLike[str]) -> bool:
    """Whether ``address`` names a PostgreSQL server (``postgresql://...``) rather than a SQLite file."""
    return str(address).startswith(("postgresql://", "postgres://"))


_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*:/{1,2}[^/:@]*):[^@/]*@")


def shown(address: str | os.PathLike[str]) -> str:
    """``address`` as it may appear in a message or a log line: a URL's password masked, in
    any URL-like text (``scheme://user:password@host``), even one no backend accepts and one a
    file path has folded to ``scheme:/user:password@host``."""
    return _PASSWORD.sub(r"\1:***@", str(address))


async def open_database(address: str | os.PathLike[str]) -> Database:
    """Open (creating and migrating) the database at ``address``: a PostgreSQL URL, a SQLite
    file path, or ``:memory:``. :class:`UnusableDatabase` if it cannot serve the bot."""
    if is_server(address):  # the backend is chosen here and in schema_versions, nowhere else
        from storage import postgres  # asyncpg is needed only by those who choose PostgreSQL

        return await postgres.PostgresDatabase.open(str(address))
    from storage import sqlite

    return await sqlite.SQLiteDatabase.open(address)


def schema_versions(address: str | os.PathLike[str]) -> tuple[int | None, int]:
    """The schema version of the database at ``address`` (None if there is none yet), read
    without migrating it, and the version this build needs. :class:`UnusableDatabase` if it
    cannot be read."""
    if is_server(address):
        from storage import postgres

        return postgres.stored_version(str(address)), postgres.latest_version()
    from storage import sqlite

    return sqlite.stored_version(address), sqlite.latest_version()


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

