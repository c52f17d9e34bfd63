"""Putting a round right: a corrected question, a moved deadline, a cancellation.

Each is one transaction that checks the round is still where the facilitator saw it, keeps
what it was in ``round_changes`` (once per command message, so a replay changes nothing),
and changes the round; then the group sees it: the prompt is edited, the public page
rebuilt, and a cancelled round's polls are stopped and everyone who took part is told.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram.error import BadRequest

from bot.domain import i18n
from bot.domain.deadline_kinds import DeadlineKind, reminder_due
from bot.domain.records import Source
from bot.domain.rounds import ChangeKind, Round, Stage, require_editable, require_open
from bot.flows import notices, site
from bot.flows.decisions import method_of
from bot.flows.rounds import refresh_prompt
from bot.runtime import deadlines
from bot.runtime.application import CoprodApplication
from storage import deadlines as stored_deadlines
from storage import groups, round_changes, rounds, to_db

log = logging.getLogger(__name__)

STAGE_DEADLINE = {Stage.IDEAS: DeadlineKind.IDEAS_END, Stage.VOTING: DeadlineKind.VOTING_END}


async def edit_question(app: CoprodApplication, round_: Round, question: str, *, by: int | None,
                        source: Source) -> Round:  # fmt: skip
    """The round asks ``question`` from now on; its ideas stay, the old words stay in its history."""
    now = app.services.clock.now()
    async with app.services.db.transaction() as conn:
        current = await rounds.get(conn, round_.id)
        require_editable(current)
        if await round_changes.record(conn, current.id, ChangeKind.QUESTION, was=current.question, became=question,
                                      by=by, now=now, source=source):  # fmt: skip
            await rounds.set_question(conn, current.id, question)
        edited = await rounds.get(conn, current.id)
    await refresh_prompt(app, edited.id, best_effort=False)
    await site.refresh(app, edited.group_id, edited.number)
    return edited


async def move_deadline(app: CoprodApplication, round_: Round, due: dt.datetime, *, by: int | None,
                        source: Source) -> Round:  # fmt: skip
    """The round's current stage ends at ``due``; its reminder moves with it (one already sent stays sent)."""
    now = app.services.clock.now()
    async with app.services.db.transaction() as conn:
        current = await rounds.get(conn, round_.id)
        require_open(current)
        if await round_changes.record(conn, current.id, ChangeKind.DEADLINE, was=to_db(current.deadline),
                                      became=to_db(due), by=by, now=now, source=source):  # fmt: skip
            await rounds.set_deadline(conn, current.id, current.stage, due)
            started = current.created_at if current.stage is Stage.IDEAS else current.voting_started_at
            remind = reminder_due(started, due)
            await deadlines.plan(
                app, conn, group_id=current.group_id, kind=STAGE_DEADLINE[current.stage], ref_id=current.id,
                due_at=due, remind_at=remind if remind > now else reminder_due(now, due),
            )  # fmt: skip
        moved = await rounds.get(conn, current.id)
    await refresh_prompt(app, moved.id, best_effort=False)
    await site.refresh(app, moved.group_id, moved.number)
    return moved


async def cancel_round(app: CoprodApplication, round_: Round, reason: str, *, by: int | None,
                       source: Source) -> Round | None:  # fmt: skip
    """The round closes without results: nothing is decided, its deadlines are dropped, its
    prompt says so and its polls stop. Everyone who took part is told privately. None when
    this command had already cancelled it (replayed)."""
    now = app.services.clock.now()
    async with app.services.db.transaction() as conn:
        current = await rounds.get(conn, round_.id)
        require_open(current)
        if not await round_changes.record(conn, current.id, ChangeKind.CANCELLED, was=current.stage.value,
                                          became=reason, by=by, now=now, source=source):  # fmt: skip
            return None
        await rounds.cancel(conn, current.id, reason=reason, now=now)
        for kind in STAGE_DEADLINE.values():
            await stored_deadlines.finish(conn, kind, current.id, now)
        group = await groups.get(conn, current.group_id)
        cancelled = await rounds.get(conn, current.id)
    if current.stage is Stage.VOTING:
        await method_of(current).end_vote(app, current)
    await _close_prompt(app, group.chat_id, group.language, cancelled)
    await notices.round_cancelled(app, group, cancelled)
    await site.refresh(app, group.id, cancelled.number)
    return cancelled


async def _close_prompt(app: CoprodApplication, chat_id: int, language: str, round_: Round) -> None:
    """The prompt says the round is cancelled, without the link for ideas."""
    if round_.prompt_message_id is None:
        return
    t = i18n.translator(language)
    text = "\n".join((
        "<b>" + t._("Round #{number}", number=round_.number) + "</b>",
        t.user_text(round_.question),
        "",
        t._("This round was cancelled: {reason}", reason=t.user_text(round_.cancel_reason or "")),
    ))  # fmt: skip
    try:
        await app.bot.edit_message_text(text, chat_id=chat_id, message_id=round_.prompt_message_id)
    except BadRequest as error:
        log.info("event=prompt_not_closed round=%s error=%s", round_.id, error.message)
