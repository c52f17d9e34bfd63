"""Decision methods behind one table: how a round's vote opens, ends and is counted.

:data:`DECISION_METHODS` maps each :class:`~bot.domain.decisions.Method` to its workflow,
the way :data:`bot.flows.DEADLINE_ACTIONS` maps deadline kinds to theirs; a round's own
``method`` picks it (:func:`method_of`). The stages around the vote are the same for every
method (:mod:`bot.flows.voting`), and so is what follows the close: every method's
:class:`~bot.domain.decisions.Decision` is published, told, summarised, charted and put on
the public page the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.domain.decisions import Decision, Method
from bot.domain.records import Group, Source
from bot.domain.rounds import Idea, Round
from bot.flows.decisions.approval import APPROVAL
from bot.flows.decisions.budget import BUDGET
from bot.flows.decisions.consent import CONSENT
from bot.flows.decisions.statements import STATEMENTS
from bot.runtime.application import CoprodApplication
from storage import Connection


class DecisionMethod(Protocol):
    """A way for a round to decide, from the moment it is voting to its frozen decision."""

    async def open_vote(self, app: CoprodApplication, group: Group, round_: Round, standing: Sequence[Idea]) -> None:
        """Post what members decide with, once the round is voting. Called again when its
        update is replayed after a crash: post only what was not posted yet."""

    async def end_vote(self, app: CoprodApplication, round_: Round) -> None:
        """End the vote outside the database (stop the polls, say) and store what it finally
        said, before the round closes."""

    async def count(self, conn: Connection, round_: Round) -> Decision:
        """The decision from everything stored, inside the transaction that closes the round."""

    async def freeze(self, conn: Connection, round_: Round, decision: Decision) -> None:
        """Store the decision as it stands at the close, in the same transaction."""

    async def frozen(self, conn: Connection, round_: Round) -> Decision:
        """A closed round's decision, as it was frozen."""

    async def voters_so_far(self, conn: Connection, round_: Round) -> int:
        """How many have taken part while the vote is open (for reminders)."""

    async def votable(self, conn: Connection, round_: Round, standing: Sequence[Idea]) -> list[Idea]:
        """Which of the standing ideas go to the vote (a budget's: those with a cost)."""

    def knows_voters(self, group: Group) -> bool:
        """Whether the bot knows who has voted (and so may nudge those who have not)."""

    async def replied(self, app: CoprodApplication, round_: Round, *, member_id: int | None, text: str | None,
                      source: Source) -> bool:  # fmt: skip
        """A member replied to the round's message while it is voting: take the reply (a
        reason, say) and return True, or False to treat it as any reply to a round."""

    async def answered_privately(self, app: CoprodApplication, member_id: int, text: str | None) -> int | None:
        """A member wrote privately with nothing else waiting for their words: if the method
        asked them for something (a reason), take it; the round's number, or None."""


DECISION_METHODS: Mapping[Method, DecisionMethod] = {
    Method.APPROVAL: APPROVAL,
    Method.STATEMENTS: STATEMENTS,
    Method.CONSENT: CONSENT,
    Method.BUDGET: BUDGET,
}


def method_of(round_: Round) -> DecisionMethod:
    return DECISION_METHODS[round_.method]


async def answered_privately(app: CoprodApplication, member_id: int, text: str | None) -> int | None:
    """Offer a member's private message to every method that may have asked them something."""
    for method in DECISION_METHODS.values():
        number = await method.answered_privately(app, member_id, text)
        if number is not None:
            return number
    return None
