"""What a deadline row can stand for, and when the reminder of a stage falls.

Pure and import-free so both ``storage.deadlines`` (which writes a stage's reminder row
together with the stage deadline) and ``bot.runtime.deadlines`` (which serves the rows) can use it.
"""

from __future__ import annotations

import datetime as dt
import enum

# A stage of two days or more is reminded a day before it ends; a shorter one at three
# quarters of its length, so a 2-hour stage still gets its nudge half an hour before.
REMIND_BEFORE = dt.timedelta(days=1)
SHORT_STAGE = dt.timedelta(days=2)


class DeadlineKind(enum.StrEnum):
    IDEAS_END = "ideas_end"  # ref: round id
    VOTING_END = "voting_end"  # ref: round id
    PROPOSAL_LAPSE = "proposal_lapse"  # ref: proposal id
    CREDIT_LAPSE = "credit_lapse"  # ref: ledger entry id
    POSTING_LAPSE = "posting_lapse"  # ref: need or offer id
    REMINDER_IDEAS = "reminder_ideas"  # ref: round id
    REMINDER_VOTING = "reminder_voting"  # ref: round id
    SUMMARY = "summary"  # ref: group id; the group's next scheduled summary
    OUTCOME_REVIEW = "outcome_review"  # ref: round id; its outcome's next update is due
    NOTICES = "notices"  # ref: group id; its next private notices are due
    OPINION_GROUPS = "opinion_groups"  # ref: round id; a statements round's groups are due to be recomputed


REMINDER_OF: dict[str, DeadlineKind] = {
    DeadlineKind.IDEAS_END: DeadlineKind.REMINDER_IDEAS,
    DeadlineKind.VOTING_END: DeadlineKind.REMINDER_VOTING,
}


def reminder_due(starts_at: dt.datetime, ends_at: dt.datetime) -> dt.datetime:
    """When to remind the group of a stage running from ``starts_at`` to ``ends_at``."""
    length = ends_at - starts_at
    if length >= SHORT_STAGE:
        return ends_at - REMIND_BEFORE
    return starts_at + length * 3 / 4
