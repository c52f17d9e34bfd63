"""Personal notices: what they are about, and when one may be sent.

A notice tells one member privately what became of a round they took part in. Nobody wants
a message about a bench at midnight, so a notice falling in the group's quiet hours waits
for their end, in the group's time zone (where the round's neighbours live).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain.errors import DomainError, Quoted
from bot.domain.i18n import N_, Translator

QUIET_FROM = dt.time(21)
QUIET_UNTIL = dt.time(8)
# Nudges go to members who took part in the group this recently.
ACTIVE_WITHIN = dt.timedelta(days=60)


class NoticeKind(enum.StrEnum):
    RESULTS = "results"  # ref: round id
    OUTCOME = "outcome"  # ref: outcome update id
    NUDGE = "nudge"  # ref: round id; one per round and member
    CANCELLED = "cancelled"  # ref: round id; the round was cancelled before its results


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    group_id: int
    user_id: int
    round_id: int
    kind: NoticeKind
    ref_id: int
    due_at: dt.datetime


def deliver_at(now: dt.datetime, timezone: str) -> dt.datetime:
    """``now``, or the end of the quiet hours (08:00 local) when ``now`` falls within them."""
    local = now.astimezone(ZoneInfo(timezone))
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return now
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, QUIET_UNTIL, ZoneInfo(timezone)).astimezone(dt.UTC)


def parse_switch(t: Translator, word: str) -> bool:
    """``on`` or ``off`` (also in the reader's language)."""
    folded = word.casefold()
    if folded in ("on", t._("on").casefold()):
        return True
    if folded in ("off", t._("off").casefold()):
        return False
    raise DomainError(N_("“{value}” is not on or off. Write /notify on or /notify off."), value=Quoted(word))
