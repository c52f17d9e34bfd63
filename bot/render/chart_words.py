"""The words of each chart in the group's language: title, labels, notes, axis and caption.

The results chart (in the group and on the public page) and the summary's two charts are
composed here from domain records with a translator; :mod:`bot.render.charts` draws them.
The caption says in words what the chart shows, because it is the image's alternative text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.domain.decisions import POSITION_WORDS, VERDICT_WORDS, Decision, Placing, Position, Verdict
from bot.domain.i18n import Translator
from bot.domain.placings import idea_name, placed
from bot.domain.rounds import Round
from bot.domain.summary import Summary
from bot.domain.text_limits import shorten
from bot.render.charts import LABEL_LENGTH, Bar, BarChart, caption_within_limit, top
from bot.render.opinion_map import MapGroup, OpinionMapChart


def _votes_note(t: Translator, votes: int, share: float | None) -> str:
    counted = t.ngettext("{count} vote", "{count} votes", votes)
    return counted if share is None else t._("{votes} ({share})", votes=counted, share=t.percent(share))


def _more(t: Translator, hidden: int) -> str:
    return t.ngettext("and {count} more idea", "and {count} more ideas", hidden) if hidden else ""


def results_chart(t: Translator, round_: Round, results: Decision) -> BarChart:
    """Votes per idea, best first, the top 20 drawn and the rest counted under them (a
    budget's projects with their costs, the funded ones marked); a proposal's positions."""
    if len(results.placings) == 1 and results.placings[0].tally.positions:
        return _positions_chart(t, round_, results)
    if results.spending is not None:
        return _budget_chart(t, round_, results)
    shown, hidden = top(results.placings)
    bars = tuple(
        Bar(label=placed(t, placing, shorten(placing.tally.text, LABEL_LENGTH)), value=placing.tally.votes,
            note=_votes_note(t, placing.tally.votes, placing.share),
            highlighted=placing in results.winners)
        for placing in shown
    )  # fmt: skip
    title = t._("Round #{number}: {question}", number=round_.number, question=round_.question)
    lines = [
        t._("Bar chart of the votes for each idea in round #{number}, “{question}”, most votes first.",
            number=round_.number, question=round_.question),
        t.ngettext("{count} neighbour voted.", "{count} neighbours voted.", results.voters),
    ]  # fmt: skip
    if hidden:  # said before the list, so a caption cut to Telegram's length still says it
        lines.append(t._("The chart shows the top {shown} ideas, {more}.", shown=len(shown), more=_more(t, hidden)))
    lines += [
        t._("{placed}: {votes}.", placed=placed(t, placing, shorten(placing.tally.text, 60)),
            votes=_votes_note(t, placing.tally.votes, placing.share))
        for placing in shown
    ]  # fmt: skip
    return BarChart(
        title=title,
        axis=t._("Votes (neighbours who ticked the idea)"),
        bars=bars,
        caption=caption_within_limit("\n".join(lines)),
        rtl=t.rtl,
        more=_more(t, hidden),
        parts=(t._("online"), t._("on paper")),
    )


def _positions_chart(t: Translator, round_: Round, results: Decision) -> BarChart:
    """How many took each position on a proposal, the verdict in the title."""
    tally = results.placings[0].tally
    words = {position: t._(POSITION_WORDS[position]) for position, _count in tally.positions}
    bars = tuple(Bar(label=words[position], value=count, note=t.ngettext("{count} neighbour", "{count} neighbours", count),
                     highlighted=position is Position.BLOCK and count > 0)
                 for position, count in tally.positions)  # fmt: skip
    verdict = t._(VERDICT_WORDS[results.verdict or Verdict.NOT_PASSED])
    lines = [
        t._("Bar chart of the positions neighbours took on consent proposal #{number}, “{question}”: {verdict}.",
            number=round_.number, question=round_.question, verdict=verdict),
        *(t._("{position}: {count}.", position=words[position], count=t.number(count)) for position, count in tally.positions),
    ]  # fmt: skip
    return BarChart(
        title=t._("Proposal #{number}: {question} ({verdict})", number=round_.number, question=round_.question, verdict=verdict),
        axis=t._("Neighbours"),
        bars=bars,
        caption=caption_within_limit("\n".join(lines)),
        rtl=t.rtl,
    )


def _budget_chart(t: Translator, round_: Round, results: Decision) -> BarChart:
    """Votes per project with its cost, funded ones highlighted; the spending in the caption."""
    spending = results.spending
    shown, hidden = top(results.placings)
    funded = set(results.winners)

    def note(placing: Placing) -> str:
        votes = t.ngettext("{count} vote", "{count} votes", placing.tally.votes)
        return t._("{votes} · {cost}", votes=votes, cost=t.money(placing.tally.cost or 0, spending.currency))

    # A funded project is marked in its words as well as by its colour and hatching.
    bars = tuple(Bar(label=("✔ " if p in funded else "") + f"{p.tally.number}. {shorten(p.tally.text, LABEL_LENGTH)}",
                     value=p.tally.votes, note=note(p), highlighted=p in funded, paper=p.tally.paper)
                 for p in shown)  # fmt: skip
    lines = [
        t._("Bar chart of the votes for each project of budget round #{number}, “{question}”, most votes first; funded projects are highlighted.",
            number=round_.number, question=round_.question),
        t.ngettext("{count} neighbour voted.", "{count} neighbours voted.", results.voters),
        t._("{spent} of {budget} spent, {left} left.", spent=t.money(spending.spent, spending.currency),
            budget=t.money(spending.budget, spending.currency), left=t.money(spending.left, spending.currency)),
    ]  # fmt: skip
    if hidden:
        lines.append(t._("The chart shows the top {shown} ideas, {more}.", shown=len(shown), more=_more(t, hidden)))
    lines += [(t._("{number}. {idea}: {votes}, funded.", number=p.tally.number, idea=shorten(p.tally.text, 60), votes=note(p))
               if p in funded else
               t._("{number}. {idea}: {votes}.", number=p.tally.number, idea=shorten(p.tally.text, 60), votes=note(p)))
              for p in shown]  # fmt: skip
    return BarChart(
        title=t._("Budget round #{number}: {question}", number=round_.number, question=round_.question),
        axis=t._("Votes (neighbours who chose the project)"),
        bars=bars,
        caption=caption_within_limit("\n".join(lines)),
        rtl=t.rtl,
        more=_more(t, hidden),
        parts=(t._("online"), t._("on paper")),
    )


def leading_ideas_chart(t: Translator, summary: Summary) -> BarChart | None:
    """The closed rounds' leading ideas by votes, labelled "round.idea words"."""
    ideas = [(closed.number, idea) for closed in summary.closed_rounds for idea in closed.top]
    if not any(idea.votes for _, idea in ideas):
        return None
    shown, hidden = top(ideas)
    bars = tuple(
        Bar(label=f"#{number} · " + idea_name(t, idea.number, shorten(idea.text, LABEL_LENGTH)), value=idea.votes,
            note=_votes_note(t, idea.votes, None))
        for number, idea in shown
    )  # fmt: skip
    lines = [t._("Bar chart of the votes for the leading ideas of the rounds that closed; each label is the round, the idea's number and its words.")]
    lines += [
        t._("Round #{round}, idea {number}, {idea}: {votes}.", round=number, number=idea.number,
            idea=shorten(idea.text, 60), votes=_votes_note(t, idea.votes, None))
        for number, idea in shown
    ]  # fmt: skip
    return BarChart(
        title=t._("Rounds closed: the leading ideas"),
        axis=t._("Votes (neighbours who ticked the idea)"),
        bars=bars,
        caption=caption_within_limit("\n".join(lines)),
        rtl=t.rtl,
        more=_more(t, hidden),
    )


def week_label(t: Translator, monday: dt.date) -> str:
    """"week of 2 Nov" in the locale's own order and month names."""
    return t._("week of {date}", date=t.day_and_month(monday))


def hours_chart(t: Translator, weeks: Sequence[tuple[dt.date, int]], title: str | None = None) -> BarChart | None:
    """Confirmed hours per week, each bar labelled by its Monday and its hours and minutes."""
    if not weeks:
        return None
    weeks = weeks[-20:]
    bars = tuple(Bar(label=week_label(t, monday), value=minutes / 60, note=t.duration(minutes)) for monday, minutes in weeks)
    lines = [t._("Bar chart of the hours of volunteering confirmed each week; weeks start on Monday.")]
    lines += [t._("{week}: {hours}.", week=week_label(t, monday), hours=t.duration(minutes)) for monday, minutes in weeks]
    return BarChart(
        title=title or t._("Hours volunteered per week"),
        axis=t._("Hours and minutes (h:mm)"),
        hours=True,
        bars=bars,
        caption=caption_within_limit("\n".join(lines)),
        rtl=t.rtl,
    )


def opinion_map_chart(t: Translator, round_: Round, results: Decision) -> OpinionMapChart:
    """A statements round's participants as dots by opinion group; the groups too small to
    be described share one grey legend entry without a letter."""
    ground = results.common_ground
    groups, small = [], []
    for group in ground.groups:
        points = tuple((point.x, point.y) for point in ground.points if point.group == group.index)
        if group.described:
            size = t.ngettext("{count} neighbour", "{count} neighbours", group.size)
            groups.append(MapGroup(t._("Group {letter} ({size})", letter=group.letter, size=size), points, group.index))
        else:
            small.extend(points)
    if small:
        size = t.ngettext("{count} neighbour", "{count} neighbours", len(small))
        groups.append(MapGroup(t._("Groups too small to describe ({size})", size=size), tuple(small), None))
    title = t._("Round #{number}: {question}", number=round_.number, question=round_.question)
    lines = [
        t._("Opinion map of round #{number}, “{question}”: each neighbour who voted on enough statements is a dot; "
            "dots close together voted alike.", number=round_.number, question=round_.question),
        *(group.label + "." for group in groups),
    ]  # fmt: skip
    return OpinionMapChart(
        title=title, groups=tuple(groups), caption=caption_within_limit("\n".join(lines)),
        note=t._("Dots close together voted alike; the axes have no units."), rtl=t.rtl,
    )  # fmt: skip
