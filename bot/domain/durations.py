"""Durations as neighbours type them: ``90m``, ``6h``, ``1h30m``, ``1.5h``, ``3d``, ``1w``.

Two uses with different limits: the length of a round's stage (minutes to weeks) and
an amount of volunteered time in the ledger (15 minutes to 12 hours, whole minutes).
"""

from __future__ import annotations

import datetime as dt
import re

from bot.domain.errors import DomainError, Quoted
from bot.domain.i18n import N_

_UNIT_MINUTES = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}
_PART = re.compile(r"(\d+(?:[.,]\d+)?)([wdhm])")
# Anything that starts like a number glued to letters is an attempt at a duration,
# so "/round 5x Fix the bench" is an error rather than a question starting with "5x".
_LOOKS_LIKE_DURATION = re.compile(r"^[+-]?\d[\d.,]*[a-z][a-z\d.,]*$", re.IGNORECASE)

STAGE_MIN = dt.timedelta(minutes=1)
STAGE_MAX = dt.timedelta(weeks=8)
CREDIT_MIN_MINUTES = 15
CREDIT_MAX_MINUTES = 12 * 60


def looks_like_duration(token: str) -> bool:
    return bool(_LOOKS_LIKE_DURATION.match(token))


def _minutes(token: str) -> float | None:
    """Total minutes written in ``token``, or None if it is not a well-formed duration."""
    text = token.strip().lower()
    if not text:
        return None
    position, total, seen = 0, 0.0, set()
    for match in _PART.finditer(text):
        unit = match.group(2)
        if match.start() != position or unit in seen:
            return None
        seen.add(unit)
        total += float(match.group(1).replace(",", ".")) * _UNIT_MINUTES[unit]
        position = match.end()
    return total if position == len(text) else None


def parse_stage_duration(token: str) -> dt.timedelta:
    """The length of a round's stage, e.g. ``3d`` or ``1h30m``."""
    minutes = _minutes(token)
    if minutes is None or not minutes.is_integer():
        raise DomainError(
            N_("“{value}” is not a duration I understand. Write it like 90m, 6h, 3d or 1w."),
            value=Quoted(token),
        )
    duration = dt.timedelta(minutes=minutes)
    if not STAGE_MIN <= duration <= STAGE_MAX:
        raise DomainError(
            N_("A stage must last between 1 minute and 8 weeks, for example 3d or 6h."),
        )
    return duration


def parse_credit_minutes(token: str) -> int:
    """Volunteered time in whole minutes, between 15 minutes and 12 hours."""
    minutes = _minutes(token)
    if minutes is None or not minutes.is_integer():
        raise DomainError(
            N_("“{value}” is not an amount of time I understand. Write it like 30m, 2h, 1h30m or 1.5h."),
            value=Quoted(token),
        )
    if not CREDIT_MIN_MINUTES <= minutes <= CREDIT_MAX_MINUTES:
        raise DomainError(
            N_("Time must be between 15 minutes and 12 hours in one entry, for example 2h or 45m."),
        )
    return int(minutes)


def whole_minutes(duration: dt.timedelta) -> int:
    """A parsed stage duration as the whole minutes the settings and rounds store."""
    return int(duration.total_seconds() // 60)
