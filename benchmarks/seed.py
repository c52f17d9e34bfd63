"""Databases of a given size, written directly with ``sqlite3`` so seeding takes seconds.

Each function starts from a database migrated by :func:`storage.open_database`, so
the rows have exactly the shape the bot reads; the bot's own code is what is measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from bot.domain.deadline_kinds import DeadlineKind, reminder_due
from storage import open_database, to_db

FIRST_CHAT = -1_001_000_000_000
FACILITATOR = 101
LANGUAGE, TIMEZONE = "en", "Europe/London"


def chat_id(index: int) -> int:
    return FIRST_CHAT - index


@contextlib.contextmanager
def migrated(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a freshly migrated database at ``path``; commits on leaving."""
    asyncio.run(_migrate(path))
    connection = sqlite3.connect(path)
    try:
        with connection:
            yield connection
    finally:
        connection.close()


async def _migrate(path: Path) -> None:
    database = await open_database(path)
    await database.close()


def _members(conn: sqlite3.Connection, user_ids: range, now: dt.datetime) -> None:
    conn.executemany(
        "INSERT INTO members (user_id, first_name, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)",
        [(user_id, f"Neighbour {user_id}", to_db(now), to_db(now)) for user_id in user_ids],
    )


def _groups(conn: sqlite3.Connection, count: int, created_at: dt.datetime, last_summary_at: dt.datetime | None) -> None:
    conn.executemany(
        "INSERT INTO groups (id, chat_id, title, language, timezone, created_at, last_summary_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(index + 1, chat_id(index), f"Street {index}", LANGUAGE, TIMEZONE, to_db(created_at), to_db(last_summary_at))
         for index in range(count)],
    )  # fmt: skip


def history(path: Path, now: dt.datetime, *, rounds: int, ideas: int, ledger: int, people: int = 200) -> None:
    """One group with a long history: ``rounds`` weekly rounds (the last two still open)
    sharing ``ideas`` ideas, and ``ledger`` entries of volunteered time over the same years.
    Its last summary was a week ago, so the next one covers the last week."""
    chance = random.Random(6)
    start = now - dt.timedelta(weeks=rounds + 1)
    residents = range(FACILITATOR + 1, FACILITATOR + 1 + people)
    with migrated(path) as conn:
        _members(conn, range(FACILITATOR, FACILITATOR + 1 + people), start)
        _groups(conn, 1, start, now - dt.timedelta(days=7))
        per_round = max(1, ideas // rounds)
        for number in range(1, rounds + 1):
            opened = start + dt.timedelta(weeks=number - 1)
            stage = "closed" if number <= rounds - 2 else ("voting" if number == rounds - 1 else "ideas")
            closed_at = opened + dt.timedelta(days=5) if stage == "closed" else None
            round_id = conn.execute(
                "INSERT INTO rounds (group_id, number, question, stage, created_by, created_at, ideas_ends_at, "
                "voting_minutes, voting_started_at, voting_ends_at, closed_at, voter_count) "
                "VALUES (1, ?, ?, ?, ?, ?, ?, 2880, ?, ?, ?, ?)",
                (number, f"Question {number}: what should we do next?", stage, FACILITATOR, to_db(opened),
                 to_db(opened + dt.timedelta(days=3)),
                 to_db(opened + dt.timedelta(days=3)) if stage != "ideas" else None,
                 to_db(opened + dt.timedelta(days=5)) if stage != "ideas" else None,
                 to_db(closed_at), 30 if closed_at else None),
            ).lastrowid  # fmt: skip
            conn.executemany(
                "INSERT INTO ideas (round_id, number, author_id, text, folded_text, source_chat_id, "
                "source_message_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(round_id, n, chance.choice(residents), f"Idea {n} for round {number}", f"idea {n} for round {number}",
                  chat_id(0), number * 1000 + n, to_db(opened), to_db(opened)) for n in range(1, per_round + 1)],
            )  # fmt: skip
            if stage == "closed":
                conn.execute(
                    "INSERT INTO round_results (round_id, idea_id, votes, rank) "
                    "SELECT round_id, id, 100 - number, number FROM ideas WHERE round_id = ?",
                    (round_id,),
                )
                conn.execute(
                    "INSERT INTO outcomes (round_id, text, recorded_by, recorded_at) VALUES (?, ?, ?, ?)",
                    (round_id, f"Done: idea 1 of round {number}", FACILITATOR, to_db(closed_at)),
                )
        entries = []
        span = (now - start).total_seconds()
        for index in range(ledger):
            at = start + dt.timedelta(seconds=span * index / ledger)
            pending = index % 100 == 0
            to_member = chance.choice(residents)
            entries.append((to_member, 30 + index % 90, "pending" if pending else "confirmed",
                            None if pending else FACILITATOR, None if pending else to_db(at),
                            to_member, to_db(at - dt.timedelta(hours=1))))  # fmt: skip
        conn.executemany(
            "INSERT INTO ledger_entries (group_id, kind, to_member, minutes, status, confirmed_by, decided_at, "
            "created_by, created_at) VALUES (1, 'volunteering', ?, ?, ?, ?, ?, ?, ?)",
            entries,
        )


def many_groups(path: Path, now: dt.datetime, *, groups: int, deadlines: int) -> None:
    """``groups`` groups, each with its next summary planned, plus open rounds whose
    ideas-end deadline and reminder make up the rest of ``deadlines`` stored deadlines."""
    with migrated(path) as conn:
        _members(conn, range(FACILITATOR, FACILITATOR + 1), now)
        _groups(conn, groups, now - dt.timedelta(days=3), now - dt.timedelta(days=3))
        summary_at = now + dt.timedelta(days=4)
        rows = [(group_id, DeadlineKind.SUMMARY.value, group_id, to_db(summary_at)) for group_id in range(1, groups + 1)]
        rounds = max(0, deadlines - groups) // 2
        opened, ends = now - dt.timedelta(days=1), now + dt.timedelta(days=2)
        conn.executemany(
            "INSERT INTO rounds (id, group_id, number, question, stage, created_by, created_at, ideas_ends_at, "
            "voting_minutes) VALUES (?, ?, 1, 'Where should the bench go?', 'ideas', ?, ?, ?, 2880)",
            [(index + 1, index % groups + 1, FACILITATOR, to_db(opened), to_db(ends)) for index in range(rounds)],
        )
        for index in range(rounds):
            group_id, round_id = index % groups + 1, index + 1
            rows.append((group_id, DeadlineKind.IDEAS_END.value, round_id, to_db(ends)))
            rows.append((group_id, DeadlineKind.REMINDER_IDEAS.value, round_id, to_db(reminder_due(opened, ends))))
        conn.executemany("INSERT INTO deadlines (group_id, kind, ref_id, due_at) VALUES (?, ?, ?, ?)", rows)


def due_summaries(path: Path, now: dt.datetime, *, groups: int, due_at: dt.datetime) -> None:
    """``groups`` groups whose summaries all fall due at ``due_at``, each with a round opened
    since its last summary (so every summary has something to say)."""
    with migrated(path) as conn:
        _members(conn, range(FACILITATOR, FACILITATOR + 1), now)
        _groups(conn, groups, now - dt.timedelta(days=3), now - dt.timedelta(days=1))
        conn.executemany(
            "INSERT INTO rounds (group_id, number, question, stage, created_by, created_at, ideas_ends_at, "
            "voting_minutes) VALUES (?, 1, 'Where should the bench go?', 'ideas', ?, ?, ?, 2880)",
            [(group_id, FACILITATOR, to_db(now - dt.timedelta(hours=1)), to_db(now + dt.timedelta(days=2)))
             for group_id in range(1, groups + 1)],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO deadlines (group_id, kind, ref_id, due_at) VALUES (?, ?, ?, ?)",
            [(group_id, DeadlineKind.SUMMARY.value, group_id, to_db(due_at)) for group_id in range(1, groups + 1)],
        )


def due_notices(path: Path, now: dt.datetime, *, groups: int, people: int, due_at: dt.datetime) -> None:
    """``groups`` groups with one closed round each, and ``people`` members who started a private
    chat with the bot, each with one notice of their group's results due at ``due_at``."""
    first_person = FACILITATOR + 1
    with migrated(path) as conn:
        _members(conn, range(FACILITATOR, first_person + people), now)
        conn.execute("UPDATE members SET private_since = ?", (to_db(now),))
        _groups(conn, groups, now - dt.timedelta(days=3), now - dt.timedelta(days=1))
        conn.executemany(
            "INSERT INTO rounds (id, group_id, number, question, stage, created_by, created_at, voting_minutes, "
            "closed_at, voter_count) VALUES (?, ?, 1, 'Where should the bench go?', 'closed', ?, ?, 2880, ?, 0)",
            [(group_id, group_id, FACILITATOR, to_db(now - dt.timedelta(days=2)), to_db(now))
             for group_id in range(1, groups + 1)],
        )  # fmt: skip
        conn.executemany(  # each took part in their group (notices reach only its members)
            "INSERT INTO group_members (group_id, user_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)",
            [(index % groups + 1, first_person + index, to_db(now), to_db(now)) for index in range(people)],
        )
        conn.executemany(
            "INSERT INTO notices (group_id, user_id, round_id, kind, ref_id, due_at) VALUES (?, ?, ?, 'results', ?, ?)",
            [(index % groups + 1, first_person + index, index % groups + 1, index % groups + 1, to_db(due_at))
             for index in range(people)],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO deadlines (group_id, kind, ref_id, due_at) VALUES (?, ?, ?, ?)",
            [(group_id, DeadlineKind.NOTICES.value, group_id, to_db(due_at)) for group_id in range(1, groups + 1)],
        )


def budget_vote(path: Path, now: dt.datetime, *, groups: int, people: int, projects: int = 10) -> tuple[int, str, list[int]]:
    """``groups`` busy groups with a closed round each (their /rounds has something to say), and
    one more group of ``people`` members whose budget round is voting on ``projects`` costed
    ideas. The budget round's id, its link token and its ideas' ids."""
    budget_group = groups + 1
    members = range(FACILITATOR + 1, FACILITATOR + 1 + people)
    with migrated(path) as conn:
        _members(conn, range(FACILITATOR, FACILITATOR + 1 + people), now)
        _groups(conn, groups + 1, now - dt.timedelta(days=3), now - dt.timedelta(days=1))
        conn.executemany(
            "INSERT INTO rounds (group_id, number, question, stage, created_by, created_at, voting_minutes, "
            "closed_at, voter_count) VALUES (?, 1, 'Where should the bench go?', 'closed', ?, ?, 2880, ?, 0)",
            [(group_id, FACILITATOR, to_db(now - dt.timedelta(days=2)), to_db(now - dt.timedelta(days=1)))
             for group_id in range(1, groups + 1)],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO group_members (group_id, user_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)",
            [(budget_group, user_id, to_db(now), to_db(now)) for user_id in members],
        )
        token = "benchmark-budget-token"
        ends = now + dt.timedelta(days=2)
        round_id = conn.execute(
            "INSERT INTO rounds (group_id, number, kind, method, question, stage, created_by, created_at, ideas_ends_at, "
            "voting_minutes, voting_started_at, voting_ends_at, voting_message_id, link_token) "
            "VALUES (?, 1, 'round', 'budget', 'How should we spend the community chest?', 'voting', ?, ?, ?, 2880, ?, ?, 1, ?)",
            (budget_group, FACILITATOR, to_db(now - dt.timedelta(days=3)), to_db(now), to_db(now), to_db(ends), token),
        ).lastrowid  # fmt: skip
        conn.execute(
            "INSERT INTO budgets (round_id, amount, currency, rule) VALUES (?, 50000, 'GBP', 'equal-shares')", (round_id,)
        )
        ideas = []
        for number in range(1, projects + 1):
            idea_id = conn.execute(
                "INSERT INTO ideas (round_id, number, author_id, text, folded_text, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (round_id, number, FACILITATOR, f"Project {number}", f"project {number}", to_db(now), to_db(now)),
            ).lastrowid
            conn.execute("INSERT INTO budget_costs (idea_id, round_id, cost, set_at) VALUES (?, ?, ?, ?)",
                         (idea_id, round_id, 1000 * number, to_db(now)))  # fmt: skip
            ideas.append(idea_id)
        conn.execute(
            "INSERT INTO deadlines (group_id, kind, ref_id, due_at) VALUES (?, ?, ?, ?)",
            (budget_group, DeadlineKind.VOTING_END.value, round_id, to_db(ends)),
        )
    return round_id, token, ideas
