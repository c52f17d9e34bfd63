"""Transient database faults: a busy database or a full disk passes, so the update waits.

python-telegram-bot's ``process_update`` hands a handler's exception to the error handler
and returns normally, so the inbox cannot see that an update failed. The error handler
notes the update here instead (:meth:`DeferredUpdates.defer`), and the inbox asks
(:meth:`DeferredUpdates.take`) before recording the update as applied: a noted update stays
in the durable inbox and is applied again after a pause, instead of being lost.
"""

from __future__ import annotations

from storage import TransientError


def is_transient(error: BaseException | None) -> bool:
    return isinstance(error, TransientError)


def is_disk_full(error: BaseException | None) -> bool:
    """Fetching more would only fail to store it: the inbox stops fetching until a write succeeds."""
    return isinstance(error, TransientError) and error.disk_full


class DeferredUpdates:
    """Update ids whose handling hit a transient fault, with the fault, until the inbox asks."""

    def __init__(self) -> None:
        self._faults: dict[int, BaseException] = {}

    def defer(self, update_id: int, error: BaseException) -> None:
        self._faults[update_id] = error

    def take(self, update_id: int) -> BaseException | None:
        return self._faults.pop(update_id, None)
