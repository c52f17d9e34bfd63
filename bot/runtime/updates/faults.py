"""Transient database faults: a busy database or a full disk passes, so the update waits.

python-telegram-bot's ``process_update`` hands a handler's exception to the error handler
and returns normally, so the inbox cannot see that an update failed. The error handler
notes the update here instead (:meth:`DeferredUpdates.defer`), and the inbox asks
(:meth:`DeferredUpdates.take`) before recording the update as applied: a noted update stays
in the durable inbox and is applied again after a pause, instead of being lost.
"""

from __future__ import annotations

import sqlite3

# SQLite's names for faults that pass by themselves: another writer, a full disk, a
# failing write. Errors raised by hand (tests) carry only the message.
_TRANSIENT_NAMES = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_FULL", "SQLITE_IOERR")
_TRANSIENT_WORDS = ("database is locked", "database table is locked", "disk is full", "disk i/o error")


def is_transient(error: BaseException | None) -> bool:
    if not isinstance(error, sqlite3.OperationalError):
        return False
    name = getattr(error, "sqlite_errorname", None) or ""  # extended names too: SQLITE_IOERR_WRITE
    return name.startswith(_TRANSIENT_NAMES) or any(words in str(error).lower() for words in _TRANSIENT_WORDS)


def is_disk_full(error: BaseException | None) -> bool:
    """Fetching more would only fail to store it: the inbox stops fetching until a write succeeds."""
    name = getattr(error, "sqlite_errorname", None)
    return is_transient(error) and (name == "SQLITE_FULL" or "disk is full" in str(error).lower())


class DeferredUpdates:
    """Update ids whose handling hit a transient fault, with the fault, until the inbox asks."""

    def __init__(self) -> None:
        self._faults: dict[int, BaseException] = {}

    def defer(self, update_id: int, error: BaseException) -> None:
        self._faults[update_id] = error

    def take(self, update_id: int) -> BaseException | None:
        return self._faults.pop(update_id, None)
