"""Proposals: any member suggests a question; it opens as a round once enough neighbours support it.

Pure domain: the record, the 48-hour window, and the rules of a Support press. Sharing
power means a proposal needs no facilitator: the group's support threshold decides.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from bot.domain.decisions import Method
from bot.domain.errors import DomainError
from bot.domain.i18n import N_
from bot.domain.member_text import without_direction_controls
from bot.domain.rounds import check_question

SUPPORT_WINDOW = dt.timedelta(hours=48)


class ProposalStatus(enum.StrEnum):
    OPEN = "open"  # collecting supporters
    OPENED = "opened"  # became a round
    LAPSED = "lapsed"  # not enough support in time


@dataclass(frozen=True, slots=True)
class Proposal:
    id: int
    group_id: int
    question: str
    proposer_id: int
    message_id: int | None
    status: ProposalStatus
    created_at: dt.datetime
    expires_at: dt.datetime
    round_id: int | None
    method: Method = Method.APPROVAL  # what it opens as: a round of ideas, or a consent proposal


def check_can_support(proposal: Proposal, now: dt.datetime) -> None:
    """Refuse a Support press on a proposal that is no longer collecting support."""
    if proposal.status is ProposalStatus.OPENED:
        raise DomainError(N_("This proposal has already opened as a round."))
    if proposal.status is ProposalStatus.LAPSED or now >= proposal.expires_at:
        raise DomainError(N_("This proposal has lapsed; it can no longer be supported."))


def opening_interrupted(proposal: Proposal, supporters: int, threshold: int) -> bool:
    """Enough support but no round yet: opening it was cut short (a crash), and a press finishes it."""
    return proposal.status is not ProposalStatus.LAPSED and proposal.round_id is None and supporters >= threshold


CONSENT_WORD = "consent"


def parse_proposal(text: str) -> tuple[Method, str]:
    """``/propose question`` (a round of ideas) or ``/propose consent proposal`` (a consent
    proposal), and the question's checked text."""
    first, _, rest = without_direction_controls(text).strip().partition(" ")
    if first.casefold() == CONSENT_WORD:
        return Method.CONSENT, check_proposal_question(rest)
    return Method.APPROVAL, check_proposal_question(text)


def check_proposal_question(text: str) -> str:
    """The question of ``/propose``; the length limit is the same as a round's."""
    if not without_direction_controls(text).strip():
        raise DomainError(
            N_("Please write your question after the command, e.g. /propose Should we plant trees on Chapel Street?")
        )
    return check_question(text)
