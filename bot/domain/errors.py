"""Typed domain errors: a gettext message id plus its arguments, translated in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.domain.i18n import Translator


class DomainError(Exception):
    """A rule of the domain refused an action; ``message`` is an untranslated gettext msgid.

    Handlers never build error text themselves: the message id and its arguments travel
    up to the handler wrappers in ``handlers.common`` (``Turn.error_text``), which translate
    it in the reader's language.
    """

    def __init__(self, message: str, /, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class Quoted(str):
    """What a member wrote, quoted back in a refusal (“{value}” is not a number).

    Marked so the refusal can show it shortened and direction-isolated: an Arabic word
    stays in place inside an English sentence. Other arguments (examples, lists of
    choices, commands to copy) are the bot's own words and are shown as they are.
    """


class Phrase:
    """An argument of a refusal that is worded in the reader's language when the refusal is
    shown (an amount of money, a rule), not when it is raised."""

    def words(self, t: Translator) -> str:
        raise NotImplementedError


class ConfigError(Exception):
    """Configuration that cannot work; the CLI prints it as one line and exits 2."""


def within_limit(text: str, limit: int, *, empty: str | None, too_long: str, **params: Any) -> str:
    """``text`` unchanged if it is non-empty (when ``empty`` names the refusal) and at most
    ``limit`` characters; otherwise the matching refusal, told the length and the limit."""
    if empty is not None and not text:
        raise DomainError(empty, **params)
    if len(text) > limit:
        raise DomainError(too_long, length=len(text), limit=limit, **params)
    return text
