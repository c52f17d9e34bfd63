"""Taking an idea into a round: the one path every way of sending an idea goes through.

:func:`record_idea` stores the idea in one transaction (once per source message, so a
redelivered update adds nothing) and asks for the prompt's running count to be refreshed.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.rounds import (
    IDEA_CAP_REACHED,
    Idea,
    Round,
    check_idea,
    fold,
    require_collecting,
)
from bot.flows.rounds import count_changed
from bot.runtime.application import CoprodApplication
from storage import groups, idea_drafts
from storage import rounds as stored_rounds


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
    voice: bool = False,
    capped: bool = True,
) -> Taken:
    """Add an idea to a round still collecting them (and drop the draft it came from).

    ``round_read`` is the round as the caller just read it, which spares reading it again:
    the insert itself checks that the round still collects ideas. ``assisted_name`` is the
    neighbour a facilitator (``author_id``) enters the idea for. A ``voice`` idea may come
    without ``text``: its words are given later with /label. An author who is not
    ``capped`` (a facilitator seeding a statements round) may go past the group's cap.
    Without a draft to drop, that insert is the only write, so it needs no
    ``BEGIN``/``COMMIT`` around it. A statements round takes its statements while members
    vote, each of at most 140 characters and in words.
    """
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
            voice=voice,
            collecting=round_.collecting_stage,
            capped=capped,
        )
        if collected is None:  # the round moved on, the author is at the cap, or this message is an idea already
            require_collecting(await stored_rounds.get(conn, round_id))
            idea = await stored_rounds.idea_by_source(conn, source_chat_id, source_message_id)
            if idea is None:
                cap = (await groups.get(conn, round_.group_id)).idea_cap
                raise DomainError(IDEA_CAP_REACHED, round=round_.number, cap=cap)
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
