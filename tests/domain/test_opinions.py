"""Polis's method in numpy against red-dwarf's ``run_pipeline`` on conversations made up here:
camps of different sizes, sparse and dense voting, few and many statements, and more than 500
participants (where red-dwarf's PCA turns randomised). The same groups (ARI ≥ 0.95, the same
number), and given them the same statistics, consensus and representative statements."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from bot.domain.decisions.opinions import (
    GroupCounts,
    VoteMatrix,
    entry_threshold,
    group_statistics,
    opinion_map,
    representatives,
)
from bot.domain.decisions.statements import next_statement

FIELDS = ["na", "nd", "ns", "pa", "pd", "pat", "pdt", "ra", "rd", "rat", "rdt"]


def conversation(participants: int, statements: int, camps: int, share: float, seed: int) -> list[tuple[int, int, int]]:
    rng = np.random.default_rng(seed)
    camp = rng.integers(0, camps, participants)
    leaning = rng.normal(size=(camps, statements))
    votes = []
    for member in range(participants):
        seen = np.flatnonzero(rng.random(statements) < share)
        opinion = leaning[camp[member], seen] + rng.normal(scale=0.9, size=len(seen))
        choices = np.where(opinion > 0.3, 1, np.where(opinion < -0.3, -1, 0))
        votes += [(member * 7 + 3, int(s) * 5 + 1, int(c)) for s, c in zip(seen, choices, strict=True)]
    return votes


def red_dwarf(votes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from reddwarf.implementations.polis import run_pipeline
        from reddwarf.utils.stats import calculate_comment_statistics_dataframes, select_representative_statements

        records = [{"participant_id": m, "statement_id": s, "vote": v, "modified": 0} for m, s, v in votes]
        columns = len({s for _, s, _ in votes})
        result = run_pipeline(votes=records, min_user_vote_threshold=entry_threshold(columns))
    return result, calculate_comment_statistics_dataframes, select_representative_statements


@pytest.mark.parametrize(
    ("participants", "statements", "camps", "share", "seed"),
    [(60, 12, 2, 0.9, 1), (150, 40, 3, 0.4, 2), (300, 80, 4, 0.25, 3), (90, 6, 2, 1.0, 4), (700, 60, 3, 0.3, 5)],
)
def test_groups_and_statistics_equal_red_dwarfs(participants, statements, camps, share, seed):
    votes = conversation(participants, statements, camps, share, seed)
    ours = opinion_map(votes)
    result, statistics, select = red_dwarf(votes)
    table = result.participants_df
    theirs = table[table.to_cluster]["cluster_id"]
    assert list(theirs.index) == list(ours.members)
    assert theirs.nunique() == ours.group_count
    assert adjusted_rand_score(list(theirs.astype(int)), list(ours.groups)) >= 0.95
    matrix = VoteMatrix.of(votes)
    group_of = dict(zip(ours.members, ours.groups, strict=True))
    rows = {}
    for member, statement, choice in votes:
        if member in group_of:
            counted = rows.setdefault((group_of[member], statement), [0, 0, 0])
            counted[0] += choice == 1
            counted[1] += choice == -1
            counted[2] += 1
    counts = GroupCounts.collect(matrix.statements, ours.group_count, [(g, s, *c) for (g, s), c in rows.items()])
    stats = group_statistics(counts)
    raw = result.raw_vote_matrix
    expected, consensus = statistics(raw.loc[list(ours.members), :], cluster_labels=list(ours.groups))
    for field in FIELDS:
        for group in range(ours.group_count):
            np.testing.assert_allclose(getattr(stats, field)[group],
                                       expected.loc[group][field].reindex(list(stats.statements)).to_numpy(float),
                                       rtol=0, atol=1e-9, err_msg=field)  # fmt: skip
    np.testing.assert_allclose(stats.consensus, consensus["group-aware-consensus-agree"].to_numpy(float), atol=1e-9)
    chosen = select(expected)
    for group in range(ours.group_count):
        assert [(r.statement, r.agrees, r.best_agree) for r in representatives(stats, group)] == [
            (row["tid"], row["repful-for"] == "agree", bool(row.get("best-agree"))) for row in chosen[group]]


def test_too_few_to_group_gives_no_groups():
    assert opinion_map([]).group_count == 0
    assert opinion_map([(1, 1, 1), (2, 1, -1)]).members == ()  # two points: no k from 2 to 5 can be scored


def test_a_withdrawn_statements_votes_are_left_out():
    votes = conversation(60, 12, 2, 0.9, 1)
    kept = {statement for _, statement, _ in votes} - {1}
    assert opinion_map(votes, kept) == opinion_map([vote for vote in votes if vote[1] != 1])


def test_the_next_statement_is_the_least_voted_then_the_oldest():
    from types import SimpleNamespace

    ideas = [SimpleNamespace(id=10 + n, number=n) for n in range(1, 5)]
    assert next_statement(ideas, {11: 3, 12: 1, 13: 1, 14: 0}, set()).number == 4
    assert next_statement(ideas, {11: 3, 12: 1, 13: 1, 14: 0}, {14}).number == 2
    assert next_statement(ideas, {}, {11, 12, 13, 14}) is None
