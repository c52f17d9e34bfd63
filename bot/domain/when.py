"""When, as people write it: lengths of time and moments, in the group's language and time zone.

One reader for every command that takes a length or a moment (``/round``, ``/poll``,
``/extend``, ``/review``, ``/log``, ``/thank``, ``/need``, ``/done``, settings):

- **lengths**: ``30m``, ``2h``, ``1h30m``, ``1.5h``, ``3d``, ``1w``, ``2 days``, ``a week``,
  ``half an hour``, ``in 3 days``, ``next week``;
- **moments**: ``today``, ``tomorrow``, ``tonight``, a weekday (``Friday``, ``friday 6pm``,
  ``Fri 18:00``, ``next Friday``), a date (``12 Dec``, ``Dec 12``, ``2026-12-12``, ``12/12``
  read in the order the group's locale writes dates) and a time (``18:00``, ``6pm``).

Words come from Babel's locale data (weekdays and months with their short forms, today and
tomorrow, "in 3 days", "next week", the units' names in every plural form, AM and PM) and,
for what CLDR does not say (tonight, "half", "at"), from the catalogs, so a language with a
catalog is read in its own words; English is read in every group. Digits may be written in
any script (``١٨:٠٠``, ``۳ دن``), and letters are compared without case, accents or the
spelling variants Arabic-script keyboards differ in.

A moment is read in the group's time zone and never lies in the past. A day without a time
means :data:`DAY_TIME` (18:00) unless the caller says otherwise, ``tonight`` means
:data:`TONIGHT`; a weekday named on that very weekday, ``next Friday`` or ``at 6`` could each
mean two moments, so the reading keeps every candidate and the caller asks which.

Pure: no I/O. A phrase that looks like a length or a moment but is not understood is
refused with examples (:class:`~bot.domain.errors.DomainError`), never taken as the start
of a question.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from bot.domain import durations
from bot.domain.errors import DomainError, Quoted
from bot.domain.i18n import N_, Translator
from bot.domain.member_text import without_direction_controls

DAY_TIME = dt.time(18)  # "Friday", "tomorrow", "12 Dec": at 18:00 that day
TONIGHT = dt.time(21)
MONTH = dt.timedelta(days=30)  # "a month", "next month": 30 days, as the default review

# Words CLDR does not give, from the catalogs: each message lists the ways of writing one
# thing, separated by "|" (the English words are always understood as well).
# Translators: the words people write for "tonight", separated by |.
TONIGHT_WORDS = N_("tonight|this evening")
# Translators: words for "tomorrow" besides the one every calendar uses, separated by |.
TOMORROW_WORDS = N_("tomorrow|tmrw")
# Translators: words that mean "one" before (or after) a unit: "a week", "an hour", separated by |.
ONE_WORDS = N_("a|an|one")
# Translators: the word for "half" in "half an hour", separated by | if there are several.
HALF_WORDS = N_("half")
# Translators: words for "in" or "within" in "in 3 days", before or after the length, separated by |.
IN_WORDS = N_("in|within")
# Translators: small words people put before a day or a time: "at 18:00", "on Friday", "by Friday", separated by |.
AT_WORDS = N_("at|on|by|until")
# Translators: words that say a number is an hour: "6 o'clock", separated by |.
OCLOCK_WORDS = N_("o'clock|oclock")
# Translators: words for the morning half of the day after a time: "6 am", separated by |.
MORNING_WORDS = N_("am|a.m.|morning|in the morning")
# Translators: words for the afternoon or evening after a time: "6 pm", separated by |.
EVENING_WORDS = N_("pm|p.m.|afternoon|evening|in the afternoon|in the evening")


@dataclass(frozen=True, slots=True)
class Length:
    """A length of time: from now, or added to a deadline (``/extend``)."""

    length: dt.timedelta
    where: tuple[int, int]  # where the phrase is in the text read


@dataclass(frozen=True, slots=True)
class Moment:
    """A moment, as every time it could mean (UTC, soonest first; never in the past)."""

    candidates: tuple[dt.datetime, ...]
    where: tuple[int, int]


When = Length | Moment


class Ambiguous(Exception):
    """A moment that could mean several within the limits: the caller asks which.

    ``where`` is the phrase's place in the text that was read, so the command can be
    written again with the chosen moment (:func:`written`) in its place."""

    def __init__(self, candidates: Sequence[dt.datetime], where: tuple[int, int], text: str) -> None:
        super().__init__("ambiguous moment")
        self.candidates = tuple(candidates)
        self.where = where
        self.text = text


# ------------------------------------------------------------------ refusals, by use

STAGE_EXAMPLES = N_(
    "“{value}” is not a time I understand. Write a length such as 30m, 2h, 3d, 2 days or a week, "
    "or a moment such as tomorrow, tonight, Friday 18:00, 12 Dec, 2026-12-12 or 18:00."
)
LENGTH_EXAMPLES = N_("“{value}” is not a length of time I understand. Write it like 90m, 6h, 3d, 2 days or a week.")
CREDIT_EXAMPLES = N_(
    "“{value}” is not an amount of time I understand. Write it like 30m, 2h, 1h30m, 1.5h, 2 hours or half an hour."
)
REVIEW_EXAMPLES = N_(
    "“{value}” is not a time I understand. Write it like 30d, 2 weeks, a month, 12 Dec or 2026-12-01."
)
NOT_A_LENGTH = N_("“{value}” is a moment, but this needs a length of time, for example 3d or 2 days.")
PASSED = N_("That moment has already passed ({when}). Please give one still to come.")
WRONG_WEEKDAY = N_("“{value}” does not add up: that date is not that day of the week.")
NO_SUCH_DATE = N_("“{value}” is not a date on the calendar.")


# ------------------------------------------------------------------ folding what people type

_LETTERS = str.maketrans(
    {
        "ł": "l", "ø": "o", "ß": "ss",
        "ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ة": "ہ", "ە": "ہ", "ۀ": "ہ",
        "ـ": None, "\u200c": None, "\u200d": None, "\u200e": None, "\u200f": None, "\u061c": None,
        "٫": ".", "٬": ",", "٪": "%", "،": ",", "؛": ";",
    }
)  # fmt: skip
_EDGE_PUNCTUATION = ",;:!?()\"'“”«»"


def fold(word: str) -> str:
    """``word`` as compared: no case, accents or Arabic diacritics, one spelling of the letters
    Arabic and Urdu keyboards write differently, and digits of any script as ASCII digits."""
    text = unicodedata.normalize("NFKD", without_direction_controls(word).casefold())
    text = "".join(_ascii_digit(ch) for ch in text if not unicodedata.combining(ch))
    return text.translate(_LETTERS).strip(_EDGE_PUNCTUATION)


def _ascii_digit(ch: str) -> str:
    return str(unicodedata.decimal(ch)) if ch.isdecimal() else ch


def _word(text: str) -> str:
    """A word as the vocabulary holds it: folded, with its dots dropped ("p.m.", "godz.")."""
    return fold(text).replace(".", "")


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(word for word in (_word(part) for part in text.split()) if word)


# ------------------------------------------------------------------ the vocabulary of a language


class _Kind(enum.Enum):
    DAY = "day"  # today, tomorrow, the day after: value = days from today
    TONIGHT = "tonight"
    WEEKDAY = "weekday"  # value = (weekday, next?)
    NEXT = "next"
    IN = "in"
    AT = "at"
    OCLOCK = "oclock"
    MORNING = "morning"
    EVENING = "evening"
    ONE = "one"
    HALF = "half"
    LENGTH = "length"  # next week, next month: value = timedelta


@dataclass(frozen=True, slots=True)
class _Meaning:
    kind: _Kind
    value: object = None


_UNITS = {"minute": 1, "hour": 60, "day": 24 * 60, "week": 7 * 24 * 60, "month": 30 * 24 * 60}
_IMPLIED = {"zero": 0, "one": 1, "two": 2}


@dataclass(frozen=True)
class _Vocabulary:
    phrases: tuple[tuple[tuple[str, ...], _Meaning], ...]  # longest first
    units: dict[str, int]  # word -> minutes per unit
    implied: dict[str, tuple[int, int]]  # a unit word that carries its count (Arabic "يومان")
    months: dict[str, int]
    weekdays: dict[str, tuple[int, bool]]  # word -> (weekday, written in full)
    known: frozenset[str]  # whole words for "looks like a misspelt time word"

    def phrase_at(self, words: Sequence[str], start: int, *kinds: _Kind) -> tuple[_Meaning, int] | None:
        for phrase, meaning in self.phrases:
            if meaning.kind in kinds and tuple(words[start : start + len(phrase)]) == phrase:
                return meaning, start + len(phrase)
        return None


def _alternatives(t: Translator, message: str) -> list[str]:
    """The ways of writing one thing, in English and in ``t``'s language."""
    return [part.strip() for text in {message, t._(message)} for part in text.split("|") if part.strip()]


@functools.cache
def _vocabulary(language: str) -> _Vocabulary:
    from bot.domain.i18n import translator

    t = translator(language)
    locales = [Locale.parse("en"), t.locale] if t.locale.language != "en" else [t.locale]
    phrases: dict[tuple[str, ...], _Meaning] = {}

    def add(texts: Iterable[str], meaning: _Meaning) -> None:
        for text in texts:
            words = _phrase(text)
            if words:
                phrases.setdefault(words, meaning)

    add(_alternatives(t, TONIGHT_WORDS), _Meaning(_Kind.TONIGHT))
    add(_alternatives(t, TOMORROW_WORDS), _Meaning(_Kind.DAY, 1))
    add(_alternatives(t, ONE_WORDS), _Meaning(_Kind.ONE))
    add(_alternatives(t, HALF_WORDS), _Meaning(_Kind.HALF))
    add(_alternatives(t, IN_WORDS), _Meaning(_Kind.IN))
    add(_alternatives(t, AT_WORDS), _Meaning(_Kind.AT))
    add(_alternatives(t, OCLOCK_WORDS), _Meaning(_Kind.OCLOCK))
    add(_alternatives(t, MORNING_WORDS), _Meaning(_Kind.MORNING))
    add(_alternatives(t, EVENING_WORDS), _Meaning(_Kind.EVENING))
    units: dict[str, int] = {}
    implied: dict[str, tuple[int, int]] = {}
    months: dict[str, int] = {}
    weekdays: dict[str, tuple[int, bool]] = {}
    in_words = {word for phrase, meaning in phrases.items() if meaning.kind is _Kind.IN for word in phrase}
    one_words = {word for phrase, meaning in phrases.items() if meaning.kind is _Kind.ONE for word in phrase}
    for locale in locales:
        found_in = _in_words(locale)
        add(found_in, _Meaning(_Kind.IN))
        _calendar_words(locale, phrases, months, weekdays)
        _unit_words(locale, units, implied, in_words | set(found_in) | one_words)
        _periods(locale, phrases)
    known = {word for phrase in phrases if len(phrase) == 1 for word in phrase} | set(units) | set(months)
    known |= {word for word, (_, full) in weekdays.items() if full}
    ordered = tuple(sorted(phrases.items(), key=lambda item: -len(item[0])))
    return _Vocabulary(ordered, units, implied, months, weekdays, frozenset(word for word in known if len(word) >= 4))


def _calendar_words(locale: Locale, phrases: dict, months: dict[str, int], weekdays: dict[str, tuple[int, bool]]) -> None:
    """Months, weekdays, "today", "tomorrow", "this Friday", "next Friday", "next week"."""
    for context in ("format", "stand-alone"):
        for width, full in (("wide", True), ("abbreviated", False)):
            for number, name in locale.months[context][width].items():
                months.setdefault(_word(name), number)
            for weekday, name in locale.days[context][width].items():
                word = _word(name)
                if weekdays.get(word, (0, False))[1] is False:
                    weekdays[word] = (weekday, full)
    fields = locale._data["date_fields"]  # CLDR's relative dates; Babel has no public accessor
    for offset, name in fields["day"]["relative"].items():
        if offset >= 0:
            phrases.setdefault(_phrase(name), _Meaning(_Kind.DAY, offset))
    for unit, length in (("week", dt.timedelta(weeks=1)), ("month", MONTH)):
        phrases.setdefault(_phrase(fields[unit]["relative"][1]), _Meaning(_Kind.LENGTH, length))
    keys = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    said = {key: [_phrase(fields[key]["relative"][offset]) for offset in (0, 1)] for key in keys}
    seen_in: dict[str, int] = {}
    for phrase_pair in said.values():
        for word in {word for phrase in phrase_pair for word in phrase}:
            seen_in[word] = seen_in.get(word, 0) + 1
    this_words = {word for pair in said.values() for word in pair[0]}
    for weekday, key in enumerate(keys):
        this, following = said[key]
        phrases.setdefault(this, _Meaning(_Kind.WEEKDAY, (weekday, False)))
        phrases.setdefault(following, _Meaning(_Kind.WEEKDAY, (weekday, True)))
        for word in (*this, *following):
            if seen_in[word] == 1:  # the weekday's own word in these phrases ("środę", "سنیچر")
                weekdays.setdefault(word, (weekday, True))
            elif word not in this_words:  # "next", "przyszły", "اگلے", "القادم"
                phrases.setdefault((word,), _Meaning(_Kind.NEXT))


def _in_words(locale: Locale) -> list[str]:
    """The words every "in 3 minutes/hours/days/weeks/months" of the locale shares: "in",
    "za", "خلال", "میں"."""
    fields = locale._data["date_fields"]
    shared: set[str] | None = None
    for unit in _UNITS:
        words = {word for text in fields[unit]["future"].values() for word in _phrase(text.replace("{0}", " "))}
        shared = words if shared is None else shared & words
    return sorted(shared or ())


def _unit_words(locale: Locale, units: dict[str, int], implied: dict[str, tuple[int, int]], skip: set[str]) -> None:
    """Each unit's names in every plural form, from its unit patterns and "in {0} days"."""
    patterns = locale._data["unit_patterns"]
    fields = locale._data["date_fields"]
    for unit, minutes in _UNITS.items():
        forms: list[tuple[str, str]] = []
        for length in ("long", "short"):
            forms += [(category, text) for category, text in patterns[f"duration-{unit}"][length].items()]
        forms += list(fields[unit]["future"].items())
        for category, text in forms:
            if category == "per":
                continue
            words = [word for word in _phrase(text.replace("{0}", " ")) if word not in skip]
            for word in words:
                if "{0}" not in text and category in _IMPLIED:
                    implied.setdefault(word, (minutes, _IMPLIED[category]))
                units.setdefault(word, minutes)


def _periods(locale: Locale, phrases: dict) -> None:
    """AM and PM and the parts of the day CLDR names ("in the evening", "مساءً", "شام")."""
    for width in ("abbreviated", "wide"):
        for key, name in locale.day_periods["format"].get(width, {}).items():
            if key == "am" or key.startswith("morning"):
                phrases.setdefault(_phrase(name), _Meaning(_Kind.MORNING))
            elif key == "pm" or key.startswith(("afternoon", "evening", "night")):
                phrases.setdefault(_phrase(name), _Meaning(_Kind.EVENING))


@functools.cache
def _date_order(language: str, timezone: str) -> str:
    """How the group writes a date in numbers: "dmy", "mdy" or "ymd", from its language and the
    country of its time zone (English in Europe/London writes 5/12 for 5 December)."""
    territory = get_global("zone_territories").get(timezone)
    locale = Locale.parse(language)
    if territory:
        try:
            locale = Locale.parse(f"{language}_{territory}")
        except (ValueError, UnknownLocaleError):
            pass  # Polish in Europe/London: Polish order
    pattern = locale.date_formats["short"].pattern.lower()
    order = sorted("dmy", key=lambda letter: pattern.find(letter) if letter in pattern else 99)
    return "".join(order)


# ------------------------------------------------------------------ reading


@dataclass(frozen=True, slots=True)
class _Token:
    word: str  # folded, dots kept
    start: int
    end: int


_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")
_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_GLUED_HOUR = re.compile(r"^(\d{1,2})(?::(\d{2}))?(\D+)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,4})([./])(\d{1,2})(?:\2(\d{2}|\d{4}))?$")
_DAY_NUMBER = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|\.)?$")
_YEAR = re.compile(r"^\d{4}$")
_DIGITS_AND_MORE = re.compile(r"^[+-]?\d.*[^\d.,%]")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")


@dataclass(frozen=True, slots=True)
class _Day:
    """A day as written, before it is placed on the calendar."""

    offset: int | None = None  # today, tomorrow
    weekday: int | None = None
    next: bool = False
    full: bool = True  # the weekday was written in full ("Fri" needs a time or a date)
    date: tuple[int | None, int, int] | None = None  # (year or None, month, day)


@dataclass(frozen=True, slots=True)
class _Clock:
    times: tuple[dt.time, ...]


class Reader:
    """Reads lengths and moments in one group's language and time zone, at one moment."""

    def __init__(self, t: Translator, timezone: str, now: dt.datetime, *, day_time: dt.time = DAY_TIME) -> None:
        self.t = t
        self.words = _vocabulary(t.language)
        self.zone = ZoneInfo(timezone)
        self.order = _date_order(t.language, timezone)
        self.now = now
        self.today = now.astimezone(self.zone).date()
        self.day_time = day_time

    # -------------------------------------------------------------- the public readings

    def leading(self, text: str, *, limit: int, refusal: str, lengths_only: bool = False) -> tuple[list[When], str]:
        """Up to ``limit`` lengths or moments at the start of ``text``, and the text after them.

        A word after them that looks like a time but is not one is refused with ``refusal``."""
        tokens = self._tokens(text)
        found: list[When] = []
        index = 0
        while len(found) < limit and index < len(tokens):
            read = self._when_at(text, tokens, index, lengths_only=lengths_only)
            if read is None:
                break
            found.append(read[0])
            index = read[1]
        if len(found) < limit and index < len(tokens) and self._looks_like_time(tokens, index):
            raise DomainError(refusal, value=Quoted(text[tokens[index].start : tokens[index].end]))
        rest = text[tokens[index].start :] if index < len(tokens) else ""
        return found, rest.strip()

    def whole(self, text: str, *, refusal: str, lengths_only: bool = False) -> When:
        """``text`` read as one length or moment, nothing left over."""
        tokens = self._tokens(text)
        read = self._when_at(text, tokens, 0, lengths_only=lengths_only) if tokens else None
        if read is None or read[1] != len(tokens):
            if lengths_only and tokens and self._when_at(text, tokens, 0, lengths_only=False):
                raise DomainError(NOT_A_LENGTH, value=Quoted(text.strip()))
            raise DomainError(refusal, value=Quoted(text.strip()))
        return read[0]

    def weekday(self, word: str) -> int | None:
        """The weekday a word names (0 is Monday), in English or the group's language."""
        found = self.words.weekdays.get(_word(word))
        return found[0] if found else None

    def time_of_day(self, text: str) -> dt.time | None:
        """``18:00``, ``6pm``, ``6 pm``: one time of day and nothing else, or None."""
        words = [token.word for token in self._tokens(text)]
        words = [word.replace(".", "") if not any(c.isdigit() for c in word) else word for word in words]
        found = self._clock_at(words, 0, after_at=False) if words else None
        if found is None or found[1] != len(words) or len(found[0].times) != 1:
            return None
        return found[0].times[0]

    # -------------------------------------------------------------- tokens

    @staticmethod
    def _tokens(text: str) -> list[_Token]:
        return [_Token(fold(match.group()), match.start(), match.end()) for match in re.finditer(r"\S+", text)]

    def _looks_like_time(self, tokens: list[_Token], index: int) -> bool:
        """A number glued to letters or signs ("3d2d", "25:00", "13/13", but not "1st"), or a
        time word misspelt by one letter ("tomorow", "Fridya"; "Fridays" starts with one)."""
        word = tokens[index].word
        if _ORDINAL.match(word):
            return False  # "1st step: ..."
        if _DIGITS_AND_MORE.match(word) or durations.looks_like_duration(word):
            return True
        plain = word.replace(".", "")
        if len(plain) < 5 or not plain.isalpha():
            return False
        return any(_one_edit_apart(plain, known) and not plain.startswith(known) for known in self.words.known)

    # -------------------------------------------------------------- one length or moment

    def _when_at(self, text: str, tokens: list[_Token], index: int, *, lengths_only: bool) -> tuple[When, int] | None:
        words = [token.word.replace(".", "") if not any(c.isdigit() for c in token.word) else token.word
                 for token in tokens]  # fmt: skip
        length = self._length_at(tokens, words, index)
        moment = None if lengths_only else self._moment_at(text, tokens, words, index)
        best = max((read for read in (length, moment) if read is not None), key=lambda read: read[1], default=None)
        return best

    def _length_at(self, tokens: list[_Token], words: list[str], index: int) -> tuple[When, int] | None:
        vocabulary = self.words
        position = index
        opened = vocabulary.phrase_at(words, position, _Kind.IN)
        if opened is not None:
            position = opened[1]
        total = dt.timedelta()
        pieces, last_unit = 0, None
        while position < len(words):
            piece = self._length_piece(words, position)
            # "1 week 2 days" and "1 hour 30 minutes" are one length, each unit smaller than the last;
            # "2h 30m" and "2 days 1 week" are two (a round's two stages).
            if piece is None or (pieces and (piece[2] is None or last_unit is None or piece[2] >= last_unit)):
                break
            total += piece[0]
            position, last_unit = piece[1], piece[2]
            pieces += 1
            if last_unit is None:
                break
        if not pieces:
            return None
        closed = vocabulary.phrase_at(words, position, _Kind.IN)
        if closed is not None and opened is None:
            position = closed[1]
        return Length(total, (tokens[index].start, tokens[position - 1].end)), position

    def _length_piece(self, words: list[str], index: int) -> tuple[dt.timedelta, int, int | None] | None:
        """One length at ``index``: its length, where it ends, and its unit in minutes when it is
        written in words (None: compact, "3d", or a phrase, "next week": it stands alone)."""
        vocabulary = self.words
        word = words[index]
        compact = durations.compact_minutes(word)
        if compact is not None:
            return dt.timedelta(minutes=compact), index + 1, None
        relative = vocabulary.phrase_at(words, index, _Kind.LENGTH)
        if relative is not None:
            return relative[0].value, relative[1], None
        position, count = index, None
        half = vocabulary.phrase_at(words, position, _Kind.HALF)
        if half is not None:
            position, count = half[1], 0.5
        one = vocabulary.phrase_at(words, position, _Kind.ONE)
        if one is not None:
            position, count = one[1], count or 1
        elif count is None and position < len(words) and _NUMBER.match(words[position]):
            count, position = float(words[position].replace(",", ".")), position + 1
        if position >= len(words):
            return None
        unit_word = words[position]
        if count is None and unit_word in vocabulary.implied:
            minutes, implied = vocabulary.implied[unit_word]
            end = position + 1
            if vocabulary.phrase_at(words, end, _Kind.ONE):  # "يوم واحد"
                end = vocabulary.phrase_at(words, end, _Kind.ONE)[1]
            return dt.timedelta(minutes=minutes * implied), end, minutes
        if count is None or unit_word not in vocabulary.units:
            return None
        end = position + 1
        trailing = vocabulary.phrase_at(words, end, _Kind.ONE)  # "أسبوع واحد", "one week" said backwards
        if trailing is not None and one is None and half is None and _NUMBER.match(words[index]) is None:
            end = trailing[1]
        return dt.timedelta(minutes=count * vocabulary.units[unit_word]), end, vocabulary.units[unit_word]

    def _moment_at(self, text: str, tokens: list[_Token], words: list[str], index: int) -> tuple[When, int] | None:
        day: _Day | None = None
        clock: _Clock | None = None
        tonight = False
        position = end = index
        while position < len(words):
            start = position
            filler = self.words.phrase_at(words, position, _Kind.AT)
            if filler is not None:
                position = filler[1]
            part = None
            if day is None and not tonight:
                said_tonight = self.words.phrase_at(words, position, _Kind.TONIGHT)
                if said_tonight is not None:
                    tonight, part = True, said_tonight[1]
                else:
                    found = self._day_at(words, position)
                    if found is not None:
                        day, part = found
            if part is None and clock is None:
                found_clock = self._clock_at(words, position, after_at=filler is not None)
                if found_clock is not None:
                    clock, part = found_clock
            if part is None:
                position = start
                break
            position = end = part
        if day is None and clock is None and not tonight:
            return None
        if day is not None and not day.full and clock is None and day.date is None:
            return None  # "Sun" alone is too likely the first word of a question
        where = (tokens[index].start, tokens[end - 1].end)
        candidates = self._place(day, clock, tonight, text[where[0] : where[1]])
        return Moment(candidates, where), end

    # -------------------------------------------------------------- days

    def _day_at(self, words: list[str], index: int) -> tuple[_Day, int] | None:
        vocabulary = self.words
        relative = vocabulary.phrase_at(words, index, _Kind.DAY)
        if relative is not None:
            return _Day(offset=relative[0].value), relative[1]
        position, following = index, False
        said_next = vocabulary.phrase_at(words, position, _Kind.NEXT)
        if said_next is not None:
            position, following = said_next[1], True
        named = vocabulary.phrase_at(words, position, _Kind.WEEKDAY)
        weekday, full = None, True
        if named is not None:
            (weekday, phrase_next), position = named[0].value, named[1]
            following = following or phrase_next
        elif position < len(words) and words[position] in vocabulary.weekdays:
            weekday, full = vocabulary.weekdays[words[position]]
            position += 1
        elif said_next is not None:
            return None
        if weekday is not None:
            after = vocabulary.phrase_at(words, position, _Kind.NEXT)
            if after is not None and not following:  # "الجمعة القادم"
                position, following = after[1], True
            filler = vocabulary.phrase_at(words, position, _Kind.AT)
            date = self._date_at(words, filler[1] if filler else position)
            if date is not None:
                return _Day(weekday=weekday, date=date[0], full=True), date[1]
            return _Day(weekday=weekday, next=following, full=full), position
        date = self._date_at(words, index)
        if date is None:
            return None
        return _Day(date=date[0]), date[1]

    def _date_at(self, words: list[str], index: int) -> tuple[tuple[int | None, int, int], int] | None:
        if index >= len(words):
            return None
        word = words[index]
        iso = _ISO.match(word)
        if iso:
            return (int(iso.group(1)), int(iso.group(2)), int(iso.group(3))), index + 1
        numeric = _NUMERIC_DATE.match(word)
        written = self._numeric_date(numeric) if numeric else None
        if written is not None:
            return written, index + 1
        months = self.words.months
        day = _DAY_NUMBER.match(word)
        if day and index + 1 < len(words) and words[index + 1].replace(".", "") in months:
            return self._with_year((int(day.group(1)), months[words[index + 1].replace(".", "")]), words, index + 2)
        month = months.get(word.replace(".", ""))
        if month is not None and index + 1 < len(words):
            day = _DAY_NUMBER.match(words[index + 1].rstrip(","))
            if day:
                return self._with_year((int(day.group(1)), month), words, index + 2)
        return None

    def _with_year(self, day_month: tuple[int, int], words: list[str], index: int) -> tuple[tuple[int | None, int, int], int]:
        day, month = day_month
        if index < len(words) and _YEAR.match(words[index]):
            return (int(words[index]), month, day), index + 1
        return (None, month, day), index

    def _numeric_date(self, match: re.Match) -> tuple[int | None, int, int] | None:
        """``12/12``, ``5.12.2026``: in the group's order. Without a year, a dotted pair is a
        date only where dates are written so and it is one ("12.12"); else it is a time ("18.00")."""
        first, separator, second, year = match.group(1), match.group(2), int(match.group(3)), match.group(4)
        if len(first) == 4:  # 2026/12/12 needs its day
            return None if year is None else (int(first), second, int(year))
        if len(first) == 3:
            return None
        full_year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
        day, month = (second, int(first)) if self.order.index("m") < self.order.index("d") else (int(first), second)
        if separator == "." and year is None and (self.order != "dmy" or not (1 <= month <= 12 and 1 <= day <= 31)):
            return None
        return full_year, month, day

    # -------------------------------------------------------------- times of day

    def _clock_at(self, words: list[str], index: int, *, after_at: bool) -> tuple[_Clock, int] | None:
        vocabulary = self.words
        if index >= len(words):
            return None
        before = vocabulary.phrase_at(words, index, _Kind.MORNING, _Kind.EVENING, _Kind.OCLOCK)
        position = before[1] if before else index
        if position >= len(words):
            return None
        word = words[position]
        hour = minute = None
        period = before[0].kind if before and before[0].kind is not _Kind.OCLOCK else None
        oclock = before is not None and before[0].kind is _Kind.OCLOCK
        clock = _CLOCK.match(word)
        glued = _GLUED_HOUR.match(word)
        if clock:
            hour, minute = int(clock.group(1)), int(clock.group(2))
            position += 1
        elif glued and (said := vocabulary.phrase_at([_word(glued.group(3))], 0, _Kind.MORNING, _Kind.EVENING)):
            hour, minute = int(glued.group(1)), int(glued.group(2) or 0)
            period, position = said[0].kind, position + 1
        elif word.isdigit() and len(word) <= 2:
            hour, minute = int(word), 0
            position += 1
        else:
            return None
        after = vocabulary.phrase_at(words, position, _Kind.MORNING, _Kind.EVENING, _Kind.OCLOCK)
        if after is not None:
            if after[0].kind is _Kind.OCLOCK:
                oclock = True
            elif period is None:
                period = after[0].kind
            position = after[1]
            trailing = vocabulary.phrase_at(words, position, _Kind.MORNING, _Kind.EVENING)
            if trailing is not None and period is None:
                period, position = trailing[0].kind, trailing[1]
        if not clock and period is None and not oclock and not after_at:
            return None  # a bare number is no time: "Friday 6" could be anything
        if minute > 59 or hour > 23 or (period is not None and not 1 <= hour <= 12):
            return None
        return _Clock(self._hours(hour, minute, period, exact=bool(clock) or hour > 12 or hour == 0)), position

    @staticmethod
    def _hours(hour: int, minute: int, period: _Kind | None, *, exact: bool) -> tuple[dt.time, ...]:
        if period is _Kind.MORNING:
            return (dt.time(hour % 12, minute),)
        if period is _Kind.EVENING:
            return (dt.time(hour % 12 + 12, minute),)
        if exact:
            return (dt.time(hour, minute),)
        return dt.time(hour, minute), dt.time(hour + 12, minute)  # "at 6": morning or evening

    # -------------------------------------------------------------- on the calendar

    def _place(self, day: _Day | None, clock: _Clock | None, tonight: bool, said: str) -> tuple[dt.datetime, ...]:
        if tonight:
            days = [self.today]
            times = clock.times if clock else (TONIGHT,)
        elif day is None:
            times = clock.times
            days = [self.today, self.today + dt.timedelta(days=1)]
        else:
            days = self._days(day, said)
            times = clock.times if clock else (self.day_time,)
        moments = sorted({self._at(day_, time) for day_ in days for time in times})
        ahead = [moment for moment in moments if moment > self.now]
        if day is None and not tonight:  # a time alone: the next time the clock shows it
            ahead = sorted({min(moment for moment in ahead if moment.astimezone(self.zone).time() == time)
                            for time in times})  # fmt: skip
        if not ahead:
            raise DomainError(PASSED, when=moments[-1])
        return tuple(ahead)

    def _at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, self.zone).astimezone(dt.UTC)

    def _days(self, day: _Day, said: str) -> list[dt.date]:
        if day.offset is not None:
            return [self.today + dt.timedelta(days=day.offset)]
        if day.date is not None:
            found = self._calendar_date(day.date, said)
            if day.weekday is not None and found.weekday() != day.weekday:
                raise DomainError(WRONG_WEEKDAY, value=Quoted(said))
            return [found]
        ahead = (day.weekday - self.today.weekday()) % 7
        if day.next:  # "next Friday": the coming one, or the one after
            return [self.today + dt.timedelta(days=7)] if ahead == 0 else [
                self.today + dt.timedelta(days=ahead), self.today + dt.timedelta(days=ahead + 7)]
        if ahead == 0:  # "Friday" on a Friday: today, or in a week
            return [self.today, self.today + dt.timedelta(days=7)]
        return [self.today + dt.timedelta(days=ahead)]

    def _calendar_date(self, written: tuple[int | None, int, int], said: str) -> dt.date:
        year, month, day = written
        try:
            if year is not None:
                return dt.date(year, month, day)
            found = dt.date(self.today.year, month, day)
            return found if found >= self.today else dt.date(self.today.year + 1, month, day)
        except ValueError:
            raise DomainError(NO_SUCH_DATE, value=Quoted(said)) from None


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one letter added, dropped, changed or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]]
                                   and a[diffs[1]] == b[diffs[0]])  # fmt: skip
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


# ------------------------------------------------------------------ what a reading means for a use


def ends(when: When, *, start: dt.datetime, base: dt.datetime | None = None) -> tuple[dt.datetime, ...]:
    """The moments ``when`` could end something: a length counts from ``base`` (``start`` unless
    given: ``/extend 3 2d`` adds two days to the deadline), a moment is its candidates."""
    if isinstance(when, Length):
        return ((base or start) + when.length,)
    return when.candidates


def within(
    when: When, text: str, *, start: dt.datetime, shortest: dt.timedelta, longest: dt.timedelta,
    too_short: str, too_long: str, base: dt.datetime | None = None,
) -> dt.datetime:  # fmt: skip
    """The one end ``when`` means for something from ``start`` lasting ``shortest`` to
    ``longest``: refused with ``too_short``/``too_long`` (told the moment meant, ``{when}``),
    or :class:`Ambiguous` when several moments fit."""
    candidates = ends(when, start=start, base=base)
    fitting = [end for end in candidates if shortest <= end - start <= longest]
    if len(fitting) == 1:
        return fitting[0]
    if fitting:
        raise Ambiguous(fitting, when.where, text)
    if all(end - start < shortest for end in candidates):
        raise DomainError(too_short, when=candidates[-1])
    raise DomainError(too_long, when=candidates[0])


def written(moment: dt.datetime, timezone: str) -> str:
    """A moment as the reader reads it back unambiguously: "2026-12-12 18:00" in the group's zone."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


# ------------------------------------------------------------------ lengths with their limits


def stage_length(reader: Reader, text: str) -> dt.timedelta:
    """A stage's default length as written in the settings: ``3d``, ``2 days``, ``a week``."""
    read = reader.whole(text, refusal=LENGTH_EXAMPLES, lengths_only=True)
    return durations.check_stage(read.length)


def credit_minutes(reader: Reader, text: str) -> int:
    """An amount of volunteered time, whole: ``2h``, ``90 minutes``, ``half an hour``."""
    read = reader.whole(text, refusal=CREDIT_EXAMPLES, lengths_only=True)
    return durations.check_credit(read.length)


def leading_credit(reader: Reader, text: str) -> tuple[int | None, str]:
    """The amount of time at the start of ``/log 2 hours litter pick`` (None if there is
    none), and the words after it."""
    found, rest = reader.leading(text, limit=1, refusal=CREDIT_EXAMPLES, lengths_only=True)
    return (durations.check_credit(found[0].length) if found else None), rest
