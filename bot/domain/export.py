"""Open data: a group's records as a zip of CSV files, a member's as JSON.

The CSV files are UTF-8 with a byte-order mark and a header row, so a spreadsheet opens
Polish, Urdu or Arabic text correctly on a double click. Members are named as in the
ledger: hidden members as "a neighbour", forgotten ones as "a former member", and no
Telegram ids leave the bot.

Cells are also safe to open: a spreadsheet runs a cell that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula, so an idea typed as
``=HYPERLINK(...)`` would become a live link. Such a cell gets a leading apostrophe
(OWASP's advice) unless it is a plain number, which stays a number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.domain.decisions import pabulib
from bot.domain.decisions.pabulib import PabulibBudget
from bot.domain.i18n import Translator
from bot.domain.ledger import EntryKind, LedgerEntry, neighbour_name
from bot.domain.records import Member

Row = dict[str, Any]


@dataclass(frozen=True)
class GroupRecords:
    """Everything a group's export holds, as read from storage."""

    rounds: list[Row]
    ideas: list[Row]
    votes: list[Row]
    outcomes: list[Row]
    ledger: list[LedgerEntry]
    members: dict[int, Member]
    postings: list[Row] = field(default_factory=list)  # needs and offers, with their helpers
    paper_tallies: list[Row] = field(default_factory=list)
    round_changes: list[Row] = field(default_factory=list)  # edits, moved deadlines, cancellations
    positions: list[Row] = field(default_factory=list)  # on consent proposals, with their reasons
    budgets: list[PabulibBudget] = field(default_factory=list)  # budget rounds that voted, one .pb file each


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: formula-like text gets a leading apostrophe."""
    if value is None:
        return ""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    return value if _PLAIN_NUMBER.fullmatch(value) else "'" + value


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _columns(rows: list[Row], header: Sequence[str]) -> list[list[Any]]:
    return [[row[name] for name in header] for row in rows]


def _when(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.isoformat(timespec="seconds")


def csv_files(records: GroupRecords, t: Translator) -> dict[str, bytes]:
    """File name to CSV bytes, one file per kind of record."""

    def name(user_id: int | None) -> str:
        return "" if user_id is None else neighbour_name(t, records.members.get(user_id))

    round_header = ("round", "kind", "method", "question", "stage", "created_at", "ideas_ends_at",
                    "voting_started_at", "voting_ends_at", "closed_at", "voter_count", "paper_voters",
                    "cancel_reason")  # fmt: skip
    change_header = ("round", "kind", "was", "became", "changed_by", "changed_at")
    idea_header = ("round", "idea", "text", "author", "status", "merged_into", "created_at",
                   "assisted_for", "assisted_agreed", "entered_by", "voice")  # fmt: skip
    vote_header = ("round", "idea", "text", "votes", "paper_votes", "rank", "final")
    paper_header = ("round", "entry", "idea", "votes", "voters", "entered_by", "entered_at", "reason", "counted")
    outcome_header = ("round", "question", "status", "progress", "text", "recorded_at", "corrected")
    ledger_header = ("entry", "kind", "from", "to", "minutes", "hours", "note", "status",
                     "confirmed_by", "rejected_by", "decided_at", "created_at", "reverses", "round")  # fmt: skip
    round_numbers = {row["id"]: row["round"] for row in records.rounds}
    ideas = [{**row, **_idea_credit(t, row, name)} for row in records.ideas]
    paper = [{**row, "entered_by": name(row["entered_by"]) or t._("a facilitator")} for row in records.paper_tallies]
    community = t._("the community")
    ledger_rows = [
        (
            entry.id, entry.kind.value,
            community if entry.from_member is None else name(entry.from_member),
            community if entry.to_member is None else name(entry.to_member),
            entry.minutes, round(entry.minutes / 60, 2), entry.note, entry.status.value,
            name(entry.confirmed_by), name(entry.rejected_by), _when(entry.decided_at),
            _when(entry.created_at), entry.reverses, round_numbers.get(entry.round_id),
        )
        for entry in records.ledger
    ]  # fmt: skip
    posting_header = ("number", "kind", "author", "minutes", "text", "status", "created_at",
                      "lapses_at", "closed_at", "helpers", "helped")  # fmt: skip
    posting_rows = [
        (
            row["id"], row["kind"], name(row["author"]), row["minutes"], row["text"], row["status"],
            row["created_at"], row["lapses_at"], row["closed_at"],
            "; ".join(name(helper) for helper in row["helpers"]), "; ".join(name(helped) for helped in row["helped"]),
        )
        for row in records.postings
    ]  # fmt: skip
    position_header = ("round", "member", "position", "reason", "changed_at", "reason_at")
    position_rows = [(row["round"], name(row["user_id"]), row["position"], row["reason"], row["changed_at"],
                      row["reason_at"]) for row in records.positions]  # fmt: skip
    return {
        "rounds.csv": _csv(round_header, _columns(records.rounds, round_header)),
        "consent_positions.csv": _csv(position_header, position_rows),
        "ideas.csv": _csv(idea_header, _columns(ideas, idea_header)),
        "votes.csv": _csv(vote_header, _columns(records.votes, vote_header)),
        "outcomes.csv": _csv(outcome_header, _columns(records.outcomes, outcome_header)),
        "paper_ballots.csv": _csv(paper_header, _columns(paper, paper_header)),
        "ledger.csv": _csv(ledger_header, ledger_rows),
        "needs_offers.csv": _csv(posting_header, posting_rows),
        "round_changes.csv": _csv(change_header, _columns(
            [{**row, "changed_by": name(row["changed_by"]) or t._("a facilitator")} for row in records.round_changes],
            change_header)),
    }


def _idea_credit(t: Translator, row: Row, name: Callable[[int | None], str]) -> Row:
    """Who an idea is from; an assisted idea also names the neighbour and the facilitator
    who entered it (when: its ``created_at``)."""
    if row["assisted_name"] is not None:
        entered_by = name(row["author_id"]) or t._("a facilitator")
        neighbour = row["assisted_name"] or t._("a neighbour")  # "" once a facilitator forgot the name
        return {
            "author": t._("{name} (via {facilitator})", name=neighbour, facilitator=entered_by),
            "assisted_for": neighbour,
            "entered_by": entered_by,
        }
    author = t._("anonymous") if row["anonymous"] else name(row["author_id"])
    return {"author": author, "assisted_for": "", "entered_by": ""}


def group_zip(records: GroupRecords, t: Translator) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for filename, content in csv_files(records, t).items():
            archive.writestr(filename, content)
        for budget in records.budgets:
            archive.writestr(pabulib.file_name(budget.round_number), pabulib.pabulib(budget).encode("utf-8"))
    return buffer.getvalue()


def zip_name(title: str, now: dt.datetime) -> str:
    """A file name safe on every system: the group's title in ASCII letters, and the date."""
    slug = "".join(char if char.isascii() and char.isalnum() else "-" for char in title.lower())
    slug = "-".join(part for part in slug.split("-") if part) or "group"
    return f"{slug}-{now:%Y-%m-%d}.zip"


def own_ledger(entries: Iterable[LedgerEntry], user_id: int) -> list[Row]:
    """The ledger as it belongs to one member, for ``/mydata``.

    An entry the member gave or received is theirs and is kept whole. One they only
    confirmed, rejected, reversed or logged for someone else is another person's record:
    only the member's part in it is kept (role, date, minutes), never that person's id,
    name or note.
    """
    return [
        asdict(entry) if user_id in (entry.from_member, entry.to_member) else _part_played(entry, user_id)
        for entry in entries
    ]


def _part_played(entry: LedgerEntry, user_id: int) -> Row:
    if entry.kind is EntryKind.REVERSAL and entry.created_by == user_id:
        role, date = "reversed", entry.created_at
    elif entry.confirmed_by == user_id:
        role, date = "confirmed", entry.decided_at
    elif entry.rejected_by == user_id:
        role, date = "rejected", entry.decided_at
    else:
        role, date = "logged", entry.created_at
    return {"role": role, "date": _when(date), "minutes": entry.minutes}


def own_connections(connections: Iterable[Any], user_id: int) -> list[Row]:
    """The member's part in each connection, never the other person's id."""
    return [
        {"posting": c.posting_id, "role": "helper" if c.helper == user_id else "helped",
         "status": c.status.value, "minutes": c.minutes, "created_at": _when(c.created_at)}
        for c in connections
    ]  # fmt: skip


def personal_json(data: dict[str, Any]) -> bytes:
    """A member's stored data as readable JSON (times and statuses as text)."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str).encode("utf-8")
