"""Lengths of time and their limits: a round's stage (a minute to 8 weeks) and an amount of
volunteered time in the ledger (15 minutes to 12 hours, whole minutes).

How people write a length (``90m``, ``1h30m``, ``2 days``, ``half an hour``) is read by
:mod:`bot.domain.when`; this module holds the compact form it starts from and the checks
every use applies to what was read.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.domain.errors import DomainError
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

STAGE_LIMITS = N_("A stage must last between 1 minute and 8 weeks, for example 3d or 6h.")
CREDIT_LIMITS = N_("Time must be between 15 minutes and 12 hours in one entry, for example 2h or 45m.")


def looks_like_duration(token: str) -> bool:
    return bool(_LOOKS_LIKE_DURATION.match(token))


def compact_minutes(token: str) -> float | None:
    """Total minutes written compactly in ``token`` (``90m``, ``1h30m``, ``1.5h``, ``3d``,
    ``1w``, each unit at most once), or None if it is not written so."""
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


def check_stage(length: dt.timedelta) -> dt.timedelta:
    """A stage's length, refused outside :data:`STAGE_MIN` to :data:`STAGE_MAX` or when it is
    not whole minutes."""
    if not STAGE_MIN <= length <= STAGE_MAX or length % dt.timedelta(minutes=1):
        raise DomainError(STAGE_LIMITS)
    return length


def check_credit(length: dt.timedelta) -> int:
    """Volunteered time in whole minutes, between 15 minutes and 12 hours."""
    minutes = length / dt.timedelta(minutes=1)
    if not minutes.is_integer() or not CREDIT_MIN_MINUTES <= minutes <= CREDIT_MAX_MINUTES:
        raise DomainError(CREDIT_LIMITS)
    return int(minutes)


def whole_minutes(duration: dt.timedelta) -> int:
    """A stage length as the whole minutes the settings and rounds store."""
    return int(duration.total_seconds() // 60)
