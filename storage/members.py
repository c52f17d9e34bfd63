"""Members (Telegram users the bot has seen) and which groups they take part in."""

from __future__ import annotations

import datetime as dt

from bot.domain.records import Member
from storage import Connection, Row, to_db


def _member(row: Row) -> Member:
    return Member(
        user_id=row["user_id"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        username=row["username"],
        language_code=row["language_code"],
        language_override=row["language_override"],
        hidden=bool(row["hidden"]),
        forgotten=row["forgotten_at"] is not None,
        reachable=row["private_since"] is not None and row["unreachable_since"] is None,
        notices=bool(row["notices"]),
    )


SEEN_PRECISION = dt.timedelta(hours=1)  # how stale ``members.last_seen_at`` may be


class Sightings:
    """What :func:`seen` last wrote in this process, so an update from a member whose name
    and language are unchanged writes nothing.

    The database stays the source of truth: this only spares rewriting identical rows (a
    write transaction on every update). ``last_seen_at`` is refreshed at most once per
    :data:`SEEN_PRECISION`. A forgotten member's row is never rewritten anyway (see
    :func:`seen`), no membership is ever deleted, and a departure is told here
    (:meth:`departed`) so the member's next update writes their membership again; so
    nothing here can go stale in a way that loses a write.
    """

    def __init__(self) -> None:
        self._members: dict[int, tuple[tuple[object, ...], dt.datetime]] = {}
        self._memberships: set[tuple[int, int]] = set()

    def unchanged(self, user_id: int, profile: tuple[object, ...], group_id: int | None, now: dt.datetime) -> bool:
        """True if :func:`seen` would write nothing worth writing."""
        last = self._members.get(user_id)
        if last is None or last[0] != profile or now - last[1] >= SEEN_PRECISION:
            return False
        return group_id is None or (group_id, user_id) in self._memberships

    def written(self, user_id: int, profile: tuple[object, ...], group_id: int | None, now: dt.datetime) -> None:
        """Call once the transaction that ran :func:`seen` has committed."""
        self._members[user_id] = (profile, now)
        if group_id is not None:
            self._memberships.add((group_id, user_id))

    def departed(self, group_id: int, user_id: int) -> None:
        """The member left the group (recorded by :func:`departed`): taking part again rewrites it."""
        self._memberships.discard((group_id, user_id))


async def seen(
    conn: Connection,
    *,
    user_id: int,
    first_name: str,
    last_name: str | None,
    username: str | None,
    language_code: str | None,
    now: dt.datetime,
    group_id: int | None = None,
) -> None:
    """Record (or refresh) a member, unless they asked to be forgotten.

    A username belongs to the member most recently seen with it: Telegram lets one be given
    up and taken by someone else, and ``/thank @name`` must not pay its former holder, so it
    is cleared from anyone else who still has it here.
    """
    if username is not None:
        await conn.execute(
            "UPDATE members SET username = NULL WHERE lower(username) = lower(?) AND user_id != ?",
            (username, user_id),
        )
    await conn.execute(
        """
        INSERT INTO members (user_id, first_name, last_name, username, language_code,
                             first_seen_at, last_seen_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET
            first_name = excluded.first_name, last_name = excluded.last_name,
            username = excluded.username, language_code = excluded.language_code,
            last_seen_at = excluded.last_seen_at
        WHERE members.forgotten_at IS NULL
        """,
        (user_id, first_name, last_name, username, language_code, to_db(now), to_db(now)),
    )
    if group_id is not None:
        await conn.execute(
            "INSERT INTO group_members (group_id, user_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (group_id, user_id) DO UPDATE SET last_seen_at = excluded.last_seen_at, left_at = NULL",
            (group_id, user_id, to_db(now), to_db(now)),
        )


async def get(conn: Connection, user_id: int) -> Member | None:
    row = await conn.fetch_one("SELECT * FROM members WHERE user_id = ?", (user_id,))
    return _member(row) if row else None


async def by_username(conn: Connection, username: str) -> Member | None:
    row = await conn.fetch_one("SELECT * FROM members WHERE lower(username) = lower(?) AND forgotten_at IS NULL "
        "ORDER BY last_seen_at DESC LIMIT 1",
        (username.lstrip("@"),),
    )
    return _member(row) if row else None


async def set_language(conn: Connection, user_id: int, language: str | None) -> None:
    await conn.execute(
        "UPDATE members SET language_override = ? WHERE user_id = ?", (language, user_id)
    )


async def names(conn: Connection, user_ids: set[int]) -> dict[int, Member]:
    if not user_ids:
        return {}
    marks = ",".join("?" * len(user_ids))
    rows = await conn.fetch_all(
        f"SELECT * FROM members WHERE user_id IN ({marks})",  # noqa: S608 - placeholders only
        tuple(user_ids),
    )
    return {row["user_id"]: _member(row) for row in rows}


async def set_hidden(conn: Connection, user_id: int, hidden: bool) -> None:
    """Hide (or show again) the member's name in summaries and the ledger."""
    await conn.execute("UPDATE members SET hidden = ? WHERE user_id = ?", (int(hidden), user_id))


async def forget(conn: Connection, user_id: int, now: dt.datetime) -> bool:
    """Remove the member's name and personal details for good; False if already forgotten.

    The row itself stays, as "a former member", so their ideas and ledger entries keep
    every other balance and every round result unchanged.
    """
    changed = await conn.execute(
        """
        UPDATE members SET first_name = '', last_name = NULL, username = NULL,
                           language_code = NULL, language_override = NULL, forgotten_at = ?
        WHERE user_id = ? AND forgotten_at IS NULL
        """,
        (to_db(now), user_id),
    )
    return changed == 1


CURRENT = "group_members.left_at IS NULL"  # a member of the group now, not one who left it


async def belongs(conn: Connection, group_id: int, user_id: int) -> bool:
    """Whether the member is in the group now, as far as the bot knows."""
    return await conn.fetch_one(
        "SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ? AND left_at IS NULL", (group_id, user_id)
    ) is not None


async def joined(conn: Connection, group_id: int, user_id: int, now: dt.datetime) -> None:
    """Record that a known member belongs to a group (Telegram said so, before they posted,
    or after they left): a member again."""
    await conn.execute(
        "INSERT INTO group_members (group_id, user_id, first_seen_at) VALUES (?, ?, ?) "
        "ON CONFLICT (group_id, user_id) DO UPDATE SET left_at = NULL",
        (group_id, user_id, to_db(now)),
    )


async def current_in(conn: Connection, group_id: int, user_ids: set[int]) -> set[int]:
    """Which of ``user_ids`` are members of the group now."""
    if not user_ids:
        return set()
    marks = ",".join("?" * len(user_ids))
    rows = await conn.fetch_all(
        f"SELECT user_id FROM group_members WHERE group_id = ? AND left_at IS NULL AND user_id IN ({marks})",  # noqa: S608
        (group_id, *user_ids),
    )
    return {row["user_id"] for row in rows}


async def came_back(conn: Connection, group_id: int, user_id: int) -> None:
    """A member who had left the group is in it again."""
    await conn.execute(
        "UPDATE group_members SET left_at = NULL WHERE group_id = ? AND user_id = ? AND left_at IS NOT NULL",
        (group_id, user_id),
    )


async def departed(conn: Connection, group_id: int, user_id: int, now: dt.datetime) -> None:
    """Record that a member left the group (or was removed, or Telegram no longer finds them
    in it); an earlier departure keeps its time. Someone never seen there gets no row."""
    await conn.execute(
        "UPDATE group_members SET left_at = ? WHERE group_id = ? AND user_id = ? AND left_at IS NULL",
        (to_db(now), group_id, user_id),
    )


async def group_ids(conn: Connection, user_id: int) -> list[int]:
    """The groups the member has been seen in, oldest first, those they left included (their
    name is on those groups' pages too)."""
    rows = await conn.fetch_all(
        "SELECT group_id FROM group_members WHERE user_id = ? ORDER BY first_seen_at, group_id",
        (user_id,),
    )
    return [row["group_id"] for row in rows]


async def current_group_ids(conn: Connection, user_id: int) -> list[int]:
    """The groups the member is in now, oldest first: the only ones whose content they read privately."""
    rows = await conn.fetch_all(
        "SELECT group_id FROM group_members WHERE user_id = ? AND left_at IS NULL ORDER BY first_seen_at, group_id",
        (user_id,),
    )
    return [row["group_id"] for row in rows]
