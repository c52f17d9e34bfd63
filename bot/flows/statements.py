"""Statements rounds: opening one, a member's votes, and the opinion groups kept up to date.

``/statements`` opens a round straight in voting, seeded with the facilitator's first
statements; members add more while everyone votes in private, one statement at a time
(:mod:`handlers.statements`). Each vote is one transaction that also makes sure the round's
opinion groups are recomputed: the ``opinion_groups`` deadline, due at once for the first
vote and then at most once a minute (:data:`RECOMPUTE_EVERY` after the last computation
began), so a vote that comes in while a computation runs is counted in the next one. The
computation itself runs in a worker thread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.deadline_kinds import DeadlineKind, reminder_due
from bot.domain.decisions import Method
from bot.domain.decisions.opinions import Choice
from bot.domain.decisions.statements import StatementsRound, next_statement
from bot.domain.durations import whole_minutes
from bot.domain.records import Deadline, Group, Source
from bot.domain.rounds import Idea, Kind, Round, Stage, fold, voting_deadline
from bot.flows import site
from bot.flows.decisions.statements import STATEMENTS, compute_map, refresh_message
from bot.runtime import deadlines
from bot.runtime.application import CoprodApplication
from storage import Connection, rounds
from storage import deadlines as stored_deadlines
from storage import statements as stored

RECOMPUTE_EVERY = dt.timedelta(minutes=1)


async def open_statements_round(
    app: CoprodApplication, group: Group, asked: StatementsRound, *, created_by: int | None, source: Source
) -> Round:
    """Open a statements round with its first statements, post its message, plan its end.

    The ``source`` message (the /statements) opens one round: replayed after a crash, it
    posts the message only if the crash came before it was posted."""
    now = app.services.clock.now()
    ends_at = asked.voting_ends_at or voting_deadline(now, group.vote_minutes)
    minutes = whole_minutes(ends_at - now)
    async with app.services.db.transaction() as conn:
        round_ = await rounds.by_source(conn, source)
        created = round_ is None
        if created:
            round_ = await rounds.create(
                conn, group_id=group.id, question=asked.question, created_by=created_by, now=now,
                ideas_ends_at=None, voting_minutes=minutes, voting_ends_at=ends_at, kind=Kind.ROUND,
                method=Method.STATEMENTS, source=source,
            )  # fmt: skip
            for text in asked.statements:
                await rounds.add_idea(conn, round_id=round_.id, text=text, folded=fold(text), author_id=created_by,
                                      anonymous=False, now=now)  # fmt: skip
            await deadlines.plan(app, conn, group_id=group.id, kind=DeadlineKind.VOTING_END, ref_id=round_.id,
                                 due_at=ends_at, remind_at=reminder_due(now, ends_at))  # fmt: skip
    if round_.stage is Stage.VOTING:
        await STATEMENTS.open_vote(app, group, round_, ())
    if created:
        await site.refresh(app, group.id, round_.number)
    return round_


# ------------------------------------------------------------------------ votes


async def cast(app: CoprodApplication, round_: Round, idea_id: int, user_id: int, choice: Choice) -> bool:
    """Store a member's vote (or change it); False if the round has stopped voting or the
    statement is no longer standing. The opinion groups follow within a minute."""
    now = app.services.clock.now()
    async with app.services.db.transaction() as conn:
        first = not await stored.has_voted(conn, round_.id, user_id)
        if not await stored.record_vote(conn, round_id=round_.id, idea_id=idea_id, user_id=user_id, choice=choice,
                                        now=now):  # fmt: skip
            return False
        await _plan_groups(app, conn, round_, now)
    if first:  # one more neighbour in the running count
        app.services.acknowledgements.refresh_later(app, f"prompt:{round_.id}", lambda: refresh_message(app, round_))
    return True


async def _plan_groups(app: CoprodApplication, conn: Connection, round_: Round, now: dt.datetime) -> None:
    """Make sure the groups are recomputed with this vote, at most once a minute: a pending
    computation has not read the votes yet (it claims its deadline first, see
    :func:`groups_due`), so it will count this one."""
    planned = await stored_deadlines.get(conn, DeadlineKind.OPINION_GROUPS, round_.id)
    if planned is not None and planned.done_at is None:
        return
    due = now if planned is None else max(now, planned.done_at + RECOMPUTE_EVERY)
    await deadlines.plan(app, conn, group_id=round_.group_id, kind=DeadlineKind.OPINION_GROUPS, ref_id=round_.id,
                         due_at=due)  # fmt: skip


async def groups_due(app: CoprodApplication, deadline: Deadline) -> None:
    """Recompute a voting round's opinion groups; the count in the group and the page follow.

    The deadline is claimed before the votes are read, so a vote that comes in meanwhile
    plans the next computation instead of being missed."""
    async with app.services.db.transaction() as conn:
        round_ = await rounds.get(conn, deadline.ref_id)
        await stored_deadlines.mark_done(conn, deadline.id, app.services.clock.now(), due_at=deadline.due_at)
    if round_.stage is not Stage.VOTING:
        return  # the close computed the last ones
    async with app.services.db.read() as conn:
        before = (await stored.opinion_map(conn, round_.id)).group_count
    if (await compute_map(app, round_)).group_count != before:  # the running count says how many groups
        app.services.acknowledgements.refresh_later(app, f"prompt:{round_.id}", lambda: refresh_message(app, round_))
    site.refresh_round_soon(app, round_.id)


# ------------------------------------------------------------------------ what a member sees


@dataclass(frozen=True, slots=True)
class Ballot:
    """Where a member is in a round's statements: the one shown (None when they have voted
    on all), their vote on it if they have one, and how many they have voted on."""

    round: Round
    shown: Idea | None
    vote: Choice | None
    voted: int
    standing: int
    has_earlier: bool  # a vote to go back to


async def ballot(app: CoprodApplication, round_: Round, user_id: int, showing: int | None = None) -> Ballot:
    """The member's next statement (fewest votes first), or ``showing`` with their vote on it."""
    async with app.services.db.read() as conn:
        standing = await rounds.ideas(conn, round_.id, standing_only=True)
        mine = await stored.member_votes(conn, round_.id, user_id)
        shown = next((idea for idea in standing if idea.id == showing), None)
        if shown is None:
            shown = next_statement(standing, await stored.vote_counts(conn, round_.id), set(mine))
        earlier = await stored.previous_vote(conn, round_.id, user_id, shown.id if shown else None)
    vote = mine.get(shown.id) if shown else None
    return Ballot(round_, shown, vote, len(mine), len(standing), earlier is not None)


async def earlier_statement(app: CoprodApplication, round_: Round, user_id: int, before: int | None) -> int | None:
    """The statement the member voted on before ``before``: where "back" goes."""
    async with app.services.db.read() as conn:
        return await stored.previous_vote(conn, round_.id, user_id, before)
