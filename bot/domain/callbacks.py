"""Callback data for inline buttons: short, versioned, parsed in one place.

A button only says what was pressed (``"v1:confirm:123"``); who may press it is decided
by the handler against the database, never by the button.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

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
    LANGUAGE = "language"
    SETTING = "setting"
    FORGET = "forget_me"
    KEEP = "forget_keep"


@dataclass(frozen=True)
class Callback:
    action: str
    args: tuple[str, ...]

    def int_arg(self, index: int = 0) -> int | None:
        try:
            return int(self.args[index])
        except (IndexError, ValueError):
            return None


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
