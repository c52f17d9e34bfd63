"""Personal notices: everyone who took part in a round hears, privately and in their own
language, what became of it: the results, each outcome update, and (where votes are not
anonymous) a nudge to vote.

A notice is a row first, written with the change it tells about, then delivered by the
group's NOTICES deadline: at once, or at 08:00 when the change came in the group's quiet
hours. Delivery runs at the lowest outbound priority, so the rate limiter serves every
group message first. A 403 (the member blocked the bot, or never opened a chat with it)
makes the member unreachable until they write to the bot again. Once a round's notices are
out, the group hears how many neighbours were told.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram.error import Forbidden, TelegramError

from bot.domain import i18n
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.decisions import Decision, Method
from bot.domain.i18n import N_, Translator
from bot.domain.notices import ACTIVE_WITHIN, Notice, NoticeKind, deliver_at
from bot.domain.outcomes import Outcome
from bot.domain.records import Deadline, Group, Member
from bot.domain.rounds import Idea, Round
from bot.flows.decision_words import decision_line
from bot.flows.decisions import method_of
from bot.flows.outcomes import update_text
from bot.runtime import deadlines, outbound
from bot.runtime.application import CoprodApplication
from storage import Connection, groups, members, outcomes, rounds, voting
from storage import deadlines as stored_deadlines
from storage import notices as stored

log = logging.getLogger(__name__)

# Notices read and settled together: a crash repeats at most this many, and this many are
# in flight at once (the rate limiter decides when each goes out).
BATCH = 50


async def _queue(
    app: CoprodApplication, conn: Connection, group: Group, round_id: int, kind: NoticeKind,
    ref_id: int, user_ids: list[int],
) -> None:  # fmt: skip
    """Queue notices and bring the group's NOTICES deadline forward to the earliest one."""
    now = app.services.clock.now()
    if await stored.queue(conn, group_id=group.id, round_id=round_id, kind=kind, ref_id=ref_id,
                          user_ids=user_ids, due_at=deliver_at(now, group.timezone)):  # fmt: skip
        await _plan_next(app, conn, group.id)


async def _plan_next(app: CoprodApplication, conn: Connection, group_id: int) -> None:
    """Bring the group's NOTICES deadline to its earliest notice still to send."""
    due = await stored.next_due(conn, group_id)
    if due is None:
        return
    current = await stored_deadlines.get(conn, DeadlineKind.NOTICES, group_id)
    if current is not None and current.done_at is None and current.due_at <= due:
        return
    await deadlines.plan(app, conn, group_id=group_id, kind=DeadlineKind.NOTICES, ref_id=group_id, due_at=due)


async def _queue_and_plan(app: CoprodApplication, group: Group, round_id: int, kind: NoticeKind, ref_id: int,
                          user_ids: list[int] | None = None) -> None:  # fmt: skip
    async with app.services.db.transaction() as conn:
        if user_ids is None:
            user_ids = await stored.participants(conn, round_id)
        await _queue(app, conn, group, round_id, kind, ref_id, user_ids)


async def results_published(app: CoprodApplication, group: Group, round_: Round) -> None:
    await _queue_and_plan(app, group, round_.id, NoticeKind.RESULTS, round_.id)


async def outcome_updated(app: CoprodApplication, group: Group, round_: Round, outcome: Outcome) -> None:
    await _queue_and_plan(app, group, round_.id, NoticeKind.OUTCOME, outcome.id)


async def nudge_non_voters(app: CoprodApplication, group: Group, round_: Round) -> None:
    """With a voting reminder, where the bot knows who voted: one nudge per round to each
    recently active member who has not (Telegram does not say who voted in anonymous polls)."""
    if not method_of(round_).knows_voters(group):
        return
    since = app.services.clock.now() - ACTIVE_WITHIN
    async with app.services.db.read() as conn:
        user_ids = await stored.non_voters(conn, group.id, round_.id, since)
    await _queue_and_plan(app, group, round_.id, NoticeKind.NUDGE, round_.id, user_ids)


# ------------------------------------------------------------------------ delivery


async def deliver_due(app: CoprodApplication, deadline: Deadline) -> None:
    """Send every notice of the group that is due, then tell the group how many heard."""
    services = app.services
    told: Counter[tuple[NoticeKind, int]] = Counter()
    async with services.db.read() as conn:
        group = await groups.get(conn, deadline.group_id)
    while True:
        async with services.db.read() as conn:
            batch = await stored.due(conn, group.id, services.clock.now(), BATCH)
        if not batch:
            break
        results = await _deliver_batch(app, group, batch)
        async with services.db.transaction() as conn:
            await stored.settle(conn, [(notice.id, result) for notice, result in results], services.clock.now())
            for notice, result in results:
                if result == "unreachable":
                    await stored.mark_unreachable(conn, notice.user_id, services.clock.now())
        told.update((notice.kind, notice.round_id) for notice, result in results if result == "sent")
    await _tell_group(app, group, told)
    async with services.db.transaction() as conn:
        await _plan_next(app, conn, group.id)


async def _deliver_batch(app: CoprodApplication, group: Group, batch: Sequence[Notice]) -> list[tuple[Notice, str]]:
    async with app.services.db.read() as conn:
        people = await members.names(conn, {notice.user_id for notice in batch})
        reads = _Reads(conn)
        texts = {notice.id: await _render(reads, app, group, notice, people.get(notice.user_id)) for notice in batch}
    with outbound.sending_as(outbound.Priority.NOTICE):
        sent = await asyncio.gather(*(_send(app, notice, texts[notice.id]) for notice in batch))
    return [(notice, result) for notice, result in zip(batch, sent, strict=True) if result is not None]


async def _send(app: CoprodApplication, notice: Notice, text: str | None) -> str | None:
    """'sent', 'unreachable' or 'off'; None when Telegram failed otherwise (tried again later)."""
    if text is None:
        return "off"
    try:
        await app.bot.send_message(notice.user_id, text)
    except Forbidden:
        return "unreachable"
    except TelegramError as error:
        log.warning("event=notice_failed notice=%s error=%s", notice.id, error)
        return None
    return "sent"


async def _tell_group(app: CoprodApplication, group: Group, told: Counter[tuple[NoticeKind, int]]) -> None:
    t = i18n.translator(group.language)
    for (kind, round_id), count in sorted(told.items()):
        if kind is NoticeKind.NUDGE:
            continue
        async with app.services.db.read() as conn:
            round_ = await rounds.get(conn, round_id)
        await app.bot.send_message(group.chat_id, t.ngettext(
            "{count} neighbour who took part in round #{number} was told privately.",
            "{count} neighbours who took part in round #{number} were told privately.",
            count, number=round_.number,
        ))  # fmt: skip


# ------------------------------------------------------------------------ what a notice says


def _language(member: Member, group: Group) -> str:
    return i18n.chosen_language(member.language_override, member.language_code, group.language)


class _Reads:
    """What a batch's notices read, once per round however many members hear of it."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._found: dict[tuple, object] = {}

    async def once(self, key: tuple, read: Callable[[], Awaitable[Any]]) -> Any:
        if key not in self._found:
            self._found[key] = await read()
        return self._found[key]


async def _render(reads: _Reads, app: CoprodApplication, group: Group, notice: Notice, member: Member | None) -> str | None:
    """The notice in the member's own language; None if they can no longer be told."""
    if member is None or not member.reachable or not member.notices or member.forgotten:
        return None
    t = i18n.translator(_language(member, group))
    conn = reads.conn
    round_ = await reads.once(("round", notice.round_id), lambda: rounds.get(conn, notice.round_id))
    where = t._("From {group}:", group=t.user_text(group.title))
    if notice.kind is NoticeKind.OUTCOME:
        history = await reads.once(("outcomes", round_.id), lambda: voting.outcome_history(conn, round_.id))
        hours = await reads.once(("hours", round_.id), lambda: outcomes.round_hours(conn, round_.id))
        body = update_text(t, round_, next(o for o in history if o.id == notice.ref_id), hours)
    elif notice.kind is NoticeKind.RESULTS:
        results = await reads.once(("results", round_.id), lambda: method_of(round_).frozen(conn, round_))
        ideas = await reads.once(("ideas", round_.id), lambda: rounds.ideas(conn, round_.id))
        body = _results_text(t, round_, results, ideas, member.user_id)
    else:
        body = _nudge_text(t, group, round_, app.services.clock.now())
    return where + "\n" + body


def _results_text(t: Translator, round_: Round, results: Decision, ideas: Sequence[Idea], user_id: int) -> str:
    if results.verdict is not None:
        heading = t._("<b>Result of consent proposal #{number}</b>: {proposal}", number=round_.number,
                      proposal=t.user_text(round_.question))  # fmt: skip
    else:
        heading = t._("<b>Results of round #{number}</b>: {question}", number=round_.number,
                      question=t.user_text(round_.question))  # fmt: skip
    lines = [heading]
    decided = decision_line(t, results)
    if decided is not None:
        lines.append(decided)
    placing_of = {placing.tally.idea_id: placing for placing in results.placings}
    chosen = {placing.tally.idea_id for placing in results.winners}
    for idea in ideas:
        placing = placing_of.get(idea.merged_into or idea.id)
        if idea.author_id != user_id or placing is None:
            continue
        votes = t.ngettext("{count} vote", "{count} votes", placing.tally.votes)
        if results.spending is not None:
            lines.append(t._("Your idea {idea}: funded, {votes}.", idea=t.user_text(idea.text), votes=votes)
                         if placing.tally.idea_id in chosen else
                         t._("Your idea {idea}: not funded, {votes}.", idea=t.user_text(idea.text), votes=votes))  # fmt: skip
            continue
        lines.append(t._("Your idea {idea}: place {place}, {votes}.", idea=t.user_text(idea.text),
                         place=f"={t.number(placing.rank)}" if placing.tied else t.number(placing.rank),
                         votes=votes))  # fmt: skip
    if len(lines) == 1 and results.winners:
        lines.append(t._("Chosen: {ideas}", ideas=" = ".join(t.user_text(p.tally.text) for p in results.winners)))
    return "\n".join(lines)


def _nudge_text(t: Translator, group: Group, round_: Round, now: dt.datetime) -> str:
    ends = round_.voting_ends_at or now
    nudge = {
        Method.CONSENT: N_("Consent proposal #{number} {question} closes {when}, and you have not taken a position yet. "
                           "The proposal and its buttons are in the group."),
        Method.BUDGET: N_("Voting on budget round #{number} {question} closes {when}, and you have not voted yet. "
                          "The link to your ballot is under the voting message in the group."),
    }.get(round_.method, N_("Voting on round #{number} {question} closes {when}, and you have not voted yet. "
                            "The polls are in the group."))  # fmt: skip
    return t._(nudge, number=round_.number, question=t.user_text(round_.question), when=t.when(ends, group.timezone))
