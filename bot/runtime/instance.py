"""One bot per SQLite database: a lock file next to it, held for the life of the process.

Two bots on one file would each serve every deadline, so every reminder would be posted
twice. ``fcntl.flock`` is released by the kernel when the process ends, even after
``kill -9``, so a stale lock never keeps the bot from starting again. PostgreSQL is served
by as many processes as the operator starts: they share the work through claims in the
database (``storage.Database.claim``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from bot.domain.errors import ConfigError
from storage import is_server


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def only_instance(database: Path | str) -> Iterator[None]:
    """Hold the database's lock file; a :class:`ConfigError` if another process holds it.

    The rule is SQLite's: one process owns the file. A PostgreSQL database may be served by
    several processes at once, which claim each chat and each deadline in the database
    instead; there only one of them may poll Telegram (:mod:`bot.runtime.updates.polling`).
    """
    if str(database) == ":memory:" or is_server(database):
        yield
        return
    database = Path(database)
    path = lock_path(database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    except OSError as error:
        raise ConfigError(f"COPROD_DB {str(database)!r}: cannot create the lock file {str(path)!r} "
                          f"({error.strerror})") from None  # fmt: skip
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(
                f"another coprod-bot is already running on {str(database)!r} (it holds {str(path)!r})"
            ) from None
        yield
    finally:
        os.close(descriptor)  # closing the only descriptor releases the lock
