"""An outcome update in the group, and the reminder when its next update falls due.

Each ``/outcome`` appends one update, moves (or ends) the review deadline in the same
transaction, announces it in the group and queues a private notice for everyone who took
part in the round (:mod:`bot.flows.notices`). The review reminder is a deadline row, so a
restart neither loses nor repeats it.
"""

from __future__ import annotations

import datetime as dt

from bot.domain import i18n
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.outcomes import (
    Outcome,
    OutcomeStatus,
    OutcomeUpdate,
    corrected,
    next_status,
    review_due,
    status_text,
)
from bot.domain.records import Deadline, Group, Source
from bot.domain.rounds import Round
from bot.runtime import deadlines
from bot.runtime.application import CoprodApplication
from storage import Connection, groups, outcomes, rounds, voting
from storage import deadlines as stored_deadlines


def status_of(outcome: Outcome | None) -> tuple[OutcomeStatus, int | None] | None:
    return (OutcomeStatus(outcome.status), outcome.progress) if outcome is not None else None


def hours_line(t: Translator, minutes: int, people: int) -> str:
    return t.ngettext("{hours} given to it by {count} neighbour", "{hours} given to it by {count} neighbours",
                      people, hours=t.duration(minutes))  # fmt: skip


def update_text(t: Translator, round_: Round, outcome: Outcome, hours: tuple[int, int]) -> str:
    """An update as the group (or a member, privately) reads it; a correction says it is one."""
    lines = [
        t._("<b>You said, we did</b> – round #{number}: {question}", number=round_.number,
            question=t.user_text(round_.question)),
        *([t._("Correction of the latest update:")] if outcome.corrects is not None else []),
        t._("Status: {status}", status=status_text(t, OutcomeStatus(outcome.status), outcome.progress)),
        t.user_text(outcome.text),
    ]  # fmt: skip
    if hours[0]:
        lines.append(hours_line(t, *hours))
    return "\n".join(lines)


async def add_update(
    app: CoprodApplication, round_: Round, update: OutcomeUpdate, *, by: int | None, source: Source
) -> Outcome:
    """Append the update (once per /outcome message) and move its review; returns the stored update.

    A correction (``fix``) is appended too, naming the update it corrects; the review stays
    counted from the corrected update, unless the correction finishes the outcome."""
    now = app.services.clock.now()
    async with app.services.db.transaction() as conn:
        outcome = await voting.outcome_by_source(conn, source)  # found: this /outcome replayed after a crash
        if outcome is not None:
            return outcome
        latest = await voting.latest_outcome(conn, round_.id)
        if update.fixes:
            if latest is None:
                raise DomainError(N_("Round #{number} has no update to correct yet. Record one with /outcome {number}."),
                                  number=round_.number)  # fmt: skip
            status, progress, text = corrected(update, latest)
            counted_from, corrects = latest.recorded_at, latest.id
        else:
            (status, progress), text = next_status(update, status_of(latest)), update.text
            counted_from, corrects = now, None
        outcome = await voting.add_outcome(conn, round_id=round_.id, text=text, recorded_by=by, now=now,
                                           source=source, status=status, progress=progress, corrects=corrects)  # fmt: skip
        due = review_due(status, counted_from)
        await _move_review(app, conn, round_, due if due is None or due > now else review_due(status, now), now)
    return outcome


async def _move_review(
    app: CoprodApplication, conn: Connection, round_: Round, due: dt.datetime | None, now: dt.datetime
) -> None:
    """The round's next review is due at ``due``; none (``None``) once it is done or dropped."""
    if due is None:
        await stored_deadlines.finish(conn, DeadlineKind.OUTCOME_REVIEW, round_.id, now)
        return
    await deadlines.plan(app, conn, group_id=round_.group_id, kind=DeadlineKind.OUTCOME_REVIEW, ref_id=round_.id, due_at=due)


async def set_review(app: CoprodApplication, round_: Round, due: dt.datetime) -> None:
    async with app.services.db.transaction() as conn:
        await _move_review(app, conn, round_, due, app.services.clock.now())


async def announce(app: CoprodApplication, group: Group, round_: Round, outcome: Outcome) -> None:
    """Post the update in the group, noted on it so a replay does not post it twice."""
    t = i18n.translator(group.language)
    async with app.services.db.read() as conn:
        hours = await outcomes.round_hours(conn, round_.id)
    message = await app.bot.send_message(group.chat_id, update_text(t, round_, outcome, hours))
    async with app.services.db.transaction() as conn:
        await voting.set_outcome_message(conn, outcome.id, message.message_id)


async def review_due_now(app: CoprodApplication, deadline: Deadline) -> None:
    """One reminder in the group: the round, and the command that records the update."""
    async with app.services.db.read() as conn:
        round_ = await rounds.get(conn, deadline.ref_id)
        group = await groups.get(conn, round_.group_id)
        latest = await voting.latest_outcome(conn, round_.id)
    if latest is not None and OutcomeStatus(latest.status).finished:
        return
    t = i18n.translator(group.language)
    await app.bot.send_message(group.chat_id, t._(
        "Round #{number} {question} is waiting for an update on what became of it. "
        "Facilitators: /outcome {number} followed by planned, a percentage, done or dropped and what happened.",
        number=round_.number, question=t.user_text(round_.question),
    ))  # fmt: skip
