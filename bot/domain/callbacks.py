"""Callback data for inline buttons: short, versioned, parsed in one place.

A button only says what was pressed (``"v1:confirm:123"``); who may press it is decided
by the handler against the database, never by the button.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.domain.numbers import parse_number

VERSION = "v1"
MAX_BYTES = 64  # Telegram's limit for callback_data


class Action(enum.StrEnum):
    """Every kind of button the bot makes; the value is what travels in the callback data."""

    CREDIT_CONFIRM = "credit_confirm"
    CREDIT_REJECT = "credit_reject"
    POSTING_ANSWER = "answer"  # I can help (a need) or Ask (an offer)
    EXCHANGE_CONFIRM = "exchange"  # the helped member confirms the hours of a connection
    SUPPORT = "support"  # a proposal
    CONSENT = "consent"  # a position on a consent proposal: round id, position
    BUDGET_PICK = "bpick"  # a project on a private budget ballot: round id, idea id, 1 to choose / 0 to drop, page
    BUDGET_PAGE = "bpage"  # another page of a budget ballot: round id, page
    BUDGET_SUBMIT = "bsubmit"  # submit a budget ballot: round id, page
    IDEA_FOR = "ideafor"  # which round a group idea is for
    IDEA_ROUND = "idearound"  # which round a private idea is for
    IDEA_NAME = "ideaname"  # a private idea with the name or anonymous
    STATEMENT_VOTE = "stvote"  # agree, disagree or pass on a statement
    STATEMENT_BACK = "stback"  # the statement voted on before this one, to change that vote
    LANGUAGE = "language"
    SETTING = "setting"
    FORGET = "forget_me"
    KEEP = "forget_keep"
    WHICH = "which"  # the answer to a question about a command (held id, choice)


@dataclass(frozen=True)
class Callback:
    action: str
    args: tuple[str, ...]

    def int_arg(self, index: int = 0) -> int | None:
        """The number at ``index``: an id (from 1) or a position among choices (from 0), read by
        the one number parser every command uses (a forged 50-digit id is no number, not a query
        the database cannot run); None if absent or not a number."""
        if index >= len(self.args):
            return None
        return 0 if self.args[index] == "0" else parse_number(self.args[index])

    def flag(self, index: int) -> bool | None:
        """``1`` or ``0`` at ``index`` (a yes-or-no button); None for anything else."""
        value = self.args[index] if index < len(self.args) else None
        return {"1": True, "0": False}.get(value)


def encode(action: Action, *args: object) -> str:
    data = ":".join((VERSION, action, *map(str, args)))
    if len(data.encode()) > MAX_BYTES or any(":" in str(arg) for arg in args):
        raise ValueError(f"callback data does not fit: {data!r}")
    return data


def parse(data: str | None) -> Callback | None:
    """The pressed button, or None for anything this version did not make (forged or stale)."""
    if not data:
        return None
    version, _, rest = data.partition(":")
    if version != VERSION or not rest:
        return None
    action, *args = rest.split(":")
    return Callback(action, tuple(args)) if action else None


def pattern(action: Action) -> str:
    """Regex for a ``CallbackQueryHandler`` that takes one action."""
    return rf"^{VERSION}:{action}(:|$)"
