"""A statements round as a decision method: its message in the group, its opinion map, its count.

The round opens straight in its one stage, voting, in which members also add statements
(replies to the round's message, or ``/idea``). Its message in the group carries the
private voting link and a running count that is edited as statements and votes come in.
The opinion map (Polis's method, :mod:`bot.domain.decisions.opinions`) is computed in a
worker thread, never on the event loop: at most once a minute while the round votes (see
:mod:`bot.flows.statements`) and once more when the vote ends. Counting reads the votes and
the map; since no vote changes once the round is closed, the frozen decision is counted the
same way and always says what was published.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence

import numpy as np

from bot.domain import i18n
from bot.domain.decisions import Decision
from bot.domain.decisions.opinions import OpinionMap, opinion_map
from bot.domain.decisions.statements import decide, group_counts
from bot.domain.i18n import Translator
from bot.domain.records import Group, Source
from bot.domain.rounds import MAX_STATEMENT_LENGTH, Idea, Round, Stage
from bot.runtime.application import CoprodApplication
from bot.runtime.limiter import best_effort_args
from storage import Connection, groups, rounds, voting
from storage import statements as stored

log = logging.getLogger(__name__)

DEEP_LINK_PREFIX = "st-"
VOTES_PAGE = 1000  # votes read at a time: a millisecond or two of the connection each
FIRST_KEY = -(2**63)  # below every member and vote id


def voting_link(bot_username: str, round_: Round) -> str:
    """The link in the round's message that opens the private voting (``/start st-<token>``,
    read by :mod:`handlers.statements`); the round's unguessable token, not its id."""
    return f"https://t.me/{bot_username}?start={DEEP_LINK_PREFIX}{round_.link_token}"


def message_text(t: Translator, group: Group, round_: Round, *, statements: int, voters: int, opinion_groups: int,
                 now: dt.datetime, bot_username: str) -> str:  # fmt: skip
    """The round's message: the question, how to vote and add statements, when it closes, the count."""
    closes = round_.voting_ends_at or now
    so_far = {"statements": t.ngettext("{count} statement", "{count} statements", statements),
              "voters": t.ngettext("{count} neighbour has voted", "{count} neighbours have voted", voters)}  # fmt: skip
    if opinion_groups:
        count = t._("So far: {statements}; {voters}; {groups}.", **so_far,
                    groups=t.ngettext("{count} opinion group", "{count} opinion groups", opinion_groups))  # fmt: skip
    else:
        count = t._("So far: {statements}; {voters}.", **so_far)
    return "\n".join((
        "<b>" + t._("Statements round #{number}", number=round_.number) + "</b>",
        t.user_text(round_.question),
        "",
        t._("Vote on your neighbours' statements one at a time, privately: agree, disagree or pass. {link}",
            link=voting_link(bot_username, round_)),
        t._("To add a statement of your own (at most {limit} characters), reply to this message.",
            limit=MAX_STATEMENT_LENGTH),
        t._("Voting closes {when} ({relative}).", when=t.when(closes, group.timezone),
            relative=t.relative(closes - now)),
        count,
    ))  # fmt: skip


async def _message(app: CoprodApplication, conn: Connection, group: Group, round_: Round) -> str:
    statements = len(await rounds.ideas(conn, round_.id, standing_only=True))
    voters = await stored.voters(conn, round_.id)
    opinion_groups = (await stored.opinion_map(conn, round_.id)).group_count
    t = i18n.translator(group.language)
    return message_text(t, group, round_, statements=statements, voters=voters, opinion_groups=opinion_groups,
                        now=app.services.clock.now(), bot_username=app.bot.username)  # fmt: skip


async def refresh_message(app: CoprodApplication, round_: Round) -> None:
    """Edit the round's running count (called debounced, see :mod:`bot.runtime.acknowledge`)."""
    async with app.services.db.read() as conn:
        round_ = await rounds.get(conn, round_.id)
        if round_.stage is not Stage.VOTING or round_.voting_message_id is None:
            return
        group = await groups.get(conn, round_.group_id)
        text = await _message(app, conn, group, round_)
    await app.bot.edit_message_text(
        text, chat_id=group.chat_id, message_id=round_.voting_message_id, **best_effort_args(app.bot)
    )


async def recorded_votes(app: CoprodApplication, round_: Round) -> tuple[np.ndarray, set[int]]:
    """Every vote of the round as rows of (member, statement, choice), and its standing
    statements (only votes on those count). Read a page at a time, each page made an array
    at once: the connection serves other members between pages, and no single step holds
    the interpreter for long."""
    pages = [np.empty((0, 3), dtype=np.int64)]
    after = (FIRST_KEY, FIRST_KEY)
    while True:
        async with app.services.db.read() as conn:
            page = await stored.votes_after(conn, round_.id, after, VOTES_PAGE)
        if page:
            pages.append(np.array(page, dtype=np.int64)[:, [0, 2, 3]])
        if len(page) < VOTES_PAGE:
            break
        after = page[-1][:2]
        await asyncio.sleep(0)
    async with app.services.db.read() as conn:
        standing = {idea.id for idea in await rounds.ideas(conn, round_.id, standing_only=True)}
    return np.concatenate(pages), standing


async def compute_map(app: CoprodApplication, round_: Round) -> OpinionMap:
    """Compute the round's opinion map from its votes in a worker thread, and store it."""
    votes, standing = await recorded_votes(app, round_)
    drawn = await asyncio.to_thread(opinion_map, votes, standing)
    async with app.services.db.transaction() as conn:
        await stored.save_map(conn, round_.id, drawn)
    log.info("event=opinion_groups round=%s votes=%s grouped=%s groups=%s", round_.id, len(votes),
             len(drawn.members), drawn.group_count)  # fmt: skip
    return drawn


async def _decision(conn: Connection, round_: Round) -> Decision:
    tallies = await stored.tallies(conn, round_.id)
    opinion = await stored.opinion_map(conn, round_.id)
    counts = group_counts(tallies, opinion, await stored.group_tallies(conn, round_.id))
    standing = await rounds.ideas(conn, round_.id, standing_only=True)
    return decide(standing, tallies, opinion, counts, await stored.voters(conn, round_.id))


class Statements:
    """:class:`~bot.flows.decisions.DecisionMethod` for statements and opinion groups."""

    async def open_vote(self, app: CoprodApplication, group: Group, round_: Round, standing: Sequence[Idea]) -> None:
        """Post the round's message (once: a replay after a crash finds it noted)."""
        if round_.voting_message_id is not None:
            return
        async with app.services.db.read() as conn:
            text = await _message(app, conn, group, round_)
        message = await app.bot.send_message(group.chat_id, text)
        async with app.services.db.transaction() as conn:
            await rounds.set_voting_message(conn, round_.id, message.message_id)

    async def end_vote(self, app: CoprodApplication, round_: Round) -> None:
        """The last opinion map, from every vote cast."""
        await compute_map(app, round_)

    async def count(self, conn: Connection, round_: Round) -> Decision:
        return await _decision(conn, round_)

    async def freeze(self, conn: Connection, round_: Round, decision: Decision) -> None:
        """Keep the ranking by consensus with the results of every round (summaries, export);
        the votes and the map, which the decision is counted from, no longer change."""
        await voting.freeze_results(conn, round_.id, decision)

    async def frozen(self, conn: Connection, round_: Round) -> Decision:
        return await _decision(conn, round_)

    async def voters_so_far(self, conn: Connection, round_: Round) -> int:
        return await stored.voters(conn, round_.id)

    async def votable(self, conn: Connection, round_: Round, standing: Sequence[Idea]) -> list[Idea]:
        return list(standing)

    def knows_voters(self, group: Group) -> bool:
        """No nudges: members vote privately, each at their own pace, through the round's link."""
        return False

    async def replied(self, app: CoprodApplication, round_: Round, *, member_id: int | None, text: str | None,
                      source: Source) -> bool:  # fmt: skip
        return False  # a reply to the round's message is a statement, taken as any idea

    async def answered_privately(self, app: CoprodApplication, member_id: int, text: str | None) -> int | None:
        return None


STATEMENTS = Statements()
