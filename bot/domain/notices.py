"""Personal notices: what they are about, when one may be sent, and when it is tried again.

A notice tells one member privately something that is not the answer to their own action:
what became of a round they took part in, a nudge to vote, that their need or offer lapsed,
or who answered it. Nobody wants a message about a bench at midnight, so a notice falling in
the group's quiet hours waits for their end, in the group's time zone (where the round's
neighbours live). A notice Telegram refuses (other than a 403, which makes the member
unreachable) is tried again after :data:`RETRY_AFTER`, then given up as failed.
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
# The pauses before each new try of a notice Telegram refused; after the last, it failed.
RETRY_AFTER = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30))


class NoticeKind(enum.StrEnum):
    RESULTS = "results"  # ref: round id
    OUTCOME = "outcome"  # ref: outcome update id
    NUDGE = "nudge"  # ref: round id; one per round and member
    CANCELLED = "cancelled"  # ref: round id; the round was cancelled before its results
    LAPSE = "lapse"  # ref: the need or offer that lapsed; no round
    INTRODUCTION = "introduction"  # ref: the connection; to the one who did not press; no round

    @property
    def told_in_group(self) -> bool:
        """Whether the group hears how many neighbours a round's notices of this kind reached."""
        return self in (NoticeKind.RESULTS, NoticeKind.OUTCOME, NoticeKind.CANCELLED)


class NoticeResult(enum.StrEnum):
    """How a notice was settled; it is never tried again after any of these."""

    SENT = "sent"
    UNREACHABLE = "unreachable"  # Telegram answered 403: the member blocked the bot
    OFF = "off"  # the member cannot or does not want to be told (/notify off, never started, forgotten)
    DEPARTED = "departed"  # the member is no longer in the group it is about
    FAILED = "failed"  # Telegram refused it every time it was tried


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    group_id: int
    user_id: int
    round_id: int | None  # None for a notice about a need or an offer
    kind: NoticeKind
    ref_id: int
    due_at: dt.datetime
    attempts: int = 0  # tries Telegram refused so far


def deliver_at(now: dt.datetime, timezone: str) -> dt.datetime:
    """``now``, or the end of the quiet hours (08:00 local) when ``now`` falls within them."""
    local = now.astimezone(ZoneInfo(timezone))
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return now
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, QUIET_UNTIL, ZoneInfo(timezone)).astimezone(dt.UTC)


def next_try(refused: int, now: dt.datetime, timezone: str) -> dt.datetime | None:
    """When a notice Telegram has refused ``refused`` times is tried again (outside the quiet
    hours), or None: it has been tried often enough and failed."""
    if refused > len(RETRY_AFTER):
        return None
    return deliver_at(now + RETRY_AFTER[refused - 1], timezone)


def parse_switch(t: Translator, word: str) -> bool:
    """``on`` or ``off`` (also in the reader's language)."""
    folded = word.casefold()
    if folded in ("on", t._("on").casefold()):
        return True
    if folded in ("off", t._("off").casefold()):
        return False
    raise DomainError(N_("“{value}” is not on or off. Write /notify on or /notify off."), value=Quoted(word))
