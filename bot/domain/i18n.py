"""Translations: gettext catalogs from ``locales/`` and Babel formatting, one reader at a time.

There is no global "current language": each reply builds a :class:`Translator` for its
reader (the group's language, or a member's own in private) and passes it down. That keeps
concurrent updates in different languages from leaking into each other under asyncio.

Messages use ``str.format`` placeholders (``{name}``); plural messages always receive
``{count}``. Catalogs are read from compiled ``.mo`` files when they are current, and
compiled in memory from the ``.po`` source otherwise, so a source checkout or a plain
``pip install .`` works with no extra build step.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import html
import io
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from babel import units as babel_units
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.domain.member_text import without_direction_controls

SOURCE_LANGUAGE = "en"
DOMAIN = "messages"

# Unicode first-strong isolate / pop directional isolate: keep a left-to-right idea
# text or @username from scrambling the order of a right-to-left sentence (and back).
_FSI, _PDI = "\u2068", "\u2069"

# Native digits of the numbering systems CLDR names as a locale's default. Babel formats
# separators for them but always writes ASCII digits, so the digits are swapped here.
# CLDR prefers Latin digits for plain "ar" and "ur"; "ar-EG" or "fa" would use these.
_NATIVE_DIGITS = {
    "arab": "٠١٢٣٤٥٦٧٨٩",
    "arabext": "۰۱۲۳۴۵۶۷۸۹",
    "beng": "০১২৩৪৫৬৭৮৯",
    "deva": "०१२३४५६७८९",
}


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a message for extraction without translating it yet (translated when shown)."""
    return message


# A place in a ranking by CLDR's ordinal category: English has four ("1st", "2nd", "3rd",
# "4th"); most languages write every place one way ("other").
_ORDINALS = {
    # Translators: a place in a ranking whose number ends in 1 in English (1st, 21st); write your language's form.
    "one": N_("{rank}st"),
    # Translators: a place in a ranking whose number ends in 2 in English (2nd, 22nd); write your language's form.
    "two": N_("{rank}nd"),
    # Translators: a place in a ranking whose number ends in 3 in English (3rd, 23rd); write your language's form.
    "few": N_("{rank}rd"),
    # Translators: any other place in a ranking (4th, 11th, 12th), and every place in most languages ("1. miejsce").
    "other": N_("{rank}th"),
}


def locales_dir() -> Path:
    return Path(str(resources.files("locales")))


@functools.cache
def available_languages() -> tuple[str, ...]:
    """English plus every language with a catalog: adding a catalog adds a language."""
    found = {
        entry.name
        for entry in locales_dir().iterdir()
        if (entry / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    }
    return tuple(sorted(found | {SOURCE_LANGUAGE}))


def is_supported(language: str | None) -> bool:
    return bool(language) and language in available_languages()


def best_language(telegram_code: str | None, fallback: str) -> str:
    """Map Telegram's ``language_code`` (``pl``, ``pt-br``) to a catalog we have."""
    if telegram_code:
        base = telegram_code.replace("_", "-").split("-")[0].lower()
        if is_supported(base):
            return base
    return fallback


def chosen_language(override: str | None, telegram_code: str | None, fallback: str) -> str:
    """A member's language in private: the one they chose with /language, else their Telegram
    app's (if the bot speaks it), else ``fallback``."""
    return override or best_language(telegram_code, fallback)


@functools.cache
def _translations(language: str) -> gettext.NullTranslations:
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    folder = locales_dir() / language / "LC_MESSAGES"
    po_path, mo_path = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo_path.is_file() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        with mo_path.open("rb") as fp:
            return gettext.GNUTranslations(fp)
    with po_path.open("rb") as fp:
        catalog = read_po(fp, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def language_name(language: str) -> str:
    """A language's own name for itself ("Polski", "اردو"), as a chooser should show it."""
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def language_named(word: str) -> str | None:
    """The language a member asked for: a code (``pl``, ``pl-PL``) or its name, in English
    or its own ("Polish", "Polski"); ``None`` if we have no catalog for it."""
    wanted = word.strip().casefold()
    for code in available_languages():
        names = {code, language_name(code).casefold(), Locale.parse(code).english_name.casefold()}
        if wanted in names or wanted.replace("_", "-").split("-")[0] == code:
            return code
    return None


def translator(language: str) -> Translator:
    return _translator(language if is_supported(language) else SOURCE_LANGUAGE)


@functools.cache
def _translator(language: str) -> Translator:
    return Translator(language, _translations(language))


class Translator:
    """Everything language-dependent about one reader: messages, plurals, dates, numbers."""

    def __init__(self, language: str, translations: gettext.NullTranslations) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        self.rtl = self.locale.text_direction == "rtl"
        self._translations = translations
        self._numbering = self.locale.default_numbering_system
        digits = _NATIVE_DIGITS.get(self._numbering)
        self._digits = str.maketrans("0123456789", digits) if digits else None

    def _(self, message: str, **params: Any) -> str:
        text = self._translations.gettext(message)
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, count: int, **params: Any) -> str:
        text = self._translations.ngettext(singular, plural, count)
        return text.format(count=self.number(count), **params)

    def language_name(self, language: str) -> str:
        """A language's name as this reader calls it ("Polish" in English, "polski" in Polish)."""
        return Locale.parse(language).get_display_name(self.locale) or language

    def user_text(self, text: str) -> str:
        """Member-written text, HTML-escaped and direction-isolated, ready for an HTML message.

        Direction controls were removed where the text entered the bot; removing them again
        here keeps rows stored before that rule from breaking out of the isolate."""
        return f"{_FSI}{html.escape(without_direction_controls(text), quote=False)}{_PDI}"

    def localized_digits(self, text: str) -> str:
        """``text`` with the digits the locale prefers (unchanged where CLDR says Latin)."""
        return text.translate(self._digits) if self._digits else text

    def ordinal(self, rank: int) -> str:
        """A place as people say it: "1st", "2nd", "23rd" / "1. miejsce", from CLDR's ordinal
        categories (each category's pattern is a message, so every language writes its own)."""
        pattern = _ORDINALS.get(self.locale.ordinal_form(rank), _ORDINALS["other"])
        return self._(pattern, rank=self.number(rank))

    def number(self, value: float) -> str:
        return _formatted(self, value, percent=False)

    def percent(self, share: float) -> str:
        return _formatted(self, share, percent=True)

    def money(self, amount: int, currency: str = "") -> str:
        """A whole amount of a budget in the locale's currency format ("£3,200", "3 200 zł");
        a plain number when the budget has no currency."""
        return _money(self, amount, currency) if currency else self.number(amount)

    def list_of(self, items: Sequence[str]) -> str:
        """"Ben, Chloe and Dawid" / "Ben, Chloe i Dawid" / "Ben، Chloe، اور Dawid"."""
        return babel_lists.format_list(list(items), locale=self.locale) if items else ""

    def when(self, moment: dt.datetime, timezone: str, *, now: dt.datetime | None = None) -> str:
        """A deadline as people read it: "Friday 12 December at 18:00" in the group's zone;
        with ``now``, a moment in another year says its year ("Wednesday 3 November 2027 at 09:00")."""
        local = moment.astimezone(ZoneInfo(timezone))
        if now is not None and now.astimezone(ZoneInfo(timezone)).year != local.year:
            # Translators: a date pattern (weekday, day, month, year) in the notation of
            # https://unicode.org/reports/tr35/tr35-dates.html; change only the order and punctuation.
            day_pattern = self._("EEEE d MMMM y")
        else:
            # Translators: a date pattern (weekday, day, month) in the notation of
            # https://unicode.org/reports/tr35/tr35-dates.html; change only the order and punctuation.
            day_pattern = self._("EEEE d MMMM")
        day = babel_dates.format_date(local, day_pattern, locale=self.locale)
        time = babel_dates.format_time(local, "HH:mm", locale=self.locale)
        return self.localized_digits(self._("{day} at {time}", day=day, time=time))

    def day_and_month(self, day: dt.date) -> str:
        """"2 Nov" / "2 lis" / "2 نومبر": the locale's own short pattern for a day of a month."""
        return self.localized_digits(babel_dates.format_skeleton("MMMd", day, locale=self.locale))

    def relative(self, delta: dt.timedelta) -> str:
        """"in 3 days" / "2 hours ago"."""
        return self.localized_digits(
            babel_dates.format_timedelta(delta, add_direction=True, threshold=1.5, locale=self.locale)
        )

    def period(self, length: dt.timedelta) -> str:
        """A fixed length of time as people say it in rules: "7 days", "48 hours", "30 days".

        The largest unit with at least 7 of it, so a week reads as 7 days and two days as
        48 hours, exactly as the rule counts them (never a rounded "1 month").
        """
        return self.localized_digits(babel_dates.format_timedelta(length, threshold=7, locale=self.locale))

    def duration(self, minutes: int) -> str:
        """Whole hours and minutes in words: "1 hour 30 minutes", "1 godzina 30 minut"."""
        sign = "-" if minutes < 0 else ""
        hours, rest = divmod(abs(minutes), 60)
        if hours and rest:
            # Translators: a duration of whole hours and minutes ("1 hour" and "30 minutes").
            text = self._(
                "{hours} {minutes}",
                hours=self._unit(hours, "duration-hour"),
                minutes=self._unit(rest, "duration-minute"),
            )
        else:
            text = self._unit(hours, "duration-hour") if hours else self._unit(rest, "duration-minute")
        return self.localized_digits(sign + text)

    def length(self, minutes: int) -> str:
        """A length of time as people say it, in its largest whole units: "3 days", "2 weeks",
        "1 day and 12 hours", "1 hour and 30 minutes" (never "72 hours")."""
        if minutes and minutes % (7 * 24 * 60) == 0:
            return self.localized_digits(self._unit(minutes // (7 * 24 * 60), "duration-week"))
        days, rest = divmod(minutes, 24 * 60)
        hours, rest = divmod(rest, 60)
        parts = [self._unit(value, unit) for value, unit in
                 ((days, "duration-day"), (hours, "duration-hour"), (rest, "duration-minute")) if value]  # fmt: skip
        return self.localized_digits(self.list_of(parts) if parts else self._unit(0, "duration-minute"))

    def _unit(self, value: int, unit: str) -> str:
        # Some locales (Urdu) have no long unit pattern in CLDR; Babel then echoes the
        # unit id, so fall back to the short form, which every locale has.
        for length in ("long", "short"):
            text = babel_units.format_unit(value, unit, length=length, locale=self.locale)
            if unit not in text:
                return text
        return text


@functools.lru_cache(maxsize=8192)
def _formatted(t: Translator, value: float, *, percent: bool) -> str:
    """A number or share in ``t``'s locale, remembered: Babel takes ~20 µs a number, and a
    public page or a listing formats the same few thousand again and again. Translators
    live as long as the process (:func:`_translator`), so none is kept alive by this."""
    format_ = babel_numbers.format_percent if percent else babel_numbers.format_decimal
    return t.localized_digits(format_(value, locale=t.locale, numbering_system="default"))


_DECIMALS = re.compile(r"\.0+")


@functools.lru_cache(maxsize=4096)
def _money(t: Translator, amount: int, currency: str) -> str:
    """Budgets are in whole units, so the locale's currency pattern loses its decimals."""
    pattern = _DECIMALS.sub("", t.locale.currency_formats["standard"].pattern)
    text = babel_numbers.format_currency(amount, currency, format=pattern, locale=t.locale, currency_digits=False)
    return t.localized_digits(text)
