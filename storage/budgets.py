"""Participatory budgets: their terms, the ideas' costs, ballots online and on paper, the winners.

A member's ballot has two parts: the projects they are choosing (``budget_picks``, one row
per project, set and unset by the ballot's buttons with the state they ask for, so a
button applied again changes nothing) and what they last submitted (``budget_ballots``,
which is what counts). Submitting again replaces the submitted ballot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence

from bot.domain.decisions.budget import BallotRules, BudgetTerms, Rule
from bot.domain.decisions.pabulib import PabulibBudget, PabulibProject
from bot.domain.records import Group, Source
from storage import Connection, from_db, paper, to_db


def _projects_text(projects: Iterable[int]) -> str:
    return ",".join(str(idea_id) for idea_id in sorted(projects))


def _projects(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in text.split(",") if part)


async def create(conn: Connection, round_id: int, terms: BudgetTerms) -> None:
    await conn.execute(
        "INSERT INTO budgets (round_id, amount, currency, rule, min_spend, min_projects, max_projects) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round_id) DO NOTHING",
        (round_id, terms.amount, terms.currency, terms.rule.value, terms.ballot.min_spend, terms.ballot.min_projects,
         terms.ballot.max_projects),
    )  # fmt: skip


async def terms(conn: Connection, round_id: int) -> BudgetTerms:
    row = await conn.fetch_one("SELECT * FROM budgets WHERE round_id = ?", (round_id,))
    rules = BallotRules(row["min_spend"], row["min_projects"], row["max_projects"])
    return BudgetTerms(row["amount"], row["currency"], Rule(row["rule"]), rules)


async def set_cost(conn: Connection, round_id: int, idea_id: int, cost: int, *, by: int | None, now: dt.datetime) -> None:
    await conn.execute(
        "INSERT INTO budget_costs (idea_id, round_id, cost, set_by, set_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (idea_id) DO UPDATE SET cost = excluded.cost, set_by = excluded.set_by, set_at = excluded.set_at",
        (idea_id, round_id, cost, by, to_db(now)),
    )


async def costs(conn: Connection, round_id: int) -> dict[int, int]:
    """Idea id -> cost, for the round's costed ideas."""
    rows = await conn.fetch_all("SELECT idea_id, cost FROM budget_costs WHERE round_id = ?", (round_id,))
    return {row[0]: row[1] for row in rows}


# ------------------------------------------------------------------------ ballots


async def picks(conn: Connection, round_id: int, user_id: int) -> set[int]:
    rows = await conn.fetch_all("SELECT idea_id FROM budget_picks WHERE round_id = ? AND user_id = ?", (round_id, user_id))
    return {row[0] for row in rows}


async def pick(conn: Connection, round_id: int, user_id: int, idea_id: int, chosen: bool) -> None:
    """Choose the project (or take it off) on the member's ballot in progress."""
    if chosen:
        await conn.execute(
            "INSERT INTO budget_picks (round_id, user_id, idea_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (round_id, user_id, idea_id),
        )
    else:
        await conn.execute(
            "DELETE FROM budget_picks WHERE round_id = ? AND user_id = ? AND idea_id = ?", (round_id, user_id, idea_id)
        )


async def fill_picks(conn: Connection, round_id: int, user_id: int, projects: Iterable[int]) -> None:
    """Start the ballot in progress from ``projects`` (what the member submitted before)."""
    await conn.execute_batch(
        "INSERT INTO budget_picks (round_id, user_id, idea_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [(round_id, user_id, idea_id) for idea_id in projects],
    )


async def submit(conn: Connection, round_id: int, user_id: int, projects: Collection[int], now: dt.datetime) -> None:
    await conn.execute(
        "INSERT INTO budget_ballots (round_id, user_id, projects, submitted_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (round_id, user_id) DO UPDATE SET projects = excluded.projects, submitted_at = excluded.submitted_at",
        (round_id, user_id, _projects_text(projects), to_db(now)),
    )


async def submitted(conn: Connection, round_id: int, user_id: int) -> frozenset[int] | None:
    row = await conn.fetch_one(
        "SELECT projects FROM budget_ballots WHERE round_id = ? AND user_id = ?", (round_id, user_id)
    )
    return _projects(row[0]) if row else None


async def ballots(conn: Connection, round_id: int) -> list[frozenset[int]]:
    """Every submitted ballot of the round, in the order they came (the first submission)."""
    rows = await conn.fetch_all("SELECT projects FROM budget_ballots WHERE round_id = ? ORDER BY user_id", (round_id,))
    return [_projects(row[0]) for row in rows]


async def ballot_count(conn: Connection, round_id: int) -> int:
    row = await conn.fetch_one("SELECT COUNT(*) FROM budget_ballots WHERE round_id = ?", (round_id,))
    return row[0]


# ------------------------------------------------------------------------ paper ballots


async def enter_paper(
    conn: Connection, *, round_id: int, ballots: Sequence[tuple[frozenset[int], int]],
    entered_by: int | None, now: dt.datetime, source: Source | None,
) -> int:  # fmt: skip
    """A paper tally of budget ballots (idea ids, copies); it replaces the round's previous one."""
    votes: dict[int, int] = {}
    for projects, copies in ballots:
        for idea_id in projects:
            votes[idea_id] = votes.get(idea_id, 0) + copies
    tally_id = await paper.enter(conn, round_id=round_id, voters=sum(copies for _, copies in ballots), votes=votes,
                                 entered_by=entered_by, now=now, source=source)  # fmt: skip
    await conn.execute_batch(
        "INSERT INTO paper_budget_ballots (tally_id, position, projects, copies) VALUES (?, ?, ?, ?)",
        [(tally_id, position, _projects_text(projects), copies) for position, (projects, copies) in enumerate(ballots)],
    )
    return tally_id


async def paper_ballots(conn: Connection, round_id: int) -> list[frozenset[int]]:
    """The paper ballots of the round's latest tally, one per paper voter."""
    rows = await conn.fetch_all(
        "SELECT projects, copies FROM paper_budget_ballots WHERE tally_id = "
        "(SELECT MAX(id) FROM paper_tallies WHERE round_id = ?) ORDER BY position",
        (round_id,),
    )
    return [_projects(row[0]) for row in rows for _ in range(row[1])]


# ------------------------------------------------------------------------ the winners


async def freeze(conn: Connection, round_id: int, chosen: Sequence[int], spent: int) -> None:
    """Mark the winners (in the order the rule chose them) and what they spend."""
    await conn.execute("UPDATE budgets SET spent = ? WHERE round_id = ? AND spent IS NULL", (spent, round_id))
    await conn.execute_batch(
        "UPDATE budget_costs SET funded = 1, funded_order = ? WHERE idea_id = ? AND round_id = ?",
        [(order, idea_id, round_id) for order, idea_id in enumerate(chosen, 1)],
    )


async def funded(conn: Connection, round_id: int) -> list[int]:
    rows = await conn.fetch_all(
        "SELECT idea_id FROM budget_costs WHERE round_id = ? AND funded = 1 ORDER BY funded_order", (round_id,)
    )
    return [row[0] for row in rows]


async def for_pabulib(conn: Connection, group: Group) -> list[PabulibBudget]:
    """Every budget round of the group that has voted or is voting, as its Pabulib file tells
    it: the projects on its ballot, every ballot online and on paper, the winners."""
    rows = await conn.fetch_all(
        "SELECT rounds.* FROM budgets JOIN rounds ON rounds.id = budgets.round_id "
        "WHERE rounds.group_id = ? AND rounds.stage != 'ideas' ORDER BY rounds.number",
        (group.id,),
    )
    found = []
    for row in rows:
        chosen = set(await funded(conn, row["id"]))
        projects = await conn.fetch_all(
            "SELECT ideas.id, ideas.number, ideas.text, budget_costs.cost FROM ideas "
            "JOIN budget_costs ON budget_costs.idea_id = ideas.id WHERE ideas.round_id = ? AND ideas.status = 'standing' "
            "ORDER BY ideas.number",
            (row["id"],),
        )
        number_of = {project["id"]: project["number"] for project in projects}
        every = [*await ballots(conn, row["id"]), *await paper_ballots(conn, row["id"])]
        found.append(PabulibBudget(
            group=group.title, round_number=row["number"], question=row["question"], language=group.language,
            terms=await terms(conn, row["id"]),
            projects=[PabulibProject(p["number"], p["text"], p["cost"], p["id"] in chosen) for p in projects],
            ballots=[frozenset(number_of[i] for i in ballot if i in number_of) for ballot in every],
            opened=from_db(row["created_at"]), closed=from_db(row["closed_at"]),
        ))  # fmt: skip
    return found
