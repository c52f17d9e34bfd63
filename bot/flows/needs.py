"""Needs and offers in the chat: their group messages, introductions, and lapsing.

A posting's group message is rendered again from the database whenever it changes (a
helper answers, it is met, cancelled or lapses), by a member's press or command
(``handlers.needs``) or by the POSTING_LAPSE deadline here. Private messages can reach only
members who started a chat with the bot, so every one of them is best effort and goes at
the lowest priority: the group message is what always works. The one who pressed is
introduced at once; the other side's introduction and the lapse note are notices
(:mod:`bot.flows.notices`), their words in :mod:`bot.flows.posting_notes`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from bot.domain import callbacks, i18n
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.needs import (
    Match,
    Posting,
    PostingKind,
    PostingStatus,
    is_lapsed,
    lapse_after,
    require_can_cancel,
)
from bot.domain.notices import NoticeKind
from bot.domain.records import Deadline, Group, Member, Source
from bot.flows import notices, posting_notes
from bot.flows.credits import name_of
from bot.runtime import deadlines, outbound
from bot.runtime.application import CoprodApplication
from storage import Connection, groups, members
from storage import deadlines as stored_deadlines
from storage import needs as stored

log = logging.getLogger(__name__)


async def people(conn: Connection, postings: Iterable[Posting], connections: Iterable[Match]) -> dict[int, Member]:
    ids = {posting.author for posting in postings}
    for connection in connections:
        ids |= {connection.helper, connection.helped}
    return await members.names(conn, ids)


def headline(t: Translator, posting: Posting, names: dict[int, Member]) -> str:
    who = name_of(t, names, posting.author)
    what = t.user_text(posting.text)
    if posting.kind is PostingKind.OFFER:
        return t._("#{number} · {name} offers: {what}", number=posting.id, name=who, what=what)
    if posting.minutes is None:
        return t._("#{number} · {name} needs: {what}", number=posting.id, name=who, what=what)
    return t._(
        "#{number} · {name} needs: {what}, about {duration}",
        number=posting.id, name=who, what=what, duration=t.duration(posting.minutes),
    )  # fmt: skip


def posting_text(t: Translator, posting: Posting, connections: list[Match], names: dict[int, Member]) -> str:
    """The posting's group message as it stands now."""
    lines = [headline(t, posting, names)]
    for connection in connections:
        lines.append(
            t._("🤝 {helper} will help {helped}.", helper=name_of(t, names, connection.helper), helped=name_of(t, names, connection.helped))
        )
    if posting.status is PostingStatus.MET:
        lines.append(t._("✅ Met: the hours are confirmed."))
    elif posting.status is PostingStatus.CANCELLED:
        lines.append(t._("Taken down."))
    elif posting.status is PostingStatus.LAPSED:
        lines.append(t._("⌛ Lapsed after {period}.", period=t.period(lapse_after(posting.kind))))
    elif posting.status is PostingStatus.TAKEN:
        lines.append(t._("After the help, either of you sends /done {number} to settle the hours.", number=posting.id))
    elif posting.kind is PostingKind.OFFER:
        lines.append(t._("Press Ask to be put in touch. Afterwards, /done {number} settles the hours.", number=posting.id))
    else:
        lines.append(t._("Press I can help to be put in touch."))
    return "\n".join(lines)


def posting_buttons(t: Translator, posting: Posting) -> InlineKeyboardMarkup | None:
    """The answer button while the posting is open, else none."""
    if posting.status is not PostingStatus.OPEN:
        return None
    label = t._("I can help") if posting.kind is PostingKind.NEED else t._("Ask")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=callbacks.encode(callbacks.Action.POSTING_ANSWER, posting.id))]]
    )


async def show_posting(bot: Bot, group: Group, posting: Posting, connections: list[Match], names: dict[int, Member]) -> None:
    """Rewrite the posting's group message (best effort: it may have been deleted)."""
    if posting.message_id is None:
        return
    t = i18n.translator(group.language)
    try:
        await bot.edit_message_text(
            posting_text(t, posting, connections, names),
            chat_id=group.chat_id,
            message_id=posting.message_id,
            reply_markup=posting_buttons(t, posting),
        )
    except BadRequest as error:
        log.info("event=posting_message_not_updated posting=%s error=%s", posting.id, error.message)


def reader(app: CoprodApplication, member: Member | None) -> Translator:
    """The member's own language for a private message."""
    if member is None:
        return i18n.translator(app.services.config.language)
    return i18n.translator(
        i18n.chosen_language(member.language_override, member.language_code, app.services.config.language)
    )


async def introduce_later(app: CoprodApplication, conn: Connection, group: Group, connection: Match,
                          presser: int) -> None:  # fmt: skip
    """In the transaction that connects them: the side that did not press is introduced
    through the notices queue (their quiet hours, /notify, and only while in the group)."""
    other = connection.helped if presser == connection.helper else connection.helper
    await notices.tell(app, conn, group, NoticeKind.INTRODUCTION, connection.id, [other])


async def introduce(app: CoprodApplication, group: Group, posting: Posting, connection: Match, names: dict[int, Member],
                    presser: int) -> None:  # fmt: skip
    """Tell the one who pressed who the other is and how to reach them, at once: the answer
    to their own press (the other hears through the queue, :func:`introduce_later`)."""
    t = reader(app, names.get(presser))
    with outbound.sending_as(outbound.Priority.NOTICE):
        try:
            await app.bot.send_message(presser, posting_notes.introduction(t, group, posting, connection, presser, names))
        except (Forbidden, BadRequest) as error:  # they never started a chat with the bot, or blocked it
            log.info("event=private_notice_not_sent user=%s error=%s", presser, error.message)


async def lapse_posting(app: CoprodApplication, deadline: Deadline) -> None:
    """A POSTING_LAPSE deadline: an open need or offer comes off the board (idempotent), and
    its author is told through the notices queue."""
    now = app.services.clock.now()
    async with app.services.db.transaction() as conn:
        posting = await stored.get(conn, deadline.ref_id)
        if posting is None or posting.status is not PostingStatus.OPEN or not is_lapsed(posting, now):
            return
        await stored.move(conn, posting.id, PostingStatus.OPEN, PostingStatus.LAPSED, now=now)
        posting = await stored.get(conn, posting.id)
        connections = await stored.connections_of(conn, posting.id)
        names = await people(conn, [posting], connections)
        group = await groups.get(conn, posting.group_id)
        await notices.tell(app, conn, group, NoticeKind.LAPSE, posting.id, [posting.author])
    await show_posting(app.bot, group, posting, connections, names)


async def add_posting(
    app: CoprodApplication, group: Group, kind: PostingKind, *, author: int, minutes: int | None, text: str,
    source: Source,
) -> tuple[Posting, dict[int, Member]]:  # fmt: skip
    """Store a need or an offer that lapses after its time (:func:`bot.domain.needs.lapse_after`);
    the posting and the names its message shows. The ``source`` command posts once: a replay
    after a crash finds the posting it wrote."""
    now = app.services.clock.now()
    async with app.services.db.transaction() as conn:
        posting = await stored.by_source(conn, source)
        if posting is None:
            posting = await stored.add(
                conn, group_id=group.id, kind=kind, author=author, minutes=minutes, text=text,
                now=now, lapses_at=now + lapse_after(kind), source=source,
            )  # fmt: skip
            await deadlines.plan(app, conn, group_id=group.id, kind=DeadlineKind.POSTING_LAPSE,
                                 ref_id=posting.id, due_at=posting.lapses_at)  # fmt: skip
        return posting, await people(conn, [posting], [])


async def take_down(app: CoprodApplication, group: Group, posting: Posting, *, by: int, facilitator: bool) -> Posting:
    """``/cancel N`` on a need or offer: its author or a facilitator takes it off the board."""
    now = app.services.clock.now()
    async with app.services.db.transaction() as conn:
        posting = await stored.get(conn, posting.id)
        require_can_cancel(posting, by, facilitator=facilitator)
        if not await stored.move(conn, posting.id, PostingStatus.OPEN, PostingStatus.CANCELLED, by=by, now=now):
            raise DomainError(N_("#{number} is no longer on the board."), number=posting.id)
        await stored_deadlines.finish(conn, DeadlineKind.POSTING_LAPSE, posting.id, now)
        posting = await stored.get(conn, posting.id)
        connections = await stored.connections_of(conn, posting.id)
        names = await people(conn, [posting], connections)
    await show_posting(app.bot, group, posting, connections, names)
    return posting
