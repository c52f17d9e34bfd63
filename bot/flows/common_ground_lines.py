"""A statements round's result in words: each group, what almost everyone agrees on, what divides.

The results message, the personal notices, ``/rounds`` and the public page say the same
things in their reader's language. ``quote`` marks a member's words where they appear:
escaped and direction-isolated in a Telegram message (``t.user_text``), only isolated on
the page (whose templates escape everything). No sentence names anyone or shows anyone's
vote: groups are counted, and a group of fewer than three is not described.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.decisions.common_ground import SHOWN, CommonGround, Division, OpinionGroup, Stance
from bot.domain.i18n import Translator

Quote = Callable[[str], str]


def statement_words(t: Translator, ground: CommonGround, idea_id: int, quote: Quote) -> str:
    return t._("“{statement}”", statement=quote(ground.statement(idea_id).text))


def turnout(t: Translator, ground: CommonGround) -> str:
    """Who voted, and who of them are in the groups."""
    voted = t.ngettext("{count} neighbour voted", "{count} neighbours voted", ground.voters)
    if not ground.groups:
        return t.ngettext(
            "{voted}; too few voted on {count} statement or more to find opinion groups.",
            "{voted}; too few voted on {count} statements or more to find opinion groups.",
            ground.entry_votes, voted=voted,
        )  # fmt: skip
    return t.ngettext(
        "{voted}; the {grouped} who voted on {count} statement or more form {groups}.",
        "{voted}; the {grouped} who voted on {count} statements or more form {groups}.",
        ground.entry_votes, voted=voted, grouped=t.number(ground.grouped),
        groups=t.ngettext("{count} opinion group", "{count} opinion groups", len(ground.groups)),
    )  # fmt: skip


def agreed_lines(t: Translator, ground: CommonGround, quote: Quote) -> list[str]:
    """What almost everyone agrees on, one line each, or one line saying there is none."""
    if not ground.agreed:
        return [t._("No statement was agreed by most of every group.")]
    lines = []
    for idea_id in ground.agreed:
        result = ground.statement(idea_id)
        lines.append(t._("{statement}: {share} of {votes} agree", statement=statement_words(t, ground, idea_id, quote),
                         share=t.percent(result.agree / result.seen),
                         votes=t.ngettext("{count} vote", "{count} votes", result.seen)))  # fmt: skip
    return lines


def _letters(t: Translator, ground: CommonGround, indexes: tuple[int, ...]) -> str:
    return t.list_of([t._("Group {letter}", letter=ground.groups[index].letter) for index in indexes])


def division_line(t: Translator, ground: CommonGround, division: Division, quote: Quote) -> str:
    return t._("{statement}: mostly agreed by {agreeing}, mostly rejected by {disagreeing}",
               statement=statement_words(t, ground, division.idea_id, quote),
               agreeing=_letters(t, ground, division.agreeing),
               disagreeing=_letters(t, ground, division.disagreeing))  # fmt: skip


def described_groups(ground: CommonGround) -> int:
    """Groups large enough to be described: what divides needs two of them."""
    return sum(group.described for group in ground.groups)


def divisive_lines(t: Translator, ground: CommonGround, quote: Quote) -> list[str]:
    if not ground.divisive:
        return [t._("No statement split the groups clearly.")]
    return [division_line(t, ground, division, quote) for division in ground.divisive]


def group_heading(t: Translator, group: OpinionGroup) -> str:
    size = t.ngettext("{count} neighbour", "{count} neighbours", group.size)
    if not group.described:
        return t._("Group {letter} ({size}) is too small to be described.", letter=group.letter, size=size)
    return t._("Group {letter} ({size}) stands apart from the others by:", letter=group.letter, size=size)


def stance_line(t: Translator, ground: CommonGround, stance: Stance, quote: Quote) -> str:
    statement = statement_words(t, ground, stance.idea_id, quote)
    share = t.percent(stance.share)
    if stance.agrees:
        return t._("agreeing with {statement} ({share} of the group)", statement=statement, share=share)
    return t._("disagreeing with {statement} ({share} of the group)", statement=statement, share=share)


def group_lines(t: Translator, ground: CommonGround, group: OpinionGroup, quote: Quote,
                limit: int | None = None) -> list[str]:  # fmt: skip
    """A group's heading and (if it is described) the statements that set it apart."""
    stances = group.stances[:limit] if group.described else ()
    return [group_heading(t, group), *("• " + stance_line(t, ground, stance, quote) for stance in stances)]


def map_words(t: Translator) -> str:
    return t._("On the opinion map each dot is a neighbour who voted on enough statements, in the colour and "
               "shape of their group; dots close together voted alike. No names, no votes.")  # fmt: skip


def your_group(t: Translator, ground: CommonGround, member: int) -> str:
    """A participant's own place: their group, or why they are in none (or an undescribed one)."""
    group = ground.group_of(member)
    if not ground.groups:
        return t._("Too few neighbours voted on enough statements for opinion groups.")
    if group is None:
        return t.ngettext(
            "You are not in an opinion group: that takes votes on {count} statement or more.",
            "You are not in an opinion group: that takes votes on {count} statements or more.",
            ground.entry_votes,
        )  # fmt: skip
    if not group.described:
        return t._("You are in Group {letter}, which is too small to be described: your views are close to "
                   "only one or two other neighbours'.", letter=group.letter)  # fmt: skip
    return t.ngettext("You are in Group {letter}, with {count} other neighbour.",
                      "You are in Group {letter}, with {count} other neighbours.", group.size - 1,
                      letter=group.letter)  # fmt: skip


def result_blocks(t: Translator, question: str, number: int, ground: CommonGround) -> list[str]:
    """The results message of a statements round (Telegram HTML)."""
    blocks = [t._("<b>Results of round #{number}</b>: {question}", number=number, question=t.user_text(question))]
    if not ground.statements:
        return [*blocks, t._("No statements were added, so there was nothing to vote on.")]
    blocks += [turnout(t, ground), "", "<b>" + t._("What almost everyone agrees on") + "</b>"]
    blocks += ["• " + line for line in agreed_lines(t, ground, t.user_text)]
    if described_groups(ground) > 1:
        blocks += ["", "<b>" + t._("What divides") + "</b>", *("• " + line for line in divisive_lines(t, ground, t.user_text))]
    for group in ground.groups:
        blocks += ["", *group_lines(t, ground, group, t.user_text, limit=SHOWN)]
    if ground.points:
        blocks += ["", map_words(t)]
    return blocks


def notice_lines(t: Translator, ground: CommonGround, member: int) -> list[str]:
    """What a participant hears privately: their own group and the common ground."""
    lines = [your_group(t, ground, member)]
    group = ground.group_of(member)
    if group is not None and group.described and group.stances:
        lines.append(t._("What sets your group apart: {stance}.",
                         stance=stance_line(t, ground, group.stances[0], t.user_text)))  # fmt: skip
    lines.append(t._("What almost everyone agrees on:"))
    lines += ["• " + line for line in agreed_lines(t, ground, t.user_text)]
    return lines


def common_ground_line(t: Translator, ground: CommonGround) -> str:
    """One line for ``/rounds``: the statement with the highest consensus most groups agree with."""
    if not ground.agreed:
        return t._("No statement was agreed by most of every group.")
    return t._("Common ground: {statement}", statement=statement_words(t, ground, ground.agreed[0], t.user_text))
