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

from bot.domain import when
from bot.domain.errors import DomainError, Quoted, within_limit
from bot.domain.i18n import N_, Translator
from bot.domain.member_text import without_direction_controls
from bot.domain.when import Reader, fold

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


# How each status is shown (the words a facilitator reads back).
STATUS_WORDS = {
    OutcomeStatus.PLANNED: N_("planned"),
    OutcomeStatus.DONE: N_("done"),
    OutcomeStatus.DROPPED: N_("dropped"),
}
# How people write them: every way, in English and in the group's language ("|" between them).
# Translators: ways of saying an outcome is planned (not started yet), separated by |.
PLANNED_WORDS = N_("planned|not started|to do")
# Translators: ways of saying work on an outcome has started, without a percentage, separated by |.
IN_PROGRESS_WORDS = N_("in progress|started|ongoing|underway|under way")
# Translators: ways of saying an outcome is half done (50%), separated by |.
HALF_WORDS = N_("half done|halfway|half way")
# Translators: ways of saying an outcome is done, separated by |.
DONE_WORDS = N_("done|finished|completed")
# Translators: ways of saying an outcome will not happen, separated by |.
DROPPED_WORDS = N_("dropped|cancelled|canceled|abandoned")
# Translators: the word that starts a correction: "/outcome 3 fix Bench ordered", separated by |.
FIX_WORDS = N_("fix|correction")
NOT_A_STATUS = N_(
    "“{value}” is not a status. Write planned, in progress, a percentage such as 40%, half done, "
    "done or dropped, then what happened."
)
NOTHING_TO_FIX = N_("Write what the latest update should say or its status, e.g. /outcome 3 fix done: the bench is in.")

_PERCENT = re.compile(r"^[+-]?\d+(?:[.,]\d+)?%$")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_STATUS_PHRASES = (
    (PLANNED_WORDS, OutcomeStatus.PLANNED, None),
    (IN_PROGRESS_WORDS, OutcomeStatus.IN_PROGRESS, None),
    (HALF_WORDS, OutcomeStatus.IN_PROGRESS, 50),
    (DONE_WORDS, OutcomeStatus.DONE, None),
    (DROPPED_WORDS, OutcomeStatus.DROPPED, None),
)


@dataclass(frozen=True, slots=True)
class OutcomeUpdate:
    """One ``/outcome`` as read: the status it sets (None: unchanged) and what happened; a
    correction (``fixes``) replaces the latest update's status, its words, or both."""

    status: OutcomeStatus | None
    progress: int | None
    text: str
    fixes: bool = False


def _progress(token: str) -> int:
    number = token.rstrip("%").replace(",", ".")
    if "." in number or not 0 <= int(number) <= 100:
        raise DomainError(N_("“{value}” is not a progress I can record: write a whole percentage from 0% to 100%."),
                          value=Quoted(token))  # fmt: skip
    return int(number)


def _phrases(t: Translator, message: str) -> list[tuple[str, ...]]:
    return [tuple(fold(word) for word in text.split()) for part in {message, t._(message)}
            for text in part.split("|") if text.strip()]  # fmt: skip


def _leading_status(t: Translator, words: list[str]) -> tuple[OutcomeStatus, int | None, int] | None:
    """The status the first words say, with how many words it took: ``in progress``, ``50 %``, ``done``."""
    folded = [fold(word).rstrip(":") for word in words[:4]]
    if folded and _PERCENT.match(folded[0]):
        return OutcomeStatus.IN_PROGRESS, _progress(folded[0]), 1
    if len(folded) > 1 and _NUMBER.match(folded[0]) and folded[1] == "%":
        return OutcomeStatus.IN_PROGRESS, _progress(folded[0] + "%"), 2
    best = None
    for message, status, progress in _STATUS_PHRASES:
        for phrase in _phrases(t, message):
            if tuple(folded[: len(phrase)]) == phrase and (best is None or len(phrase) > best[2]):
                best = (status, progress, len(phrase))
    return best


def _meant_as_status(words: list[str]) -> str | None:
    """Words before a ":" among the first three, or a single word: what was meant as a status."""
    for index, word in enumerate(words[:3]):
        if word.endswith(":"):
            return " ".join(words[: index + 1]).rstrip(":")
    return words[0] if len(words) == 1 else None


def parse_update(t: Translator, text: str) -> OutcomeUpdate:
    """``[fix] [STATUS[:]] text``. Statuses are read as people write them (``in progress``,
    ``50 %``, ``half done``, ``finished``, in English or the group's language); words before a
    ":" or written alone are meant as a status, so a mistyped one is refused, never recorded
    as what happened."""
    words = text.split()
    fixes = bool(words) and any(fold(words[0]) == phrase[0] for phrase in _phrases(t, FIX_WORDS) if len(phrase) == 1)
    if fixes:
        words = words[1:]
    found = _leading_status(t, words)
    if found is not None:
        status, progress, used = found
        rest = " ".join(words[used:]).lstrip(":—- ").strip()
        if fixes and not rest:
            return OutcomeUpdate(status, progress, "", fixes=True)
        return OutcomeUpdate(status, progress, check_outcome(rest), fixes)
    meant = _meant_as_status(words)
    if meant is not None and not (fixes and len(words) == 1):
        raise DomainError(NOT_A_STATUS, value=Quoted(meant))
    if fixes and not words:
        raise DomainError(NOTHING_TO_FIX)
    return OutcomeUpdate(None, None, check_outcome(" ".join(words) if fixes else text), fixes)


def corrected(update: OutcomeUpdate, latest: Outcome) -> tuple[OutcomeStatus, int | None, str]:
    """The latest update as the correction leaves it: its status, its words, or both replaced."""
    if update.status is not None:
        status, progress = update.status, update.progress
    else:
        status, progress = OutcomeStatus(latest.status), latest.progress
    return status, progress, update.text or latest.text


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


REVIEW_TIME = dt.time(9)  # a review given as a day is due at 09:00 there


def parse_review(reader: Reader, text: str) -> dt.datetime:
    """``30d``, ``2 weeks``, ``a month``, ``12 Dec`` or ``2026-12-01`` (09:00 there): when the
    next update is due, within a year."""
    said = reader.whole(text, refusal=when.REVIEW_EXAMPLES)
    return when.within(said, text, start=reader.now, shortest=dt.timedelta(seconds=1), longest=REVIEW_MAX,
                       too_short=N_("That date has passed; the next update must be due in the future."),
                       too_long=N_("An update can be due at most a year from now."))  # fmt: skip


def status_text(t: Translator, status: OutcomeStatus, progress: int | None) -> str:
    if status is OutcomeStatus.IN_PROGRESS and progress is None:
        return t._("in progress")
    if status is OutcomeStatus.IN_PROGRESS:
        return t._("in progress ({percent})", percent=t.percent(progress / 100))
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
    corrects: int | None = None  # the update this one corrects (that one is no longer current)


def check_outcome(text: str) -> str:
    return within_limit(
        without_direction_controls(text).strip(),
        MAX_OUTCOME_LENGTH,
        empty=N_("Please write what happened after the round number, e.g. /outcome 3 The council fixed the bench."),
        too_long=N_("That outcome is {length} characters long; please keep it within {limit} characters."),
    )
