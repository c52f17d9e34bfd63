"""Taking an idea into a round: the one path every way of sending an idea goes through.

:func:`record_idea` stores the idea in one transaction (once per source message, so a
redelivered update adds nothing), within the group's cap on ideas per member unless its
author is a facilitator, and asks for the prompt's running count to be refreshed.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from telegram.error import TelegramError

from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.records import Group
from bot.domain.rounds import (
    IDEA_CAP_REACHED,
    Idea,
    Round,
    check_idea,
    fold,
    require_collecting,
)
from bot.flows.rounds import count_changed
from bot.runtime import roles
from bot.runtime.application import CoprodApplication
from storage import groups, idea_drafts
from storage import rounds as stored_rounds

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Taken:
    """What happened to an idea sent in: stored now (or before), and any near-duplicate."""

    round: Round
    idea: Idea
    created: bool
    duplicate: Idea | None


async def record_idea(
    app: CoprodApplication,
    round_id: int,
    text: str | None,
    *,
    author_id: int | None,
    anonymous: bool = False,
    source_chat_id: int,
    source_message_id: int | None,
    draft_id: int | None = None,
    round_read: Round | None = None,
    assisted_name: str | None = None,
    assisted_agreed: bool = False,
    voice: bool = False,
    capped: bool = True,
) -> Taken:
    """Add an idea to a round still collecting them (and drop the draft it came from).

    ``round_read`` is the round as the caller just read it, which spares reading it again:
    the insert itself checks that the round still collects ideas. ``assisted_name`` is the
    neighbour a facilitator (``author_id``) enters the idea for (``assisted_agreed``: who
    agreed to be named in public). A ``voice`` idea may come without ``text``: its words
    are given later with /label. Without a draft to drop, that insert is the only write, so
    it needs no ``BEGIN``/``COMMIT`` around it. A statements round takes its statements
    while members vote, each of at most 140 characters and in words.

    The group's cap on ideas per member protects a ballot from one resident, not from its
    conveners: an idea refused at the cap is asked about once more, and taken if its author
    is one of the group's facilitators (who seed rounds, and can change the cap anyway).
    So the common path, an idea within the cap, costs no call to Telegram. ``capped=False``
    skips the cap from the start (an author already known to be a facilitator).
    """
    store = functools.partial(
        _store, app, round_id, text, author_id=author_id, anonymous=anonymous, source_chat_id=source_chat_id,
        source_message_id=source_message_id, draft_id=draft_id, round_read=round_read,
        assisted_name=assisted_name, assisted_agreed=assisted_agreed, voice=voice,
    )  # fmt: skip
    try:
        return await store(capped=capped)
    except _CapReached as reached:
        if author_id is None or not await _facilitates(app, reached.group, author_id):
            raise DomainError(IDEA_CAP_REACHED, round=reached.round_number, cap=reached.group.idea_cap) from None
    return await store(capped=False)


class _CapReached(Exception):
    """The author already has the group's cap of ideas in the round; nothing was stored."""

    def __init__(self, group: Group, round_number: int) -> None:
        super().__init__(round_number)
        self.group, self.round_number = group, round_number


async def _facilitates(app: CoprodApplication, group: Group, user_id: int) -> bool:
    try:
        return user_id in await roles.admins_of(app.bot, app.services.admins, group.chat_id)
    except TelegramError as error:  # the bot left the group, Telegram is down: the cap holds
        log.info("event=admins_unknown group=%s error=%s", group.id, type(error).__name__)
        return False


async def _store(
    app: CoprodApplication, round_id: int, text: str | None, *, author_id: int | None, anonymous: bool,
    source_chat_id: int, source_message_id: int | None, draft_id: int | None, round_read: Round | None,
    assisted_name: str | None, assisted_agreed: bool, voice: bool, capped: bool,
) -> Taken:  # fmt: skip
    services = app.services
    if round_read is None:
        async with services.db.read() as conn:
            round_read = await stored_rounds.get(conn, round_id)
    round_ = round_read
    if voice and round_.method.adds_while_voting:
        raise DomainError(N_("A statement needs words: please write it as text, so everyone can read it before voting."))
    text = check_idea(text, round_.method) if text or not voice else ""
    writes = services.db.one_statement() if draft_id is None else services.db.transaction()
    async with writes as conn:
        require_collecting(round_)
        collected = await stored_rounds.collect_idea(
            conn,
            round_id=round_id,
            text=text,
            folded=fold(text),
            author_id=author_id,
            anonymous=anonymous,
            now=services.clock.now(),
            source_chat_id=source_chat_id,
            source_message_id=source_message_id,
            assisted_name=assisted_name,
            assisted_agreed=assisted_agreed,
            voice=voice,
            collecting=round_.collecting_stage,
            capped=capped,
        )
        if collected is None:  # the round moved on, the author is at the cap, or this message is an idea already
            require_collecting(await stored_rounds.get(conn, round_id))
            idea = await stored_rounds.idea_by_source(conn, source_chat_id, source_message_id)
            if idea is None:
                raise _CapReached(await groups.get(conn, round_.group_id), round_.number)
            created, duplicate = False, None
        else:
            (idea, same_as_id), created = collected, True
            duplicate = await stored_rounds.get_idea(conn, same_as_id) if same_as_id else None
        if draft_id is not None:
            await idea_drafts.delete(conn, draft_id)
    if created:
        count_changed(app, round_id)
    return Taken(round_, idea, created, duplicate)


def duplicate_notice(t: Translator, taken: Taken) -> str:
    if taken.duplicate is None:
        return ""
    return t._(
        "Idea {number} looks the same as idea {other}: keep both, or /withdraw {number}.",
        number=taken.idea.number,
        other=taken.duplicate.number,
    )
