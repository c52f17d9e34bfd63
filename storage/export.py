"""Reading everything out: one group's records for ``/export``, one member's for ``/mydata``.

Rows come back as plain dicts of stored values; :mod:`bot.domain.export` decides how they are
named and laid out.
"""

from __future__ import annotations

from bot.domain.export import GroupRecords, Row, own_connections, own_ledger
from storage import Connection, budgets, consent, groups, ledger, members, needs


async def _rows(conn: Connection, sql: str, params: tuple) -> list[Row]:
    return [dict(row) for row in await conn.fetch_all(sql, params)]


async def group_records(conn: Connection, group_id: int) -> GroupRecords:
    rounds = await _rows(
        conn,
        """
        SELECT rounds.id, rounds.number AS round, kind, method, question,
               CASE WHEN cancelled_at IS NULL THEN stage ELSE 'cancelled' END AS stage, created_at, ideas_ends_at,
               voting_started_at, voting_ends_at, closed_at, voter_count, paper_voters, cancel_reason
        FROM rounds WHERE group_id = ? ORDER BY number
        """,
        (group_id,),
    )
    ideas = await _rows(
        conn,
        """
        SELECT rounds.number AS round, ideas.number AS idea, ideas.text, ideas.author_id,
               ideas.anonymous, ideas.status, merged.number AS merged_into, ideas.created_at,
               ideas.assisted_name, ideas.assisted_agreed, ideas.voice
        FROM ideas JOIN rounds ON rounds.id = ideas.round_id
        LEFT JOIN ideas AS merged ON merged.id = ideas.merged_into
        WHERE rounds.group_id = ? ORDER BY rounds.number, ideas.number
        """,
        (group_id,),
    )
    # Final results where a round closed; the polls' running counts where it has not.
    votes = await _rows(
        conn,
        """
        SELECT rounds.number AS round, ideas.number AS idea, ideas.text, round_results.votes,
               round_results.paper_votes, round_results.rank, 1 AS final
        FROM round_results JOIN rounds ON rounds.id = round_results.round_id
        JOIN ideas ON ideas.id = round_results.idea_id
        WHERE rounds.group_id = ?
        UNION ALL
        SELECT rounds.number, ideas.number, ideas.text, SUM(poll_options.voter_count), NULL, NULL, 0
        FROM poll_options JOIN ideas ON ideas.id = poll_options.idea_id
        JOIN rounds ON rounds.id = ideas.round_id
        WHERE rounds.group_id = ?
          AND NOT EXISTS (SELECT 1 FROM round_results WHERE round_results.round_id = rounds.id)
        GROUP BY ideas.id, rounds.id
        ORDER BY 1, 2
        """,
        (group_id, group_id),
    )
    # Every paper tally ever entered (or written when the ideas it counts changed: its
    # reason), per idea; the latest of a round is the one counted.
    paper = await _rows(
        conn,
        """
        SELECT rounds.number AS round,
               (SELECT COUNT(*) FROM paper_tallies AS earlier
                WHERE earlier.round_id = paper_tallies.round_id AND earlier.id <= paper_tallies.id) AS entry,
               ideas.number AS idea, paper_votes.votes, paper_tallies.voters, paper_tallies.entered_by,
               paper_tallies.entered_at, paper_tallies.reason,
               paper_tallies.id = (SELECT MAX(id) FROM paper_tallies AS latest
                                   WHERE latest.round_id = paper_tallies.round_id) AS counted
        FROM paper_tallies JOIN rounds ON rounds.id = paper_tallies.round_id
        LEFT JOIN paper_votes ON paper_votes.tally_id = paper_tallies.id
        LEFT JOIN ideas ON ideas.id = paper_votes.idea_id
        WHERE rounds.group_id = ? ORDER BY rounds.number, paper_tallies.id, ideas.number
        """,
        (group_id,),
    )
    outcomes = await _rows(
        conn,
        """
        SELECT rounds.number AS round, rounds.question, outcomes.status, outcomes.progress, outcomes.text,
               outcomes.recorded_at,
               CASE WHEN EXISTS (SELECT 1 FROM outcomes AS correction WHERE correction.corrects = outcomes.id)
                    THEN 1 ELSE 0 END AS corrected
        FROM outcomes JOIN rounds ON rounds.id = outcomes.round_id
        WHERE rounds.group_id = ? ORDER BY outcomes.recorded_at, outcomes.id
        """,
        (group_id,),
    )
    changes = await _rows(
        conn,
        """
        SELECT rounds.number AS round, round_changes.kind, round_changes.was, round_changes.became,
               round_changes.changed_by, round_changes.changed_at
        FROM round_changes JOIN rounds ON rounds.id = round_changes.round_id
        WHERE rounds.group_id = ? ORDER BY round_changes.id
        """,
        (group_id,),
    )
    positions = [dict(row) for row in await consent.group_positions(conn, group_id)]
    entries = await ledger.group_entries(conn, group_id)
    postings = await _rows(conn, "SELECT * FROM postings WHERE group_id = ? ORDER BY id", (group_id,))
    linked: dict[int, list] = {row["id"]: [] for row in postings}
    for connection in await needs.group_connections(conn, group_id):
        linked[connection.posting_id].append(connection)
    for row in postings:
        row["helpers"] = [c.helper for c in linked[row["id"]]]
        row["helped"] = [c.helped for c in linked[row["id"]]]
    people = {row["author_id"] for row in ideas if row["author_id"] is not None}
    people |= {row["author"] for row in postings}
    people |= {person for row in postings for person in (*row["helpers"], *row["helped"])}
    people |= {row["entered_by"] for row in paper if row["entered_by"] is not None}
    people |= {row["changed_by"] for row in changes if row["changed_by"] is not None}
    people |= {row["user_id"] for row in positions}
    for entry in entries:
        people |= entry.people
    return GroupRecords(
        rounds=rounds,
        ideas=ideas,
        votes=votes,
        outcomes=outcomes,
        ledger=entries,
        members=await members.names(conn, people),
        postings=postings,
        paper_tallies=paper,
        round_changes=changes,
        positions=positions,
        budgets=await budgets.for_pabulib(conn, await groups.get(conn, group_id)),
    )


async def personal_data(conn: Connection, user_id: int) -> dict[str, list[Row]]:
    """Everything stored about one member, table by table, for ``/mydata``."""
    found: dict[str, list[Row]] = {}
    queries = {
        "member": ("SELECT * FROM members WHERE user_id = ?", (user_id,)),
        # every column: when the member was first and last seen in each group (the
        # activity that decides who is nudged to vote) and when they left it
        "groups": (
            "SELECT groups.title, group_members.* FROM group_members "
            "JOIN groups ON groups.id = group_members.group_id WHERE user_id = ? ORDER BY group_members.first_seen_at",
            (user_id,),
        ),
        "rounds_opened": (
            "SELECT id, group_id, number, question, kind, stage, created_at, closed_at FROM rounds "
            "WHERE created_by = ? ORDER BY id",
            (user_id,),
        ),
        "ideas": (
            "SELECT ideas.*, rounds.number AS round_number, rounds.question FROM ideas "
            "JOIN rounds ON rounds.id = ideas.round_id WHERE author_id = ? ORDER BY ideas.id",
            (user_id,),
        ),
        "idea_drafts": ("SELECT * FROM idea_drafts WHERE author_id = ? ORDER BY id", (user_id,)),
        "proposals": ("SELECT * FROM proposals WHERE proposer_id = ? ORDER BY id", (user_id,)),
        "supports": ("SELECT * FROM proposal_supporters WHERE user_id = ?", (user_id,)),
        "ballots": ("SELECT * FROM ballots WHERE user_id = ?", (user_id,)),
        "statement_votes": ("SELECT * FROM statement_votes WHERE user_id = ? ORDER BY id", (user_id,)),
        "opinion_groups": ("SELECT * FROM opinion_members WHERE user_id = ?", (user_id,)),
        "outcome_updates": ("SELECT * FROM outcomes WHERE recorded_by = ? ORDER BY id", (user_id,)),
        "notices": ("SELECT * FROM notices WHERE user_id = ? ORDER BY id", (user_id,)),
        "paper_tallies_entered": ("SELECT * FROM paper_tallies WHERE entered_by = ? ORDER BY id", (user_id,)),
        "round_changes": ("SELECT * FROM round_changes WHERE changed_by = ? ORDER BY id", (user_id,)),
        "commands_asked_about": ("SELECT * FROM held_commands WHERE member_id = ? ORDER BY id", (user_id,)),
        "consent_positions": ("SELECT * FROM consent_positions WHERE user_id = ? ORDER BY round_id", (user_id,)),
        "budget_ballots": ("SELECT * FROM budget_ballots WHERE user_id = ? ORDER BY round_id", (user_id,)),
    }
    for name, (sql, params) in queries.items():
        found[name] = await _rows(conn, sql, params)
    found["ledger_entries"] = own_ledger(await ledger.member_entries(conn, user_id), user_id)
    found["needs_offers"] = await _rows(
        conn, "SELECT id, group_id, kind, minutes, text, status, created_at, lapses_at, closed_at "
        "FROM postings WHERE author = ? ORDER BY id", (user_id,),
    )
    found["connections"] = own_connections(await needs.member_connections(conn, user_id), user_id)
    return found
