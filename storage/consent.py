"""Consent proposals: their terms, each member's position and reason, and the frozen verdict.

A position is one row per member and proposal, replaced when the member changes it (a
changed position drops the reason given for the old one). Writes are absolute ("this
member now agrees"), so a pressed button applied again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.decisions import Position, Verdict
from bot.domain.decisions.consent import Stance
from storage import Connection, Row, from_db, to_db


@dataclass(frozen=True, slots=True)
class ConsentTerms:
    """What a proposal was put to the group with, and (once closed) what it decided."""

    round_id: int
    quorum: int
    quorum_setting: str
    active_members: int
    amends: int | None
    counts: dict[Position, int] | None  # frozen at the close
    verdict: Verdict | None


def _terms(row: Row) -> ConsentTerms:
    frozen = row["verdict"] is not None
    counts = {Position.AGREE: row["agree"], Position.ABSTAIN: row["abstain"], Position.DISAGREE: row["disagree"],
              Position.BLOCK: row["block"]} if frozen else None  # fmt: skip
    return ConsentTerms(row["round_id"], row["quorum"], row["quorum_setting"], row["active_members"], row["amends"],
                        counts, Verdict(row["verdict"]) if frozen else None)  # fmt: skip


def _stance(row: Row) -> Stance:
    return Stance(row["user_id"], Position(row["position"]), row["reason"], from_db(row["changed_at"]))


async def create(
    conn: Connection, round_id: int, *, quorum: int, setting: str, active: int, amends: int | None
) -> None:
    await conn.execute(
        "INSERT INTO consent_rounds (round_id, quorum, quorum_setting, active_members, amends) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (round_id) DO NOTHING",
        (round_id, quorum, setting, active, amends),
    )


async def terms(conn: Connection, round_id: int) -> ConsentTerms:
    return _terms(await conn.fetch_one("SELECT * FROM consent_rounds WHERE round_id = ?", (round_id,)))


async def active_members(conn: Connection, group_id: int, since: dt.datetime) -> int:
    """Members seen in the group since ``since`` (a quorum's share is of these)."""
    row = await conn.fetch_one(
        "SELECT COUNT(*) FROM group_members WHERE group_id = ? AND last_seen_at >= ?", (group_id, to_db(since))
    )
    return row[0]


async def take_position(
    conn: Connection, round_id: int, user_id: int, position: Position, *, now: dt.datetime, ask_reason: bool
) -> bool:
    """The member's position from now on; True if it is new or changed (the same one again
    keeps its reason). ``ask_reason``: the member is asked privately for a reason."""
    previous = await conn.fetch_one(
        "SELECT position FROM consent_positions WHERE round_id = ? AND user_id = ?", (round_id, user_id)
    )
    if previous is not None and previous["position"] == position.value:
        return False
    await conn.execute(
        """
        INSERT INTO consent_positions (round_id, user_id, position, reason_asked, changed_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (round_id, user_id) DO UPDATE SET position = excluded.position, reason = NULL, reason_at = NULL,
            reason_asked = excluded.reason_asked, changed_at = excluded.changed_at
        """,
        (round_id, user_id, position.value, int(ask_reason), to_db(now)),
    )
    if ask_reason:  # one question waits at a time: the newest
        await conn.execute(
            "UPDATE consent_positions SET reason_asked = 0 WHERE user_id = ? AND round_id != ? AND reason_asked = 1",
            (user_id, round_id),
        )
    return True


async def give_reason(conn: Connection, round_id: int, user_id: int, reason: str, now: dt.datetime) -> bool:
    """The reason for the member's position; False if they have taken none."""
    changed = await conn.execute(
        "UPDATE consent_positions SET reason = ?, reason_at = ?, reason_asked = 0 WHERE round_id = ? AND user_id = ?",
        (reason, to_db(now), round_id, user_id),
    )
    return changed == 1


async def reason_awaited(conn: Connection, user_id: int) -> int | None:
    """The proposal (round id) whose reason the member was asked for privately and has not given."""
    row = await conn.fetch_one(
        "SELECT consent_positions.round_id FROM consent_positions JOIN rounds ON rounds.id = consent_positions.round_id "
        "WHERE consent_positions.user_id = ? AND consent_positions.reason_asked = 1 AND rounds.stage = 'voting'",
        (user_id,),
    )
    return row[0] if row else None


async def stance(conn: Connection, round_id: int, user_id: int) -> Stance | None:
    row = await conn.fetch_one("SELECT * FROM consent_positions WHERE round_id = ? AND user_id = ?", (round_id, user_id))
    return _stance(row) if row else None


async def stances(conn: Connection, round_id: int) -> list[Stance]:
    """Every member's position, the most recently given reason first."""
    rows = await conn.fetch_all(
        "SELECT * FROM consent_positions WHERE round_id = ? "
        "ORDER BY reason_at IS NULL, reason_at DESC, changed_at DESC, user_id",
        (round_id,),
    )
    return [_stance(row) for row in rows]


async def taking_part(conn: Connection, round_id: int) -> int:
    row = await conn.fetch_one("SELECT COUNT(*) FROM consent_positions WHERE round_id = ?", (round_id,))
    return row[0]


async def freeze(conn: Connection, round_id: int, counts: dict[Position, int], verdict: Verdict) -> None:
    """Keep the counts and the verdict as published: the close's, whatever changes later."""
    await conn.execute(
        "UPDATE consent_rounds SET agree = ?, abstain = ?, disagree = ?, block = ?, verdict = ? "
        "WHERE round_id = ? AND verdict IS NULL",
        (counts[Position.AGREE], counts[Position.ABSTAIN], counts[Position.DISAGREE], counts[Position.BLOCK],
         verdict.value, round_id),
    )  # fmt: skip


async def group_positions(conn: Connection, group_id: int) -> list[Row]:
    """Every position taken in the group's proposals, for the export."""
    return await conn.fetch_all(
        "SELECT rounds.number AS round, consent_positions.* FROM consent_positions "
        "JOIN rounds ON rounds.id = consent_positions.round_id WHERE rounds.group_id = ? "
        "ORDER BY rounds.number, consent_positions.changed_at, consent_positions.user_id",
        (group_id,),
    )


async def reasons_open_by(conn: Connection, user_id: int) -> list[int]:
    """Open proposals (round ids) whose message shows a reason the member gave."""
    rows = await conn.fetch_all(
        "SELECT consent_positions.round_id FROM consent_positions JOIN rounds ON rounds.id = consent_positions.round_id "
        "WHERE consent_positions.user_id = ? AND consent_positions.reason IS NOT NULL AND rounds.stage = 'voting' "
        "ORDER BY consent_positions.round_id",
        (user_id,),
    )
    return [row[0] for row in rows]
