"""Consent proposals: one proposal, and where each member stands on it.

Loomio's proposal, with its default rule: members Agree, Abstain, Object or Block, and may
change their position until the deadline. Object and Block ask for a reason, shown with
the member's name unless they hid it (``/privacy``). The proposal **passes** when more
members agree than object, nobody blocks, and the quorum is met; a block is a strong
signal to talk, not a veto beyond discussion: the result names every block and objection
with its reason, and a facilitator can amend the proposal and run it again.

The quorum is how many members must take a position (any position, abstaining included)
for the result to count: none (the default), a number (``/settings quorum 5``) or a share
of the members seen in the group in the last 60 days (``/settings quorum 30%``), worked
out when the proposal opens and stated in it, so the rule never changes during the vote.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.domain.decisions import Decision, Method, Placing, Position, Reason, Tally, Verdict
from bot.domain.errors import DomainError, within_limit
from bot.domain.i18n import N_
from bot.domain.member_text import without_direction_controls
from bot.domain.numbers import parse_number
from bot.domain.rounds import MAX_QUESTION_LENGTH, read_stages, stage_end
from bot.domain.when import Reader

MAX_REASON_LENGTH = 500
MAX_QUORUM = 100_000
ASKS_REASON = frozenset({Position.DISAGREE, Position.BLOCK})
POSITIONS = (Position.AGREE, Position.ABSTAIN, Position.DISAGREE, Position.BLOCK)  # the buttons' order
LATEST_REASONS = 3  # shown on the proposal message; /reasons N lists them all


@dataclass(frozen=True, slots=True)
class ConsentRequest:
    """What ``/consent [WHEN] proposal`` asks for."""

    voting_ends_at: dt.datetime | None  # None: the group's voting length
    proposal: str


def check_proposal(text: str) -> str:
    return within_limit(
        without_direction_controls(text).strip(),
        MAX_QUESTION_LENGTH,
        empty=N_("Please write the proposal after the command, e.g. /consent 3d Shall we start a tool library in the community centre?"),
        too_long=N_("That proposal is {length} characters long; please keep it within {limit}."),
    )


def parse_consent(reader: Reader, text: str) -> ConsentRequest:
    """An optional length or end of the vote (as a round's stages are written), then the proposal."""
    stages, proposal = read_stages(reader, text, limit=1)
    ends_at = stage_end(stages[0], text, start=reader.now) if stages else None
    return ConsentRequest(ends_at, check_proposal(proposal))


def check_reason(text: str | None) -> str:
    return within_limit(
        without_direction_controls(text or "").strip(),
        MAX_REASON_LENGTH,
        empty=N_("Please write your reason as text."),
        too_long=N_("That reason is {length} characters long; please keep it within {limit}."),
    )


# ------------------------------------------------------------------------ the quorum


@dataclass(frozen=True, slots=True)
class Quorum:
    """A group's quorum setting: none, a number of members, or a percentage of those active."""

    members: int = 0
    percent: int = 0

    @classmethod
    def parse(cls, text: str) -> Quorum:
        word = text.strip().lower()
        if word in ("off", "0", "none"):
            return cls()
        if word.endswith("%") and (share := parse_number(word[:-1].strip())) is not None and share <= 100:
            return cls(percent=share)
        if (count := parse_number(word)) is not None and count <= MAX_QUORUM:
            return cls(members=count)
        raise DomainError(QUORUM_FORM)

    @property
    def text(self) -> str:
        """As stored in the group's settings: ``off``, ``5`` or ``30%``."""
        if self.percent:
            return f"{self.percent}%"
        return str(self.members) if self.members else "off"

    def needed(self, active: int) -> int:
        """Members who must take part, with ``active`` members seen in the last 60 days."""
        if self.percent:
            return math.ceil(active * self.percent / 100)
        return self.members


QUORUM_FORM = N_(
    "Write the quorum as a number of neighbours (/settings quorum 5), a share of those active in the last 60 days "
    "(/settings quorum 30%), or /settings quorum off."
)


# ------------------------------------------------------------------------ the verdict


def verdict(counts: Mapping[Position, int], quorum: int) -> Verdict:
    """Loomio's default rule: passes when agree > object, no block, and the quorum is met."""
    if sum(counts.values()) < quorum:
        return Verdict.NO_QUORUM
    if counts.get(Position.BLOCK, 0) == 0 and counts.get(Position.AGREE, 0) > counts.get(Position.DISAGREE, 0):
        return Verdict.PASSED
    return Verdict.NOT_PASSED


@dataclass(frozen=True, slots=True)
class Stance:
    """One member's position on a proposal, as stored."""

    user_id: int
    position: Position
    reason: str | None
    changed_at: dt.datetime


def counted(stances: Iterable[Stance]) -> dict[Position, int]:
    counts = dict.fromkeys(POSITIONS, 0)
    for stance in stances:
        counts[stance.position] += 1
    return counts


def decide(
    question: str, counts: Mapping[Position, int], quorum: int, reasons: tuple[Reason, ...],
    frozen: Verdict | None = None,
) -> Decision:  # fmt: skip
    """The proposal's decision: its positions, the verdict (``frozen`` once closed), the reasons."""
    taking_part = sum(counts.values())
    ruled = frozen or verdict(counts, quorum)
    tally = Tally(0, 0, question, taking_part, positions=tuple((position, counts.get(position, 0)) for position in POSITIONS))
    placing = Placing(1, False, tally, 1.0 if taking_part else 0.0)
    return Decision((placing,), taking_part, 0, Method.CONSENT, chosen=(0,) if ruled is Verdict.PASSED else (),
                    verdict=ruled, quorum=quorum, reasons=reasons)  # fmt: skip
