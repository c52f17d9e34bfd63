"""Personal notices: everyone who took part in a round hears, privately and in their own
language, what became of it: the results, each outcome update, and (where votes are not
anonymous) a nudge to vote. The other private messages that answer nobody's own action go
the same way: the note that a need or offer lapsed, and the introduction to whoever
answered it.

A notice is a row first, written with the change it tells about, then delivered by the
group's NOTICES deadline: at once, or at 08:00 when the change came in the group's quiet
hours. Delivery runs at the lowest outbound priority, so the rate limiter serves every
group message first, and reaches only members of the group now. Every notice fits in one
message by construction. A 403 (the member blocked the bot, or never opened a chat with
it) makes the member unreachable until they write to the bot again; any other refusal (a
400, a 5xx, a timeout) is tried again later, a few times (:data:`bot.domain.notices.RETRY_AFTER`),
then the notice is settled as failed and counted in the log: a failing notice never holds
up the others of its batch. Once a round's notices are out, the group hears how many
neighbours were told (those told on a later try are not announced again).
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
from bot.domain.notices import ACTIVE_WITHIN, Notice, NoticeKind, NoticeResult, deliver_at, next_try
from bot.domain.outcomes import Outcome
from bot.domain.placings import placed
from bot.domain.records import Deadline, Group, Member
from bot.domain.rounds import Idea, Round, Stage
from bot.domain.text_limits import MESSAGE_LENGTH, fit_lines, shorten, visible_length
from bot.flows import posting_notes
from bot.flows.common_ground_lines import notice_lines
from bot.flows.decision_words import decision_line
from bot.flows.decisions import method_of
from bot.flows.outcomes import update_text
from bot.runtime import deadlines, outbound
from bot.runtime.application import CoprodApplication
from storage import Connection, groups, members, needs, outcomes, rounds, voting
from storage import deadlines as stored_deadlines
from storage import notices as stored

log = logging.getLogger(__name__)

# Notices read and settled together: a crash repeats at most this many, and this many are
# in flight at once (the rate limiter decides when each goes out).
BATCH = 50


async def tell(
    app: CoprodApplication, conn: Connection, group: Group, kind: NoticeKind, ref_id: int, user_ids: list[int],
    round_id: int | None = None,
) -> None:  # fmt: skip
    """Queue notices in the caller's transaction and bring the group's NOTICES deadline
    forward to the earliest one."""
    now = app.services.clock.now()
    if await stored.queue(conn, group_id=group.id, round_id=round_id, kind=kind, ref_id=ref_id,
                          user_ids=user_ids, due_at=deliver_at(now, group.timezone)):  # fmt: skip
        await _plan_next(app, conn, group.id)


async def _plan_next(app: CoprodApplication, conn: Connection, group_id: int, *, delivering: bool = False) -> None:
    """Bring the group's NOTICES deadline to its earliest notice still to send (``delivering``:
    from the deadline's own run, which moves it even later, to the next try)."""
    due = await stored.next_due(conn, group_id)
    if due is None:
        return
    current = await stored_deadlines.get(conn, DeadlineKind.NOTICES, group_id)
    if not delivering and current is not None and current.done_at is None and current.due_at <= due:
        return
    await deadlines.plan(app, conn, group_id=group_id, kind=DeadlineKind.NOTICES, ref_id=group_id, due_at=due)


async def _queue_and_plan(app: CoprodApplication, group: Group, round_id: int, kind: NoticeKind, ref_id: int,
                          user_ids: list[int] | None = None) -> None:  # fmt: skip
    async with app.services.db.transaction() as conn:
        if user_ids is None:
            user_ids = await stored.participants(conn, round_id)
        await tell(app, conn, group, kind, ref_id, user_ids, round_id=round_id)


async def results_published(app: CoprodApplication, group: Group, round_: Round) -> None:
    await _queue_and_plan(app, group, round_.id, NoticeKind.RESULTS, round_.id)


async def round_cancelled(app: CoprodApplication, group: Group, round_: Round) -> None:
    await _queue_and_plan(app, group, round_.id, NoticeKind.CANCELLED, round_.id)


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
    """Send every notice of the group that is due, then tell the group how many heard.

    Each batch is settled or put off to its next try before the next batch is read, so the
    loop ends: nothing it read is due again before a later run."""
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
        await _settle(app, group, results)
        told.update((notice.kind, notice.round_id) for notice, result in results
                    if result is NoticeResult.SENT and notice.kind.told_in_group and not notice.attempts)  # fmt: skip
    await _tell_group(app, group, told)
    async with services.db.transaction() as conn:
        await _plan_next(app, conn, group.id, delivering=True)


async def _settle(app: CoprodApplication, group: Group, results: Sequence[tuple[Notice, NoticeResult | None]]) -> None:
    """Note each notice's result; one Telegram refused (None) is put off to its next try, or
    settled as failed after the last."""
    now = app.services.clock.now()
    settled = [(notice.id, result) for notice, result in results if result is not None]
    retries = []
    for notice in (notice for notice, result in results if result is None):
        at = next_try(notice.attempts + 1, now, group.timezone)
        if at is None:
            settled.append((notice.id, NoticeResult.FAILED))
        else:
            retries.append((notice.id, notice.attempts + 1, at))
    failed = sum(result is NoticeResult.FAILED for _id, result in settled)
    if failed:
        log.warning("event=notices_failed group=%s count=%s", group.id, failed)
    async with app.services.db.transaction() as conn:
        await stored.settle(conn, settled, now)
        await stored.try_again(conn, retries)
        for notice, result in results:
            if result is NoticeResult.UNREACHABLE:
                await stored.mark_unreachable(conn, notice.user_id, now)


async def _deliver_batch(
    app: CoprodApplication, group: Group, batch: Sequence[Notice]
) -> list[tuple[Notice, NoticeResult | None]]:
    """Each notice of the batch sent (all at once: the rate limiter spaces them), with how it went."""
    async with app.services.db.read() as conn:
        people = await members.names(conn, {notice.user_id for notice in batch})
        current = await members.current_in(conn, group.id, {notice.user_id for notice in batch})
        reads = _Reads(conn)
        texts = {}
        for notice in batch:
            member = people.get(notice.user_id)
            if notice.user_id not in current:
                texts[notice.id] = NoticeResult.DEPARTED
            elif member is None or not member.reachable or not member.notices or member.forgotten:
                texts[notice.id] = NoticeResult.OFF
            else:
                texts[notice.id] = await _render(reads, app, group, notice, member)
    with outbound.sending_as(outbound.Priority.NOTICE):
        sent = await asyncio.gather(*(_send(app, notice, texts[notice.id]) for notice in batch))
    return list(zip(batch, sent, strict=True))


async def _send(app: CoprodApplication, notice: Notice, text: str | NoticeResult) -> NoticeResult | None:
    """How the notice went; None when Telegram refused it this time (other than a 403)."""
    if isinstance(text, NoticeResult):
        return text
    try:
        await app.bot.send_message(notice.user_id, text)
    except Forbidden:
        return NoticeResult.UNREACHABLE
    except TelegramError as error:
        log.warning("event=notice_refused notice=%s attempt=%s error=%s", notice.id, notice.attempts + 1, error)
        return None
    return NoticeResult.SENT


async def _tell_group(app: CoprodApplication, group: Group, told: Counter[tuple[NoticeKind, int]]) -> None:
    t = i18n.translator(group.language)
    for (_kind, round_id), count in sorted(told.items()):
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


async def _render(
    reads: _Reads, app: CoprodApplication, group: Group, notice: Notice, member: Member
) -> str | NoticeResult:
    """The notice in the member's own language, within one message by construction; a result
    instead when there is nothing to tell any more."""
    t = i18n.translator(_language(member, group))
    if notice.kind is NoticeKind.LAPSE:
        posting = await needs.get(reads.conn, notice.ref_id)
        return posting_notes.lapsed(t, group, posting)
    if notice.kind is NoticeKind.INTRODUCTION:
        return await _introduction(reads, t, group, notice)
    conn = reads.conn
    round_ = await reads.once(("round", notice.round_id), lambda: rounds.get(conn, notice.round_id))
    where = t._("From {group}:", group=t.user_text(group.title))
    if notice.kind is NoticeKind.OUTCOME:
        history = await reads.once(("outcomes", round_.id), lambda: voting.outcome_history(conn, round_.id))
        hours = await reads.once(("hours", round_.id), lambda: outcomes.round_hours(conn, round_.id))
        return where + "\n" + update_text(t, round_, next(o for o in history if o.id == notice.ref_id), hours)
    if notice.kind is NoticeKind.CANCELLED:
        return where + "\n" + t._("Round #{number} {question} was cancelled: {reason}", number=round_.number,
                                   question=t.user_text(round_.question),
                                   reason=t.user_text(shorten(round_.cancel_reason or "", NOTICE_IDEA_LENGTH)))  # fmt: skip
    if notice.kind is NoticeKind.RESULTS:
        results = await reads.once(("results", round_.id), lambda: method_of(round_).frozen(conn, round_))
        ideas = await reads.once(("ideas", round_.id), lambda: rounds.ideas(conn, round_.id))
        return _results_text(t, where, round_, results, ideas, member.user_id)
    if round_.stage is not Stage.VOTING:
        return NoticeResult.OFF  # a nudge to vote on a round no longer voting (closed or cancelled since)
    return where + "\n" + _nudge_text(t, group, round_, app.services.clock.now())


async def _introduction(reads: _Reads, t: Translator, group: Group, notice: Notice) -> str:
    connection = await needs.connection(reads.conn, notice.ref_id)
    posting = await needs.get(reads.conn, connection.posting_id)
    names = await members.names(reads.conn, {connection.helper, connection.helped})
    return posting_notes.introduction(t, group, posting, connection, notice.user_id, names)


NOTICE_IDEA_LENGTH = 150  # Telegram units of each idea's words in a results notice, as /rounds shows winners


def _results_text(t: Translator, where: str, round_: Round, results: Decision, ideas: Sequence[Idea],
                  user_id: int) -> str:  # fmt: skip
    """What the decision came to, the member's own ideas' places and votes (else what was
    chosen), shortened and cut to one message: a convener may have dozens of ideas in a round."""
    if results.verdict is not None:
        heading = t._("<b>Result of consent proposal #{number}</b>: {proposal}", number=round_.number,
                      proposal=t.user_text(round_.question))  # fmt: skip
    else:
        heading = t._("<b>Results of round #{number}</b>: {question}", number=round_.number,
                      question=t.user_text(round_.question))  # fmt: skip
    head = [where, heading]
    if results.common_ground is not None:  # a few statements of at most 140 characters
        return "\n".join(head + notice_lines(t, results.common_ground, user_id))
    decided = decision_line(t, results)
    if decided is not None:
        head.append(decided)
    placing_of = {placing.tally.idea_id: placing for placing in results.placings}
    chosen = {placing.tally.idea_id for placing in results.winners}
    lines = []
    for idea in ideas:
        placing = placing_of.get(idea.merged_into or idea.id)
        if idea.author_id != user_id or placing is None:
            continue
        votes = t.ngettext("{count} vote", "{count} votes", placing.tally.votes)
        if results.spending is not None:
            words = _idea_words(t, idea.text)
            lines.append(t._("Your idea {idea}: funded, {votes}.", idea=words, votes=votes)
                         if placing.tally.idea_id in chosen else
                         t._("Your idea {idea}: not funded, {votes}.", idea=words, votes=votes))  # fmt: skip
            continue
        lines.append(t._("Your idea: {placed}, {votes}.", placed=placed(t, placing, _idea_words(t, placing.tally.text)),
                         votes=votes))  # fmt: skip
    if not results.voters:
        head.append(t._("Nobody voted."))
    if not lines and results.winners and decided is None:
        return _with_chosen(t, "\n".join(head), [placed(t, p, _idea_words(t, p.tally.text)) for p in results.winners])
    return fit_lines(head, lines, MESSAGE_LENGTH, visible_length, lambda count: _more_ideas(t, count))


def _with_chosen(t: Translator, text: str, chosen: Sequence[str]) -> str:
    """The ideas chosen, ties joined by ";", as many as one message holds, then "; …"."""
    for count in range(len(chosen), 0, -1):
        shown = "; ".join(chosen[:count]) + ("" if count == len(chosen) else "; …")
        candidate = text + "\n" + t._("Chosen: {ideas}", ideas=shown)
        if visible_length(candidate) <= MESSAGE_LENGTH:
            return candidate
    return text


def _idea_words(t: Translator, text: str) -> str:
    return t.user_text(shorten(text, NOTICE_IDEA_LENGTH))


def _more_ideas(t: Translator, count: int) -> str:
    return t.ngettext("… and {count} more of your ideas: /rounds in the group shows them all.",
                      "… and {count} more of your ideas: /rounds in the group shows them all.", count)  # fmt: skip


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
