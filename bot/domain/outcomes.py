"""What became of a round after the vote: an outcome's status, read from ``/outcome``, and
when its next update is due.

An outcome is a history, never an edited line: each ``/outcome`` appends an update with a
status. Facilitators write the status in English or in the group's language; percentages
mean "in progress". Hours members linked to the round (``/log 2h for #3 ...``) are shown
with it, so the group sees what its own time achieved.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from bot.domain.durations import parse_stage_duration
from bot.domain.errors import DomainError, Quoted, within_limit
from bot.domain.i18n import N_, Translator
from bot.domain.member_text import without_direction_controls

MAX_OUTCOME_LENGTH = 1000

# Without a /review, an outcome still open is due for an update this long after its last one.
REVIEW_AFTER = dt.timedelta(days=30)
REVIEW_MAX = dt.timedelta(days=366)


class OutcomeStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def finished(self) -> bool:
        """Done and dropped outcomes are not reviewed any more."""
        return self in (OutcomeStatus.DONE, OutcomeStatus.DROPPED)


# The words a facilitator may write; the percentage is the fourth way (in progress).
STATUS_WORDS = {
    OutcomeStatus.PLANNED: N_("planned"),
    OutcomeStatus.DONE: N_("done"),
    OutcomeStatus.DROPPED: N_("dropped"),
}

_PERCENT = re.compile(r"^[+-]?\d+(?:[.,]\d+)?%$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class OutcomeUpdate:
    """One ``/outcome`` as read: the status it sets (None: unchanged) and what happened."""

    status: OutcomeStatus | None
    progress: int | None
    text: str


def _progress(token: str) -> int:
    number = token[:-1].replace(",", ".")
    if "." in number or not 0 <= int(number) <= 100:
        raise DomainError(N_("“{value}” is not a progress I can record: write a whole percentage from 0% to 100%."),
                          value=Quoted(token))  # fmt: skip
    return int(number)


def _status_word(t: Translator, token: str) -> OutcomeStatus | None:
    word = token.rstrip(":").casefold()
    for status, message in STATUS_WORDS.items():
        if word in (message.casefold(), t._(message).casefold()):
            return status
    return None


def parse_update(t: Translator, text: str) -> OutcomeUpdate:
    """``[STATUS] text``. A first word ending in ":" or written alone is meant as a status,
    so a mistyped one is refused rather than recorded as what happened."""
    parts = text.split(maxsplit=1)
    first, rest = (parts[0], parts[1] if len(parts) > 1 else "") if parts else ("", "")
    if _PERCENT.match(first):
        return OutcomeUpdate(OutcomeStatus.IN_PROGRESS, _progress(first), check_outcome(rest))
    status = _status_word(t, first) if first else None
    if status is not None:
        return OutcomeUpdate(status, None, check_outcome(rest))
    if first.endswith(":") or (first and not rest):
        raise DomainError(
            N_("“{value}” is not a status. Write planned, a percentage such as 40%, done or dropped, then what happened."),
            value=Quoted(first.rstrip(":")),
        )
    return OutcomeUpdate(None, None, check_outcome(text))


def next_status(
    update: OutcomeUpdate, previous: tuple[OutcomeStatus, int | None] | None
) -> tuple[OutcomeStatus, int | None]:
    """The status after ``update``: as written, else as it was, else planned (the first update)."""
    if update.status is not None:
        return update.status, update.progress
    return previous if previous is not None else (OutcomeStatus.PLANNED, None)


def review_due(status: OutcomeStatus, last_update: dt.datetime) -> dt.datetime | None:
    """When an update is due by default; never once the outcome is done or dropped."""
    return None if status.finished else last_update + REVIEW_AFTER


def parse_review(token: str, now: dt.datetime, timezone: dt.tzinfo) -> dt.datetime:
    """``30d``, ``2w`` or a date (``2026-12-01``, 09:00 there): when the next update is due."""
    if _DATE.match(token):
        try:
            day = dt.date.fromisoformat(token)
        except ValueError:
            raise DomainError(_BAD_REVIEW, value=Quoted(token)) from None
        due = dt.datetime.combine(day, dt.time(9), timezone).astimezone(dt.UTC)
    else:
        try:
            due = now + parse_stage_duration(token)
        except DomainError:
            raise DomainError(_BAD_REVIEW, value=Quoted(token)) from None
    if due <= now:
        raise DomainError(N_("That date has passed; the next update must be due in the future."))
    if due - now > REVIEW_MAX:
        raise DomainError(N_("An update can be due at most a year from now."))
    return due


_BAD_REVIEW = N_("“{value}” is not a time I understand. Write it like 30d, 2w or 2026-12-01.")


def status_text(t: Translator, status: OutcomeStatus, progress: int | None) -> str:
    if status is OutcomeStatus.IN_PROGRESS:
        return t._("in progress ({percent})", percent=t.percent((progress or 0) / 100))
    return t._(STATUS_WORDS[status])


@dataclass(frozen=True, slots=True)
class Outcome:
    """One update of what happened after a round ("you said, we did"); the latest one is
    shown, the earlier ones are its history. ``status`` is an :class:`~bot.domain.outcomes.OutcomeStatus` value."""

    id: int
    round_id: int
    text: str
    recorded_by: int | None
    recorded_at: dt.datetime
    message_id: int | None  # the message that announced it, once posted
    status: str = "planned"
    progress: int | None = None  # percent, while in progress


def check_outcome(text: str) -> str:
    return within_limit(
        without_direction_controls(text).strip(),
        MAX_OUTCOME_LENGTH,
        empty=N_("Please write what happened after the round number, e.g. /outcome 3 The council fixed the bench."),
        too_long=N_("That outcome is {length} characters long; please keep it within {limit} characters."),
    )
