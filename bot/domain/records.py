"""Plain records the domain works with: what a group and a member are, with no Telegram in them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    chat_id: int
    title: str
    language: str
    timezone: str
    summary_schedule: str
    ideas_minutes: int
    vote_minutes: int
    anonymous_votes: bool
    support_threshold: int
    floor_minutes: int
    active: bool
    created_at: dt.datetime
    last_summary_at: dt.datetime | None
    idea_cap: int  # ideas one member may have in one round
    public_page: bool = False  # /settings public: the bot keeps a static page for the group
    site_token: str | None = None  # the page's folder name: unguessable, made when first turned on
    quorum: str = "off"  # consent proposals: "off", a number of members, or "N%" of those active
    budget_rule: str = "equal-shares"  # how a budget's winners are chosen (bot.domain.decisions.budget.Rule)
    budget_min_spend: int = 0  # a budget ballot spends at least this % of the budget
    budget_min_projects: int = 1
    budget_max_projects: int | None = None  # None: any number


@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    language_override: str | None
    hidden: bool
    forgotten: bool
    reachable: bool = False  # started a private chat with the bot and has not blocked it since
    notices: bool = True  # /notify on (the default) or off

    @property
    def display_name(self) -> str:
        """The member's name as neighbours know it; empty once they asked to be forgotten."""
        if self.forgotten:
            return ""
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def public_name(self) -> str:
        """The name other members may see: empty once hidden (/privacy) or forgotten, so every
        listing, proposal and summary says "a neighbour" or "a former member" instead."""
        return "" if self.hidden else self.display_name


@dataclass(frozen=True, slots=True)
class Source:
    """The Telegram message a change was asked for in: applying it again finds that change."""

    chat_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class Deadline:
    id: int
    group_id: int
    kind: str
    ref_id: int
    due_at: dt.datetime
    done_at: dt.datetime | None

    @property
    def job_name(self) -> str:
        return f"deadline:{self.kind}:{self.ref_id}"


@dataclass(frozen=True, slots=True)
class Choice:
    """One button of a question the bot asks before doing a command: what it says, and the
    command, written out in full, that pressing it carries out."""

    label: str
    command: str


@dataclass(frozen=True, slots=True)
class HeldCommand:
    """A command waiting for its sender's answer ("Friday 5 or Friday 12 December?")."""

    id: int
    chat_id: int
    message_id: int
    member_id: int | None  # None: sent as the group (an anonymous admin); any facilitator answers
    command: str
    question: str  # the question as asked, to show with the answer
    choices: tuple[Choice, ...]
    answered: bool
