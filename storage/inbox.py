"""The inbox of fetched updates and the record of applied ones (tables ``inbox``, ``processed_updates``).

An update is stored raw (its JSON) before Telegram is told it was received, and moves to
``processed_updates`` once the application has handled it. Update ids are Telegram's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from storage import Connection, to_db

_CHUNK = 500


_STORE = """
    INSERT INTO inbox (update_id, payload, received_at, lane)
    SELECT CAST(? AS BIGINT), ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM processed_updates WHERE update_id = ?)
    ON CONFLICT (update_id) DO NOTHING
"""  # the id is cast because a SELECT gives PostgreSQL no column to infer its type from


async def store(conn: Connection, updates: Sequence[tuple[int, str, str]], now: dt.datetime) -> int | None:
    """Keep each ``(update_id, payload, lane)`` not already stored or applied (redeliveries are
    ignored). For one update (a webhook's), whether it was new (1 or 0), as one statement; a
    batch goes in one round trip, and its count is not known (None)."""
    rows = [(update_id, payload, to_db(now), lane, update_id) for update_id, payload, lane in updates]
    if len(rows) == 1:
        return await conn.execute(_STORE, rows[0])
    await conn.execute_batch(_STORE, rows)
    return None


async def waiting_lanes(conn: Connection) -> list[str | None]:
    """The lanes with updates waiting, each once (None for updates stored before lanes were)."""
    rows = await conn.fetch_all("SELECT DISTINCT lane FROM inbox")
    return [row[0] for row in rows]


async def in_lane(conn: Connection, lane: str, limit: int) -> list[tuple[int, str]]:
    """The lane's oldest waiting updates, ``(update_id, payload)``, at most ``limit`` of them."""
    rows = await conn.fetch_all(
        "SELECT update_id, payload FROM inbox WHERE lane = ? ORDER BY update_id LIMIT ?", (lane, limit)
    )
    return [(row[0], row[1]) for row in rows]


async def name_lanes(conn: Connection, lanes: Iterable[tuple[int, str]]) -> None:
    """Give updates stored before lanes were their ``(update_id, lane)``."""
    await conn.execute_many("UPDATE inbox SET lane = ? WHERE update_id = ? AND lane IS NULL",
                            [(lane, update_id) for update_id, lane in lanes])  # fmt: skip


async def waiting(conn: Connection) -> list[int]:
    """Ids of the stored updates not yet applied, oldest first."""
    rows = await conn.fetch_all("SELECT update_id FROM inbox ORDER BY update_id")
    return [row["update_id"] for row in rows]


async def payloads(conn: Connection, update_ids: Sequence[int]) -> dict[int, str]:
    """The stored payloads of ``update_ids`` (a few hundred at a time: SQLite caps parameters)."""
    found: dict[int, str] = {}
    for start in range(0, len(update_ids), _CHUNK):
        chunk = update_ids[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        rows = await conn.fetch_all(f"SELECT update_id, payload FROM inbox WHERE update_id IN ({marks})", chunk)
        found.update((row["update_id"], row["payload"]) for row in rows)
    return found


async def everything_waiting(conn: Connection) -> dict[int, str]:
    """Every stored update not applied yet, with its payload (to take a forgotten member's
    name out of them)."""
    rows = await conn.fetch_all("SELECT update_id, payload FROM inbox ORDER BY update_id")
    return {row["update_id"]: row["payload"] for row in rows}


async def rewrite(conn: Connection, payloads: dict[int, str]) -> None:
    """Store these payloads in place of the updates' stored ones."""
    await conn.execute_batch(
        "UPDATE inbox SET payload = ? WHERE update_id = ?", [(payload, update_id) for update_id, payload in payloads.items()]
    )


async def mark_processed(conn: Connection, update_id: int, now: dt.datetime) -> None:
    """One statement: a trigger (0006) takes the update out of the inbox as it is recorded."""
    await conn.execute(
        "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?) ON CONFLICT (update_id) DO NOTHING",
        (update_id, to_db(now)),
    )


async def is_processed(conn: Connection, update_id: int) -> bool:
    row = await conn.fetch_one("SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,))
    return row is not None


async def highest_processed(conn: Connection) -> int:
    """The highest update id recorded as applied (-1 if none)."""
    row = await conn.fetch_one("SELECT COALESCE(MAX(update_id), -1) FROM processed_updates")
    return int(row[0])


async def forget_processed(conn: Connection, before: dt.datetime) -> None:
    """Drop records of updates applied before ``before``.

    Telegram redelivers only within 24 hours, and after a quiet week it restarts update ids
    at random, so old records protect nothing and could hide a new update.
    """
    await conn.execute("DELETE FROM processed_updates WHERE processed_at < ?", (to_db(before),))
