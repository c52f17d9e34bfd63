"""Opening a round, and its prompt message.

:func:`open_round` is the one way a round in the ideas stage comes to be (a facilitator's
``/round`` or a proposal with enough support): it stores the round and its IDEAS_END
deadline, posts the prompt members reply to, and schedules the deadline.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram.error import BadRequest

from bot.domain import i18n
from bot.domain.deadline_kinds import DeadlineKind, reminder_due
from bot.domain.decisions import Method
from bot.domain.decisions.budget import budget_prompt
from bot.domain.i18n import Translator
from bot.domain.records import Group, Source
from bot.domain.rounds import Round, Stage, StagePlan, plan_stages
from bot.flows import site
from bot.flows.decisions import statements
from bot.runtime import deadlines
from bot.runtime.application import CoprodApplication
from bot.runtime.limiter import best_effort_args
from storage import Connection, budgets, groups
from storage import rounds as stored_rounds

log = logging.getLogger(__name__)

DEEP_LINK_PREFIX = "idea-"


def deep_link(bot_username: str, round_: Round) -> str:
    """The link under each prompt that opens a private chat to send an idea
    (``/start idea-<token>``, read by :mod:`handlers.private_ideas`). The token, not the
    round's sequential id, so a link cannot be guessed."""
    return f"https://t.me/{bot_username}?start={DEEP_LINK_PREFIX}{round_.link_token}"


def prompt_text(
    t: Translator, group: Group, round_: Round, *, idea_count: int, now: dt.datetime, bot_username: str,
    extra: Sequence[str] = (),
) -> str:  # fmt: skip
    """The round's prompt: the question, how to take part (``extra``: what its method adds),
    when ideas close, and the count."""
    closes = round_.ideas_ends_at or now
    return "\n".join(
        (
            "<b>" + t._("Round #{number}", number=round_.number) + "</b>",
            t.user_text(round_.question),
            "",
            *extra,
            t._(
                "How to take part: reply to this message with your idea, or send it privately: {link}",
                link=deep_link(bot_username, round_),
            ),
            t._(
                "Ideas close {when} ({relative}).",
                when=t.when(closes, group.timezone),
                relative=t.relative(closes - now),
            ),
            t.ngettext("{count} idea so far.", "{count} ideas so far.", idea_count),
        )
    )


async def open_round(
    app: CoprodApplication,
    group: Group,
    question: str,
    *,
    created_by: int | None,
    plan: StagePlan | None = None,
    source: Source | None = None,
    method: Method = Method.APPROVAL,
    setup: Callable[[Connection, Round], Awaitable[None]] | None = None,
) -> Round:
    """Open a round in the ideas stage, post its prompt and schedule the end of the stage.

    Without a ``plan`` (or the parts it leaves out), stages last as the group's settings say. A
    ``source`` message that opened a round before (its update replayed after a crash) opens
    nothing new: the round's prompt is posted only if the crash came before it was. ``setup``
    stores what the round's ``method`` keeps of its own (a budget's terms), in the same
    transaction.
    """
    services = app.services
    now = services.clock.now()
    plan = plan or plan_stages([], "", now=now, ideas_minutes=group.ideas_minutes)
    ideas_ends_at = plan.ideas_ends_at
    async with services.db.transaction() as conn:
        round_ = await stored_rounds.by_source(conn, source) if source else None
        created = round_ is None
        if created:
            round_ = await stored_rounds.create(
                conn,
                group_id=group.id,
                question=question,
                created_by=created_by,
                now=now,
                ideas_ends_at=ideas_ends_at,
                voting_minutes=plan.voting_minutes or group.vote_minutes,
                voting_until=plan.voting_until,
                method=method,
                source=source,
            )
            if setup is not None:
                await setup(conn, round_)
            await deadlines.plan(
                app, conn, group_id=group.id, kind=DeadlineKind.IDEAS_END, ref_id=round_.id, due_at=ideas_ends_at,
                remind_at=reminder_due(now, ideas_ends_at),
            )  # fmt: skip
    if round_.prompt_message_id is None and round_.stage is Stage.IDEAS:
        round_ = await _post_prompt(app, group, round_, now)
    if created:
        await site.refresh(app, group.id, round_.number)
    return round_


async def _post_prompt(app: CoprodApplication, group: Group, round_: Round, now: dt.datetime) -> Round:
    """Post the prompt members reply to, and note it on the round."""
    services = app.services
    t = i18n.translator(group.language)
    async with services.db.read() as conn:
        extra = await _extra_lines(conn, t, round_)
    prompt = await app.bot.send_message(
        group.chat_id,
        prompt_text(t, group, round_, idea_count=0, now=now, bot_username=app.bot.username, extra=extra),
    )
    async with services.db.transaction() as conn:
        await stored_rounds.set_prompt_message(conn, round_.id, prompt.message_id)
        return await stored_rounds.get(conn, round_.id)


async def refresh_prompt(app: CoprodApplication, round_id: int, *, best_effort: bool = True) -> None:
    """Edit the prompt: its running count (called debounced, see :mod:`bot.runtime.acknowledge`),
    or, not as a best effort, what a facilitator corrected (the question, the deadline); a
    statements round's count is on its own message."""
    async with app.services.db.read() as conn:
        round_ = await stored_rounds.get(conn, round_id)
        group = await groups.get(conn, round_.group_id)
        idea_count, _authors = await stored_rounds.counts(conn, round_id)
        t = i18n.translator(group.language)
        extra = await _extra_lines(conn, t, round_)
    if round_.method.adds_while_voting:
        await statements.refresh_message(app, round_)
        return
    if round_.stage is not Stage.IDEAS or round_.prompt_message_id is None:
        return
    text = prompt_text(
        t, group, round_, idea_count=idea_count, now=app.services.clock.now(), bot_username=app.bot.username,
        extra=extra,
    )  # fmt: skip
    try:
        await app.bot.edit_message_text(
            text, chat_id=group.chat_id, message_id=round_.prompt_message_id,
            **(best_effort_args(app.bot) if best_effort else {}),
        )  # fmt: skip
    except BadRequest as error:  # deleted by an admin, or already saying this
        log.info("event=prompt_not_edited round=%s error=%s", round_id, error.message)


async def _extra_lines(conn: Connection, t: Translator, round_: Round) -> Sequence[str]:
    """What the round's method adds to its prompt: a budget's amount and how ideas get costs."""
    if round_.method is not Method.BUDGET:
        return ()
    return (budget_prompt(t, await budgets.terms(conn, round_.id)),)


def count_changed(app: CoprodApplication, round_id: int) -> None:
    """A round's ideas changed (added, edited, withdrawn, merged, labelled): update its
    prompt's count and its public page soon, once however many changes come meanwhile."""
    app.services.acknowledgements.refresh_later(app, f"prompt:{round_id}", lambda: refresh_prompt(app, round_id))
    site.refresh_round_soon(app, round_id)
