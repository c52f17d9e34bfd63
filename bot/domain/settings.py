"""A group's settings: what each one accepts, parsed and checked before anything is saved.

Pure: :func:`parse` turns ``/settings NAME VALUE`` into the column values to store, or
raises a :class:`~bot.domain.errors.DomainError` that shows the allowed form. The summary
schedule also knows when its next summary falls, in the group's own time zone.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, available_timezones

from bot.domain import i18n, when
from bot.domain.decisions.budget import RULE_NAMES
from bot.domain.decisions.consent import Quorum
from bot.domain.durations import whole_minutes
from bot.domain.errors import DomainError, Quoted
from bot.domain.i18n import N_
from bot.domain.numbers import parse_number
from bot.domain.rounds import MAX_IDEA_CAP
from bot.domain.when import Reader

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
_HOURS = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)h?$", re.IGNORECASE)

SCHEDULE_FORM = N_("Write the summary schedule as off, daily HH:MM or weekly DAY HH:MM, for example: /settings summary weekly mon 09:00")


@dataclass(frozen=True, slots=True)
class SummarySchedule:
    """``off``, ``daily HH:MM`` or ``weekly DAY HH:MM``; stored as its canonical text."""

    every: str  # "off", "daily" or "weekly"
    weekday: int | None = None  # 0 = Monday, for weekly
    time: dt.time | None = None

    @classmethod
    def parse(cls, text: str) -> SummarySchedule:
        words = text.lower().split()
        if words == ["off"]:
            return cls("off")
        if len(words) == 2 and words[0] == "daily" and (time := _parse_time(words[1])):
            return cls("daily", None, time)
        if len(words) == 3 and words[0] == "weekly" and (time := _parse_time(words[2])):
            weekday = _weekday(words[1])
            if weekday is not None:
                return cls("weekly", weekday, time)
        raise DomainError(SCHEDULE_FORM)

    @classmethod
    def read(cls, reader: Reader, text: str) -> SummarySchedule:
        """The schedule as a facilitator writes it: ``weekly friday 6pm``, ``daily 18:00``,
        ``off``, in English or the group's language (weekdays and times as :mod:`bot.domain.when` reads them)."""
        words = text.split()
        every, rest = _every(reader.t, words)
        if every == "off" and not rest:
            return cls("off")
        if every == "daily" and rest and (time := reader.time_of_day(" ".join(rest))):
            return cls("daily", None, time)
        if every == "weekly" and len(rest) >= 2 and (weekday := _weekday(rest[0], reader)) is not None:
            time = reader.time_of_day(" ".join(rest[1:]))
            if time is not None:
                return cls("weekly", weekday, time)
        raise DomainError(SCHEDULE_FORM)

    @property
    def text(self) -> str:
        if self.every == "off" or self.time is None:
            return "off"
        clock = self.time.strftime("%H:%M")
        if self.every == "daily":
            return f"daily {clock}"
        return f"weekly {WEEKDAYS[self.weekday or 0]} {clock}"

    def next_after(self, moment: dt.datetime, timezone: str) -> dt.datetime | None:
        """The first scheduled time strictly after ``moment`` (UTC), or None when off.

        Computed on the local calendar, so 09:00 stays 09:00 across daylight-saving
        changes; a time skipped by the clock change falls at the same offset as before it.
        """
        if self.every == "off" or self.time is None:
            return None
        zone = ZoneInfo(timezone)
        day = moment.astimezone(zone).date()
        for offset in range(8):
            candidate_day = day + dt.timedelta(days=offset)
            if self.every == "weekly" and candidate_day.weekday() != self.weekday:
                continue
            local = dt.datetime.combine(candidate_day, self.time, tzinfo=zone)
            candidate = local.astimezone(dt.UTC)
            if candidate > moment:
                return candidate
        raise AssertionError("a daily or weekly schedule always falls within eight days")


_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Translators: the ways of writing "every day" in /settings summary daily 18:00, separated by |.
DAILY_WORDS = N_("daily|every day")
# Translators: the ways of writing "every week" in /settings summary weekly friday 18:00, separated by |.
WEEKLY_WORDS = N_("weekly|every week")


def _every(t: i18n.Translator, words: list[str]) -> tuple[str | None, list[str]]:
    """``off``, ``daily`` or ``weekly`` as the schedule starts (in English or ``t``'s words), and the rest."""
    folded = [when.fold(word) for word in words]
    for every, message in (("off", "off"), ("daily", DAILY_WORDS), ("weekly", WEEKLY_WORDS)):
        for text in {message, t._(message)}:
            for phrase in (tuple(when.fold(word) for word in part.split()) for part in text.split("|")):
                if phrase and tuple(folded[: len(phrase)]) == phrase:
                    return every, words[len(phrase):]
    return None, words


def _weekday(word: str, reader: Reader | None = None) -> int | None:
    """0 for ``mon``, ``monday`` or anything in between (or a weekday in the group's language);
    None for ``funday``."""
    lowered = word.lower()
    for index, name in enumerate(_DAY_NAMES):
        if len(lowered) >= 3 and name.startswith(lowered):
            return index
    return reader.weekday(word) if reader is not None else None


def _parse_time(text: str) -> dt.time | None:
    match = _TIME.match(text)
    return dt.time(int(match.group(1)), int(match.group(2))) if match else None


def _language(value: str, _reader: Reader) -> dict[str, object]:
    """A code or a language's name, as ``/language`` takes them."""
    language = i18n.language_named(value)
    if language is None:
        raise DomainError(
            N_("“{value}” is not a language I speak. Choose one of: {languages}."),
            value=Quoted(value),
            languages=", ".join(i18n.available_languages()),
        )
    return {"language": language}


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_timezone(value: str) -> str:
    """Only names in the time zone database: anything else (a path, 5,000 characters, a NUL)
    is refused before it reaches the file system."""
    if value not in _known_zones():
        raise DomainError(
            N_("“{value}” is not a time zone I know. Use a name like Europe/London or Asia/Karachi."),
            value=Quoted(value),
        )
    return value


def _timezone(value: str, _reader: Reader) -> dict[str, object]:
    return {"timezone": check_timezone(value)}


def _summary(value: str, reader: Reader) -> dict[str, object]:
    return {"summary_schedule": SummarySchedule.read(reader, value).text}


def _stage_length(column: str) -> Parser:
    """A stage's default length (``ideas``, ``vote``: ``3d``, ``2 days``), stored in whole minutes."""
    return lambda value, reader: {column: whole_minutes(when.stage_length(reader, value))}


def _switch(column: str, usage: str) -> Parser:
    """A setting that is on or off (in English or the group's language); anything else is refused with ``usage``."""

    def parse(value: str, reader: Reader) -> dict[str, object]:
        choice = value.casefold()
        for on, word in ((True, "on"), (False, "off")):
            if choice in (word, reader.t._(word).casefold()):
                return {column: on}
        raise DomainError(usage)

    return parse


def _support(value: str, _reader: Reader) -> dict[str, object]:
    threshold = parse_number(value)  # "²" passes str.isdigit but is no number
    if threshold is None:
        raise DomainError(
            N_("The support threshold is how many neighbours must back a proposal: a whole number, at least 1, for example /settings support 3.")
        )
    return {"support_threshold": threshold}


def _floor(value: str, _reader: Reader) -> dict[str, object]:
    match = _HOURS.match(value.strip())
    hours = float(match.group(1).replace(",", ".")) if match else None
    if hours is None or hours > 0 or not (hours * 60).is_integer() or hours < -1000:
        raise DomainError(
            N_("The floor is the lowest balance anyone may reach, in hours, zero or below, for example /settings floor -10h.")
        )
    return {"floor_minutes": int(hours * 60)}


def _cap(value: str, _reader: Reader) -> dict[str, object]:
    cap = parse_number(value)
    if cap is None or cap > MAX_IDEA_CAP:
        raise DomainError(
            N_("The cap is how many ideas one member may put into one round: a whole number from 1 to {most}, for example /settings cap 10."),
            most=MAX_IDEA_CAP,
        )
    return {"idea_cap": cap}


def _quorum(value: str, _reader: Reader) -> dict[str, object]:
    return {"quorum": Quorum.parse(value).text}


def _rule(value: str, _reader: Reader) -> dict[str, object]:
    rule = RULE_NAMES.get(value.lower())
    if rule is None:
        raise DomainError(N_("Write /settings rule equal-shares (the Method of Equal Shares) or /settings rule greedy (most votes first, while the money lasts)."))
    return {"budget_rule": rule.value}


def _spend(value: str, _reader: Reader) -> dict[str, object]:
    share = parse_number(value.removesuffix("%").strip()) if value not in ("0", "0%") else 0
    if share is None or share > 100:
        raise DomainError(N_("Write the least share of the budget a ballot must spend, from 0% to 100%, for example /settings spend 50%."))
    return {"budget_min_spend": share}


PROJECTS_FORM = N_("Write how many projects a budget ballot may choose as N-M (at least N, at most M), N+ (at least N) or any, for example /settings projects 1-5.")


def _projects(value: str, _reader: Reader) -> dict[str, object]:
    word = value.lower()
    if word == "any":
        return {"budget_min_projects": 1, "budget_max_projects": None}
    if word.endswith("+") and (least := parse_number(word[:-1])) is not None:
        return {"budget_min_projects": least, "budget_max_projects": None}
    least_text, dash, most_text = word.partition("-")
    least, most = parse_number(least_text), parse_number(most_text)
    if not dash or least is None or most is None or least > most:
        raise DomainError(PROJECTS_FORM)
    return {"budget_min_projects": least, "budget_max_projects": most}


Parser = Callable[[str, Reader], dict[str, object]]
PARSERS: dict[str, Parser] = {
    "language": _language,
    "timezone": _timezone,
    "summary": _summary,
    "ideas": _stage_length("ideas_minutes"),
    "vote": _stage_length("vote_minutes"),
    "anonymous": _switch("anonymous_votes", N_("Write /settings anonymous on (votes are secret) or /settings anonymous off.")),
    "support": _support,
    "floor": _floor,
    "cap": _cap,
    "public": _switch("public_page", N_("Write /settings public on (the bot keeps a public web page of the group's rounds, results, outcomes and hours) or /settings public off.")),
    "quorum": _quorum,
    "rule": _rule,
    "spend": _spend,
    "projects": _projects,
}


def parse(name: str, value: str, reader: Reader) -> dict[str, object]:
    """The stored values for ``/settings NAME VALUE``; nothing is returned half-checked."""
    parser = PARSERS.get(name.lower())
    if parser is None:
        raise DomainError(
            N_("I don't have a setting called “{name}”. The settings are: {names}."),
            name=Quoted(name),
            names=", ".join(PARSERS),
        )
    if not value.strip():
        raise DomainError(N_("Please give a value, for example /settings {name} {example}."), name=name.lower(),
                          example=EXAMPLES[name.lower()])  # fmt: skip
    return parser(value.strip(), reader)


EXAMPLES = {
    "language": "pl",
    "timezone": "Europe/London",
    "summary": "weekly mon 09:00",
    "ideas": "3 days",
    "vote": "2 days",
    "anonymous": "on",
    "support": "3",
    "floor": "-10h",
    "cap": "10",
    "public": "on",
    "quorum": "30%",
    "rule": "greedy",
    "spend": "50%",
    "projects": "1-5",
}
