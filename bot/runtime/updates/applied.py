"""Which updates were applied already: the replay guard's memory of the highest one.

The durable inbox (:mod:`bot.runtime.updates.inbox`) records every applied update in
``processed_updates``; this keeps the guard in front of the handlers from reading that
table for the update ids that are plainly new.
"""

from __future__ import annotations

from storage import Database
from storage import inbox as stored


class AppliedUpdates:
    """The highest update id recorded as applied, so the guard asks the database only
    about ids at or below it.

    Telegram's update ids increase, so a new update is above it and costs no read; a
    redelivery, or ids restarted lower after a quiet week, are checked in
    ``processed_updates`` as before. On a database only this process uses, only it records
    updates as applied (:meth:`Inbox._apply` calls :meth:`recorded`), and records are only
    ever deleted, so the ceiling, read once from the database, never misses one; when
    replicas share the database (:attr:`shared`) it is asked every time.

    Chats are applied side by side, so an update waiting in its chat's lane is often below
    the ceiling; the inbox names those (:meth:`queued`): they are in the inbox table, which
    holds only updates not applied yet, so they too are answered without a read.
    """

    def __init__(self, *, shared: bool = False) -> None:
        self.shared = shared  # other processes apply updates too (set by the inbox)
        self._ceiling: int | None = None
        self._queued: set[int] = set()

    def queued(self, update_id: int) -> None:
        """The inbox holds ``update_id``, stored and not applied yet."""
        self._queued.add(update_id)

    async def includes(self, db: Database, update_id: int) -> bool:
        """Whether ``update_id`` was recorded as applied (a new or queued id is answered without a read)."""
        if update_id in self._queued:
            return False
        if self.shared:  # other processes record updates too: the ceiling could be stale
            async with db.read() as conn:
                return await stored.is_processed(conn, update_id)
        if self._ceiling is None:
            async with db.read() as conn:
                self._ceiling = await stored.highest_processed(conn)
        if update_id > self._ceiling:
            return False
        async with db.read() as conn:
            return await stored.is_processed(conn, update_id)

    def recorded(self, update_id: int) -> None:
        """After the transaction recording ``update_id`` as applied committed."""
        self._queued.discard(update_id)
        if self._ceiling is not None:
            self._ceiling = max(self._ceiling, update_id)
