"""Approval voting: tick every idea you support; ideas ranked by how many neighbours ticked them.

An idea's share is the part of *voters* who ticked it, so shares add up to more than 100%.
Paper ballots entered by a facilitator count with the online votes; each tally and the
decision keep the paper part, so both can be shown ("12 online, 15 on paper"). Ideas with
the same number of votes share a place and the next place is skipped (1, =2, =2, 4), so a
tie is shown as a tie and never broken by who posted first.

How many people voted depends on what Telegram lets a bot see:

- public polls send a ``poll_answer`` per voter, so voters are counted exactly, across
  every poll of the round;
- anonymous polls only report each poll's ``total_voter_count``. With several polls the
  same neighbour may vote in all of them, so the round's voters are the largest of those
  counts: a lower bound, exact when there is one poll or everyone voted in the busiest.

A quick poll (``/poll``) is approval voting without an ideas stage: its options stand as ideas.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.domain.decisions import Decision, Method, Placing, Tally


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def rank(tallies: Iterable[Tally], voters: int, paper_voters: int = 0) -> Decision:
    """Most votes first, ties sharing a place; equal votes keep the ideas' own order.

    ``voters`` counts everyone, online and on paper; ``paper_voters`` is the paper part, so
    each placing also has its share of online voters and of paper voters."""
    ordered = sorted(tallies, key=lambda tally: (-tally.votes, tally.number))
    counts: dict[int, int] = {}
    for tally in ordered:
        counts[tally.votes] = counts.get(tally.votes, 0) + 1
    placings, place = [], 0
    for index, tally in enumerate(ordered):
        if index == 0 or tally.votes != ordered[index - 1].votes:
            place = index + 1
        placings.append(
            Placing(place, counts[tally.votes] > 1, tally, _share(tally.votes, voters),
                    _share(tally.online, voters - paper_voters), _share(tally.paper, paper_voters))
        )  # fmt: skip
    return Decision(tuple(placings), voters, paper_voters, Method.APPROVAL)


def voter_count(poll_totals: Sequence[int], distinct_voters: int) -> int:
    """The round's number of voters from what the polls reported (see the module docstring).

    ``distinct_voters`` comes from public polls' answers and is 0 for anonymous ones; no
    poll can have had more voters than the round, so the larger figure is the better one.
    """
    return max(distinct_voters, max(poll_totals, default=0))
