"""One bot per database: a lock file next to it, held for the life of the process.

Two bots on one database would each serve every deadline, so every reminder would be
posted twice. ``fcntl.flock`` is released by the kernel when the process ends, even after
``kill -9``, so a stale lock never keeps the bot from starting again.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from bot.domain.errors import ConfigError


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def only_instance(database: Path) -> Iterator[None]:
    """Hold the database's lock file; a :class:`ConfigError` if another process holds it."""
    if str(database) == ":memory:":
        yield
        return
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
