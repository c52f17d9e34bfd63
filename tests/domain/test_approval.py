"""Results: ideas ranked by votes with counts and shares, ties shown as ties."""

from __future__ import annotations

import pytest

from bot.domain.decisions import Tally
from bot.domain.decisions.approval import rank, voter_count
from bot.domain.errors import DomainError
from bot.domain.outcomes import check_outcome


def tally(number: int, votes: int) -> Tally:
    return Tally(idea_id=100 + number, number=number, text=f"idea {number}", votes=votes)


def test_ideas_are_ranked_by_votes_with_share_of_voters():
    results = rank([tally(1, 2), tally(2, 5), tally(3, 1)], voters=8)
    assert [(p.rank, p.tally.number, p.share) for p in results.placings] == [
        (1, 2, 5 / 8), (2, 1, 2 / 8), (3, 3, 1 / 8),
    ]  # fmt: skip
    assert [p.tally.number for p in results.winners] == [2]
    assert not any(p.tied for p in results.placings)


def test_ties_share_a_place_and_the_next_place_is_skipped():
    results = rank([tally(1, 3), tally(2, 5), tally(3, 3), tally(4, 1)], voters=6)
    assert [(p.rank, p.tied, p.tally.number) for p in results.placings] == [
        (1, False, 2), (2, True, 1), (2, True, 3), (4, False, 4),
    ]  # fmt: skip


def test_a_tie_for_first_place_gives_several_winners():
    results = rank([tally(1, 4), tally(2, 4)], voters=5)
    assert [p.tally.number for p in results.winners] == [1, 2]


def test_nobody_voting_means_no_winner_and_no_division_by_zero():
    results = rank([tally(1, 0), tally(2, 0)], voters=0)
    assert results.winners == ()
    assert all(p.share == 0 for p in results.placings)


def test_voters_of_public_polls_are_the_distinct_people_who_answered():
    assert voter_count([4, 3], distinct_voters=6) == 6


def test_voters_of_anonymous_polls_are_the_busiest_polls_count():
    assert voter_count([4, 7, 2], distinct_voters=0) == 7
    assert voter_count([], distinct_voters=0) == 0


def test_outcome_must_have_text_within_the_limit():
    assert check_outcome("  Bench fixed  ") == "Bench fixed"
    with pytest.raises(DomainError):
        check_outcome("   ")
    with pytest.raises(DomainError):
        check_outcome("x" * 1001)
