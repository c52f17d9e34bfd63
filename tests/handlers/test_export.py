"""Open data: /export sends one zip of UTF-8 CSV files that open cleanly in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from bot.domain import export
from bot.domain.rounds import fold
from storage import groups, members
from storage import rounds as stored_rounds
from tests.support.credit_helpers import confirmed_entry
from tests.support.ideas_helpers import open_round

FILES = {"rounds.csv", "ideas.csv", "votes.csv", "outcomes.csv", "ledger.csv", "needs_offers.csv", "paper_ballots.csv",
         "round_changes.csv", "consent_positions.csv"}


async def seed_rounds(harness) -> None:
    """A closed round with results and an outcome, and a poll still voting, written directly."""
    ben, chloe = harness.residents[:2]
    now = harness.clock.now()
    for person in (harness.facilitator, ben, chloe):
        await harness.send(person, "/help")  # the bot meets the group and its members
    async with harness.db.transaction() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        closed = await stored_rounds.create(
            conn, group_id=group.id, question="Co zrobić z pustą działką?", created_by=101,
            now=now, ideas_ends_at=now + dt.timedelta(days=1), voting_minutes=60,
        )  # fmt: skip
        garden = await stored_rounds.add_idea(conn, round_id=closed.id, text="Ogród społeczny", folded=fold("Ogród społeczny"), author_id=ben.id, anonymous=False, now=now)
        benches = await stored_rounds.add_idea(conn, round_id=closed.id, text="حديقة، \"مقاعد\"", folded=fold("حديقة، \"مقاعد\""), author_id=chloe.id, anonymous=True, now=now)
        await conn.execute("UPDATE rounds SET stage = 'closed', closed_at = ?, voter_count = 5 WHERE id = ?", (now.isoformat(), closed.id))
        await conn.execute_many(
            "INSERT INTO round_results (round_id, idea_id, votes, rank) VALUES (?, ?, ?, ?)",
            [(closed.id, garden.id, 4, 1), (closed.id, benches.id, 2, 2)],
        )
        await conn.execute(
            "INSERT INTO outcomes (round_id, text, recorded_by, recorded_at) VALUES (?, ?, 101, ?)",
            (closed.id, "Garden planted in March", now.isoformat()),
        )
        poll = await stored_rounds.create(
            conn, group_id=group.id, question="Meeting day?", created_by=101, now=now,
            ideas_ends_at=None, voting_minutes=60, kind=stored_rounds.Kind.POLL,
        )  # fmt: skip
        monday = await stored_rounds.add_idea(conn, round_id=poll.id, text="Monday", folded=fold("Monday"), author_id=None, anonymous=False, now=now)
        await conn.execute("INSERT INTO polls (poll_id, round_id, position, chat_id, message_id) VALUES ('p1', ?, 0, ?, 1)", (poll.id, harness.group.id))
        await conn.execute("INSERT INTO poll_options (poll_id, option_index, idea_id, voter_count) VALUES ('p1', 0, ?, 3)", (monday.id,))


def read_zip(content: bytes) -> dict[str, list[dict[str, str]]]:
    tables = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            raw = archive.read(name)
            assert raw.startswith(b"\xef\xbb\xbf"), f"{name} has no UTF-8 byte-order mark"
            tables[name] = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    return tables


async def test_facilitator_gets_a_zip_of_csv_files_with_every_record(harness):
    ben, chloe = harness.residents[:2]
    await seed_rounds(harness)
    await confirmed_entry(harness, ben, chloe)
    await harness.send(harness.facilitator, "/export")

    (params,) = harness.telegram.sent("sendDocument", harness.group.id)
    filename, content = params["document"]
    assert filename == "chapel-street-neighbours-2026-11-02.zip"
    tables = read_zip(content)
    assert set(tables) == FILES

    assert [row["question"] for row in tables["rounds.csv"]] == ["Co zrobić z pustą działką?", "Meeting day?"]
    assert [(row["text"], row["author"]) for row in tables["ideas.csv"]][:2] == [
        ("Ogród społeczny", "Ben"),
        ('حديقة، "مقاعد"', "anonymous"),
    ]
    assert [(row["round"], row["idea"], row["votes"], row["rank"], row["final"]) for row in tables["votes.csv"]] == [
        ("1", "1", "4", "1", "1"),
        ("1", "2", "2", "2", "1"),
        ("2", "1", "3", "", "0"),
    ]
    assert tables["outcomes.csv"][0]["text"] == "Garden planted in March"
    (entry,) = tables["ledger.csv"]
    assert (entry["kind"], entry["from"], entry["to"], entry["minutes"], entry["hours"]) == (
        "volunteering", "the community", "Ben", "120", "2.0",
    )  # fmt: skip
    assert (entry["status"], entry["confirmed_by"]) == ("confirmed", "Chloe")


async def test_export_names_hidden_and_forgotten_members_as_the_ledger_does(harness):
    ben, chloe = harness.residents[:2]
    await confirmed_entry(harness, ben, chloe)
    await harness.send_private(chloe, "/privacy")
    async with harness.db.transaction() as conn:
        await members.forget(conn, ben.id, harness.clock.now())
    await harness.send(harness.facilitator, "/export")
    (params,) = harness.telegram.sent("sendDocument", harness.group.id)
    (entry,) = read_zip(params["document"][1])["ledger.csv"]
    assert (entry["to"], entry["confirmed_by"]) == ("a former member", "a neighbour")


async def test_export_of_an_empty_group_still_has_every_file_with_headers(harness):
    await harness.send(harness.facilitator, "/export")
    (params,) = harness.telegram.sent("sendDocument", harness.group.id)
    with zipfile.ZipFile(io.BytesIO(params["document"][1])) as archive:
        headers = {name: archive.read(name).decode("utf-8-sig").splitlines()[0] for name in archive.namelist()}
    assert set(headers) == FILES
    assert headers["ledger.csv"].startswith("entry,kind,from,to,minutes")


def test_zip_name_is_plain_ascii_whatever_the_title():
    moment = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    assert export.zip_name("Sąsiedzi z ul. Długiej!", moment) == "s-siedzi-z-ul-d-ugiej-2026-11-02.zip"
    assert export.zip_name("جيران", moment) == "group-2026-11-02.zip"


FORMULA_NAME = "=cmd|' /C calc'!A0"
FORMULA_IDEA = '=HYPERLINK("http://evil.example","x")'


async def test_export_cells_that_a_spreadsheet_would_run_as_formulas_start_with_an_apostrophe(harness):
    mallory = harness.telegram.person(301, FORMULA_NAME, username="mallory", language_code="en")
    round_ = await open_round(harness)
    await harness.send(mallory, FORMULA_IDEA, reply_to=round_.prompt_message_id)
    await harness.send(mallory, "/idea @SUM(A1:A9)")
    await harness.send(harness.facilitator, "/export")

    (params,) = harness.telegram.sent("sendDocument", harness.group.id)
    tables = read_zip(params["document"][1])
    cells = [(row["text"], row["author"]) for row in tables["ideas.csv"]]
    assert cells == [("'" + FORMULA_IDEA, "'" + FORMULA_NAME), ("'@SUM(A1:A9)", "'" + FORMULA_NAME)]


def test_formula_prefixes_are_neutralised_but_plain_numbers_stay_numbers():
    assert [export.safe_cell(value) for value in ("-5", "+1.5", "-2e3", "-", "+44 20 7946", "\tx", "\rx", "a=b")] == [
        "-5", "+1.5", "-2e3", "'-", "'+44 20 7946", "'\tx", "'\rx", "a=b",
    ]
    assert [export.safe_cell(value) for value in (None, -120, 2.5)] == ["", -120, 2.5]
