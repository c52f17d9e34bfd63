"""Rounds set up straight in storage, for tests of what happens after the ideas stage."""

from __future__ import annotations

import datetime as dt

from bot.domain.deadline_kinds import DeadlineKind, reminder_due
from bot.domain.rounds import Round, fold
from storage import deadlines, groups, rounds, voting

QUESTION = "What should we do with the empty lot?"


async def round_with_ideas(harness, ideas: list[str], *, question: str = QUESTION, anonymous: bool = True) -> Round:
    """A round in the ideas stage holding ``ideas``, its deadline stored as /round would."""
    now = harness.clock.now()
    async with harness.db.transaction() as conn:
        group, _ = await groups.ensure(
            conn, harness.group.id, title=harness.group.title, language="en", timezone="Europe/London", now=now
        )
        await groups.update_settings(conn, group.id, anonymous_votes=int(anonymous))
        created = await rounds.create(
            conn, group_id=group.id, question=question, created_by=None, now=now,
            ideas_ends_at=now + dt.timedelta(days=3), voting_minutes=2 * 24 * 60,
        )  # fmt: skip
        for text in ideas:
            await rounds.add_idea(conn, round_id=created.id, text=text, folded=fold(text), author_id=None, anonymous=True, now=now)
        await deadlines.set_due(
            conn, group_id=group.id, kind=DeadlineKind.IDEAS_END, ref_id=created.id, due_at=created.ideas_ends_at,
            remind_at=reminder_due(now, created.ideas_ends_at),
        )  # fmt: skip
    return created


async def current(harness, round_: Round) -> Round:
    async with harness.db.read() as conn:
        return await rounds.get(conn, round_.id)


async def poll_ids(harness, round_: Round) -> list[str]:
    async with harness.db.read() as conn:
        return [poll.poll_id for poll in await voting.polls(conn, round_.id)]
