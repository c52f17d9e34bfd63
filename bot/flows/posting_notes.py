"""What a need or offer tells its people privately: who will help whom, and that it lapsed.

The words only; they go out as the answer to a member's own press (the presser's
introduction) or through the notices queue (:mod:`bot.flows.notices`: the other side's
introduction, the lapse note), which decides when and whether.
"""

from __future__ import annotations

from bot.domain.i18n import Translator
from bot.domain.ledger import neighbour_name
from bot.domain.needs import Match, Posting, lapse_after
from bot.domain.records import Group, Member


def link(t: Translator, member: Member | None, user_id: int) -> str:
    """A way to reach a member: their @username, else a mention link by id."""
    if member is not None and member.username and not member.forgotten:
        return f"@{member.username}"
    return f'<a href="tg://user?id={user_id}">{t.user_text(neighbour_name(t, member))}</a>'


def introduction(t: Translator, group: Group, posting: Posting, connection: Match, me: int,
                 names: dict[int, Member]) -> str:  # fmt: skip
    """Tell ``me`` (the helper or the helped) who the other is and how to reach them."""
    other = connection.helped if me == connection.helper else connection.helper
    who, what, title = link(t, names.get(other), other), t.user_text(posting.text), t.user_text(group.title)
    if me == connection.helper:
        text = t._("You offered to help {name} with #{number} in {group}: {what}", name=who, number=posting.id,
                   group=title, what=what)  # fmt: skip
    else:
        text = t._("{name} will help you with #{number} in {group}: {what}", name=who, number=posting.id,
                   group=title, what=what)  # fmt: skip
    tail = t._("Write to each other to arrange it. Afterwards, either of you sends /done {number} in the group.",
               number=posting.id)  # fmt: skip
    return f"{text}\n{tail}"


def lapsed(t: Translator, group: Group, posting: Posting) -> str:
    return t._(
        "Your #{number} in {group} lapsed after {period} and is off the board: {what}. Post it again if it still stands.",
        number=posting.id, group=t.user_text(group.title), period=t.period(lapse_after(posting.kind)),
        what=t.user_text(posting.text),
    )  # fmt: skip
