"""Workflows that handlers and deadlines share, one module per feature.

A flow takes the application rather than an update: opening voting, publishing results,
lapsing an entry, posting a summary. Handlers call flows after parsing a member's update;
deadlines call them when their time comes, through :data:`DEADLINE_ACTIONS`, the one table
of what each kind of stored deadline does.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.deadline_kinds import DeadlineKind
from bot.flows import (
    credits,
    needs,
    notices,
    outcomes,
    proposals,
    reminders,
    statements,
    summaries,
    voting,
)
from bot.runtime.application import DeadlineAction

DEADLINE_ACTIONS: Mapping[str, DeadlineAction] = {
    DeadlineKind.IDEAS_END: voting.ideas_ended,
    DeadlineKind.VOTING_END: voting.voting_ended,
    DeadlineKind.REMINDER_IDEAS: reminders.remind,
    DeadlineKind.REMINDER_VOTING: reminders.remind,
    DeadlineKind.PROPOSAL_LAPSE: proposals.lapse,
    DeadlineKind.CREDIT_LAPSE: credits.lapse_entry,
    DeadlineKind.POSTING_LAPSE: needs.lapse_posting,
    DeadlineKind.SUMMARY: summaries.summary_due,
    DeadlineKind.OUTCOME_REVIEW: outcomes.review_due_now,
    DeadlineKind.NOTICES: notices.deliver_due,
    DeadlineKind.OPINION_GROUPS: statements.groups_due,
}
