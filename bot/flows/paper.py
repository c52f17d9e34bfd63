"""Paper votes follow the ideas they count: a merge moves them, a withdrawal or new words end them.

A paper tally counts votes per idea as the ballots read on the day they were counted. When
an idea changes afterwards, the change writes a tally of its own (append-only, with its
reason) in the same transaction, so results never count paper votes for words nobody voted
on: the folded idea's votes move to the kept one where the count says how many ballots
ticked both (:func:`bot.domain.inclusion.merged_paper`, else the merge is refused), and a
withdrawn or reworded idea's votes stop counting. The facilitators are told to enter the
tally again whenever votes stop counting.
"""

from __future__ import annotations

import datetime as dt

from bot.domain.i18n import Translator
from bot.domain.inclusion import TallyReason, merged_paper, without_idea
from bot.domain.rounds import Idea, Round, fold
from storage import Connection, paper


async def fold_into(conn: Connection, round_: Round, kept: Idea, folded: Idea, *, by: int | None,
                    now: dt.datetime) -> int | None:  # fmt: skip
    """Before ``folded`` is merged into ``kept``: move its paper votes (a DomainError when the
    count cannot say how many ballots ticked both). The kept idea's paper votes now, or None
    when nothing moved."""
    tally = await paper.latest(conn, round_.id)
    votes = merged_paper(tally, kept, folded, round_.number) if tally is not None else None
    if votes is None:
        return None
    await paper.enter(conn, round_id=round_.id, voters=tally.voters, votes=votes, entered_by=by, now=now,
                      reason=TallyReason.MERGED)  # fmt: skip
    return votes[kept.id]


async def end_votes(conn: Connection, round_: Round, idea: Idea, reason: TallyReason, *, by: int | None,
                    now: dt.datetime) -> int:  # fmt: skip
    """``idea``'s paper votes stop counting (it was withdrawn, or its words changed); how many
    they were (0 when it had none)."""
    tally = await paper.latest(conn, round_.id)
    votes = without_idea(tally, idea) if tally is not None else None
    if votes is None:
        return 0
    await paper.enter(conn, round_id=round_.id, voters=tally.voters, votes=votes, entered_by=by, now=now,
                      reason=reason)  # fmt: skip
    return tally.votes[idea.id]


def words_changed(idea: Idea, new_text: str) -> bool:
    """Whether the idea now says something else (not just other capitals or punctuation)."""
    return bool(idea.text) and fold(idea.text) != fold(new_text)


def moved_text(t: Translator, kept: Idea, votes: int) -> str:
    return t.ngettext("On paper, idea {number} now has {count} vote.", "On paper, idea {number} now has {count} votes.",
                      votes, number=kept.number)  # fmt: skip


def ended_text(t: Translator, round_: Round, idea: Idea, votes: int, reason: TallyReason) -> str:
    """What the group is told when an idea's paper votes stop counting."""
    if reason is TallyReason.WORDS_CHANGED:
        said = t.ngettext(
            "Idea {number} now says something else, so its {count} paper vote no longer counts: it was for the old words.",
            "Idea {number} now says something else, so its {count} paper votes no longer count: they were for the old words.",
            votes, number=idea.number,
        )  # fmt: skip
    else:
        said = t.ngettext("Its {count} paper vote no longer counts.", "Its {count} paper votes no longer count.", votes)
    again = t._("Facilitators: count the paper ballots again and enter the tally with /paper {round}.",
                round=round_.number)  # fmt: skip
    return f"{said} {again}"
