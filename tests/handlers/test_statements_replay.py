"""Two real Polis conversations replayed through the bot, checked against red-dwarf's Polis method.

Every statement is added by its own author (a reply to the round's message; the Polis owner
is the facilitator) and every vote is cast by its own participant through the private
voting, in the order Polis recorded them. After the close, red-dwarf's ``run_pipeline`` on
the votes the bot recorded must find as many groups as the bot, with an adjusted Rand
index of at least 0.95; given the bot's groups, red-dwarf's group-informed consensus and
representativeness of every statement must equal the bot's to 1e-9, and so must its
choice of each group's representative statements. The data's README tells where it is from.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from bot.domain.decisions.opinions import Choice, entry_threshold, group_statistics
from bot.domain.decisions.statements import group_counts
from bot.domain.rounds import MAX_STATEMENT_LENGTH
from bot.domain.text_limits import shorten
from bot.flows.decisions import method_of
from bot.flows.decisions.statements import recorded_votes
from storage import rounds as stored_rounds
from storage import statements as stored
from tests.support.statements_helpers import open_statements, start_voting, vote_on

DATA = Path(__file__).parents[1] / "data" / "polis"
CONVERSATIONS = ["brexit-consensus", "scoop-hivemind.freshwater"]
FIELDS = ["na", "nd", "ns", "pa", "pd", "pat", "pdt", "ra", "rd", "rat", "rdt"]


def _rows(conversation: str, name: str) -> list[dict[str, str]]:
    with (DATA / conversation / name).open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _events(conversation: str) -> list[tuple[int, int, dict[str, str]]]:
    """Comments (not rejected by Polis's moderators) and votes, in Polis's order; a comment
    before the votes of the same millisecond."""
    comments = [(int(row["timestamp"]), 0, row) for row in _rows(conversation, "comments.csv") if row["moderated"] != "-1"]
    votes = [(int(row["timestamp"]), 1, row) for row in _rows(conversation, "votes.csv")]
    return sorted(comments + votes, key=lambda event: event[:2])


async def _replay(harness, conversation: str):
    telegram = harness.telegram
    people = {0: harness.facilitator}

    def person(polis_id: str):
        number = int(polis_id)
        if number not in people:
            people[number] = telegram.person(50_000 + number, f"P{number}", language_code="en")
            telegram.join(harness.group, people[number])
        return people[number]

    await harness.add_bot()
    with (DATA / conversation / "summary.csv").open(encoding="utf-8") as file:
        question = dict(row[:2] for row in csv.reader(file) if len(row) >= 2)["topic"]
    round_ = await open_statements(harness, f"30d {question}")
    statement_of: dict[str, int] = {}
    voting: set[int] = set()
    for _, kind, row in _events(conversation):
        if kind == 0:
            text = shorten(row["comment-body"], MAX_STATEMENT_LENGTH)
            message_id = await harness.send(person(row["author-id"]), text, reply_to=round_.voting_message_id)
            async with harness.db.read() as conn:
                statement_of[row["comment-id"]] = (await stored_rounds.idea_by_source(conn, harness.group.id, message_id)).id
        elif row["comment-id"] in statement_of:
            voter = person(row["voter-id"])
            if voter.id not in voting:
                await start_voting(harness, voter, round_)
                voting.add(voter.id)
            await vote_on(harness, voter, statement_of[row["comment-id"]], Choice(int(row["vote"])))
    await harness.send(harness.facilitator, "/close now")
    return round_, {person_.id: polis_id for polis_id, person_ in people.items()}


def _red_dwarf(recorded):
    """red-dwarf's Polis pipeline on the recorded votes (its import warns about pydantic fields)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from reddwarf.implementations.polis import run_pipeline

    votes = [{"participant_id": member, "statement_id": statement, "vote": choice, "modified": 0}
             for member, statement, choice in recorded]  # fmt: skip
    columns = len({statement for _, statement, _ in recorded})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_pipeline(votes=votes, min_user_vote_threshold=entry_threshold(columns))


@pytest.mark.slow
@pytest.mark.parametrize("conversation", CONVERSATIONS)
async def test_polis_conversation_replayed_through_the_bot_matches_red_dwarf(harness, conversation):
    round_, polis_ids = await _replay(harness, conversation)
    votes, standing = await recorded_votes(harness.app, round_)
    recorded = [(member, statement, choice) for member, statement, choice in votes.tolist() if statement in standing]
    async with harness.db.read() as conn:
        closed = await stored_rounds.get(conn, round_.id)
        opinion = await stored.opinion_map(conn, round_.id)
        decision = await method_of(closed).frozen(conn, closed)
        counts = group_counts(await stored.tallies(conn, round_.id), opinion, await stored.group_tallies(conn, round_.id))
    result = _red_dwarf(recorded)
    from reddwarf.utils.stats import calculate_comment_statistics_dataframes, select_representative_statements

    participants = result.participants_df
    theirs = participants[participants.to_cluster]["cluster_id"]
    assert list(theirs.index) == list(opinion.members)
    assert theirs.nunique() == opinion.group_count >= 2
    assert adjusted_rand_score(list(theirs.astype(int)), list(opinion.groups)) >= 0.95

    raw = result.raw_vote_matrix
    stats, consensus = calculate_comment_statistics_dataframes(raw.loc[list(opinion.members), :],
                                                               cluster_labels=list(opinion.groups))  # fmt: skip
    ours = group_statistics(counts)
    assert ours.statements == tuple(raw.columns)
    for field in FIELDS:
        for group in range(opinion.group_count):
            expected = stats.loc[group][field].reindex(list(ours.statements)).to_numpy(dtype=float)
            np.testing.assert_allclose(getattr(ours, field)[group], expected, rtol=0, atol=1e-9, err_msg=field)
    ground = decision.common_ground
    for statement, expected in consensus["group-aware-consensus-agree"].items():
        assert abs(ground.statement(statement).consensus - expected) <= 1e-9
    representative = select_representative_statements(stats)
    for group in ground.groups:
        expected = representative[group.index]
        assert [(stance.idea_id, stance.agrees, stance.best_agree) for stance in group.stances] == [
            (row["tid"], row["repful-for"] == "agree", bool(row.get("best-agree"))) for row in expected
        ]
        for stance, row in zip(group.stances, expected, strict=True):
            assert abs(stance.repness - row["repness"]) <= 1e-9
            assert abs(stance.repness_test - row["repness-test"]) <= 1e-9

    exported = {row["participant"]: row["group-id"] for row in _rows(conversation, "participants-votes.csv")}
    both = [(member, group) for member, group in zip(opinion.members, opinion.groups, strict=True)
            if exported.get(str(polis_ids[member]), "") != ""]  # fmt: skip
    against_export = adjusted_rand_score([exported[str(polis_ids[m])] for m, _ in both], [g for _, g in both])
    print(f"{conversation}: {opinion.group_count} groups, ARI against the export's group-id {against_export:.2f}")
