"""The database each test runs on: a SQLite file in its temporary folder, or, when
``COPROD_TEST_DATABASE`` names a PostgreSQL server, a fresh database on that server.

On PostgreSQL every test gets its own database, copied from a template this process migrated
once (``CREATE DATABASE ... TEMPLATE``, a few hundredths of a second), and dropped after it;
names carry the process id, so two test runs can share one server. The server's own
administration is done from a thread with its own event loop, so fixtures work the same
whether a test's loop is running or not.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest

SERVER = os.environ.get("COPROD_TEST_DATABASE", "")  # e.g. postgresql://coprod@127.0.0.1:5432/postgres

on_postgres = SERVER.startswith(("postgresql://", "postgres://"))
sqlite_only = pytest.mark.skipif(on_postgres, reason="reads or tampers with the SQLite file itself")
one_process_only = pytest.mark.skipif(on_postgres, reason="a rule of a database one process owns (SQLite)")
postgres_only = pytest.mark.skipif(not on_postgres, reason="needs COPROD_TEST_DATABASE (a PostgreSQL server)")


def address_of(server: str, name: str) -> str:
    """The URL of database ``name`` on the server ``server`` names."""
    base, _, rest = server.partition("://")
    location, _, query = rest.partition("?")
    host = location.split("/", 1)[0]
    return f"{base}://{host}/{name}" + (f"?{query}" if query else "")


class _Server:
    """Creates and drops the tests' databases, from a thread of its own."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="test-databases", daemon=True).start()
        self._numbers = itertools.count(1)
        self._template: str | None = None
        self._admin: Any = None

    def _run(self, work: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=120)

    async def _execute(self, sql: str) -> None:
        import asyncpg

        if self._admin is None:
            self._admin = await asyncpg.connect(self._url)
        await self._admin.execute(sql)

    async def _make_template(self) -> str:
        import storage

        name = f"coprod_template_{os.getpid()}"
        await self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await self._execute(f"CREATE DATABASE {name}")
        database = await storage.open_database(address_of(self._url, name))  # migrated
        await database.close()
        return name

    def create(self) -> str:
        """A new, migrated, empty database; its URL."""
        if self._template is None:
            self._template = self._run(self._make_template())
        name = f"coprod_test_{os.getpid()}_{next(self._numbers)}"
        self._run(self._execute(f"CREATE DATABASE {name} TEMPLATE {self._template}"))
        return address_of(self._url, name)

    def drop(self, url: str) -> None:
        name = url.split("?", 1)[0].rsplit("/", 1)[1]
        self._run(self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


_server: _Server | None = None


def fresh_database(tmp_path: Path, name: str = "coprod.sqlite3") -> str | Path:
    """A database for one test: a file name in ``tmp_path``, or a new PostgreSQL database."""
    global _server
    if not on_postgres:
        return tmp_path / name
    if _server is None:
        _server = _Server(SERVER)
    return _server.create()


def drop_database(address: str | Path) -> None:
    if _server is not None and isinstance(address, str):
        _server.drop(address)
