"""Through the real Application: /privacy, /mydata, /forgetme and who may /export."""

from __future__ import annotations

import json

from bot.domain import callbacks
from storage import members
from tests.support.credit_helpers import (
    balances,
    confirmed_entry,
    log_entry,
    message_text,
    plain,
)
from tests.support.databases import postgres_only, sqlite_only
from tests.support.ideas_helpers import open_round


def private_document(harness, person) -> tuple[str, bytes]:
    params = harness.telegram.sent("sendDocument", person.id)[-1]
    return params["document"]


def last_private_message_id(harness, person) -> int:
    return max(message_id for (chat_id, message_id) in harness.telegram.messages if chat_id == person.id)


async def forget(harness, person, action: str = "forget_me") -> None:
    chat = harness.telegram.private_chat(person)
    await harness.send_private(person, "/forgetme")
    await harness.press(person, last_private_message_id(harness, person), callbacks.encode(action), chat=chat)


async def stored_member(harness, person):
    async with harness.db.read() as conn:
        return await members.get(conn, person.id)


async def test_privacy_toggles_hiding_the_name(harness):
    ben = harness.residents[0]
    await harness.send(ben, "/privacy")
    assert "hidden" in harness.last_text() and (await stored_member(harness, ben)).hidden
    await harness.send(ben, "/privacy")
    assert "shown again" in harness.last_text() and not (await stored_member(harness, ben)).hidden


async def test_hidden_member_is_left_out_of_the_ledger_but_their_hours_count(harness):
    ben, chloe = harness.residents[:2]
    await confirmed_entry(harness, ben, chloe)
    await harness.send_private(ben, "/privacy")
    await harness.send(chloe, "/ledger")
    listing = plain(harness.last_text())
    assert "Ben" not in listing and "ever: 2 hours" in listing and "1 neighbour has contributed" in listing


async def test_hidden_name_is_left_out_of_idea_listings_and_proposals(harness):
    ben = harness.residents[0]
    round_ = await open_round(harness)
    await harness.send(ben, "A community garden", reply_to=round_.prompt_message_id)
    await harness.send_private(ben, "/privacy")
    await harness.send(ben, "/ideas")
    assert "1. A community garden — a neighbour" in plain(harness.last_text())
    await harness.send(ben, "/propose Should we plant trees on Chapel Street?")
    proposal = plain(harness.last_text())
    assert proposal.startswith("A neighbour proposes a round:") and "Ben" not in proposal


async def test_mydata_in_a_group_gets_a_private_chat_hint(harness):
    await harness.send(harness.residents[0], "/mydata")
    assert "private chat" in harness.last_text()
    assert harness.telegram.sent("sendDocument") == []


async def test_mydata_sends_everything_stored_about_the_member_as_json(harness):
    ben, chloe = harness.residents[:2]
    await confirmed_entry(harness, ben, chloe)
    await harness.send_private(ben, "/mydata")
    filename, content = private_document(harness, ben)
    data = json.loads(content)
    assert filename.endswith(".json")
    assert data["member"][0]["first_name"] == "Ben" and data["member"][0]["username"] == "ben"
    assert data["groups"][0]["title"] == "Chapel Street neighbours"
    assert [entry["note"] for entry in data["ledger_entries"]] == ["litter pick on Chapel St"]
    assert {"ideas", "idea_drafts", "proposals", "supports", "ballots"} <= set(data)


async def test_mydata_keeps_only_the_members_part_in_other_peoples_entries(harness):
    ben, chloe = harness.residents[:2]
    private_note = "/log 2h helped Mrs Khan (flat 4B) with her hospital forms"
    confirmed = await confirmed_entry(harness, ben, chloe, private_note)
    rejected, _ = await log_entry(harness, ben, "/log 1h fixed a fence")
    await harness.press(harness.facilitator, rejected.message_id, callbacks.encode("credit_reject", rejected.id))
    await confirmed_entry(harness, chloe, ben, "/log 30m swept the stairs")  # Chloe's own entry
    await harness.send(harness.facilitator, f"/reverse {confirmed.id} logged twice")

    await harness.send_private(chloe, "/mydata")
    _filename, content = private_document(harness, chloe)
    own = json.loads(content)["ledger_entries"]
    assert [entry.get("role") for entry in own] == ["confirmed", None]
    assert [entry["minutes"] for entry in own] == [120, 30]
    assert set(own[0]) == {"role", "date", "minutes"} and own[0]["date"].startswith("2026-")
    assert own[1]["note"] == "swept the stairs" and own[1]["to_member"] == chloe.id
    assert b"Mrs Khan" not in content

    await harness.send_private(harness.facilitator, "/mydata")
    _filename, content = private_document(harness, harness.facilitator)
    decided = json.loads(content)["ledger_entries"]
    assert [(entry["role"], entry["minutes"]) for entry in decided] == [("rejected", 60), ("reversed", 120)]
    assert all(set(entry) == {"role", "date", "minutes"} for entry in decided)
    assert b"fixed a fence" not in content and b"logged twice" not in content and b"Mrs Khan" not in content


async def test_forgetme_in_a_group_gets_a_private_chat_hint(harness):
    ben = harness.residents[0]
    await harness.send(ben, "/forgetme")
    assert "private chat" in harness.last_text()
    assert not (await stored_member(harness, ben)).forgotten


async def test_forgetme_removes_names_and_keeps_every_balance(harness):
    ben, chloe = harness.residents[:2]
    await confirmed_entry(harness, ben, chloe)
    await harness.send(chloe, "/thank @ben 30m")
    before = await balances(harness)

    await forget(harness, ben)
    member = await stored_member(harness, ben)
    assert member.forgotten and member.first_name == "" and member.username is None
    assert await balances(harness) == before

    await harness.send(ben, "/help")  # seen again: the name does not come back
    assert (await stored_member(harness, ben)).first_name == ""
    await harness.send(chloe, "/ledger")
    assert "a former member: 2 hours 30 minutes" in plain(harness.last_text())

    await harness.send(chloe, "/thank @ben 15m")
    assert "I don't know \u2068@ben\u2069" in harness.last_text()


async def test_forgetme_cancelled_changes_nothing(harness):
    ben = harness.residents[0]
    await forget(harness, ben, "forget_keep")
    assert "Nothing was changed" in plain(harness.telegram.messages[(ben.id, last_private_message_id(harness, ben))]["text"])
    assert not (await stored_member(harness, ben)).forgotten


async def test_forgetme_pressed_twice_says_so(harness):
    ben = harness.residents[0]
    await forget(harness, ben)
    await forget(harness, ben)
    answers = [params.get("text", "") for params in harness.telegram.sent("answerCallbackQuery")]
    assert "already been forgotten" in answers[-1]


async def test_forget_button_pressed_in_a_group_is_refused(harness):
    ben = harness.residents[0]
    posted = await harness.send(ben, "/help")
    await harness.press(ben, posted, callbacks.encode("forget_me"))
    assert "not valid" in harness.telegram.sent("answerCallbackQuery")[-1]["text"]
    assert not (await stored_member(harness, ben)).forgotten


async def test_non_facilitator_cannot_export(harness):
    await harness.send(harness.residents[0], "/export")
    assert "only the group's facilitators" in harness.last_text()
    assert harness.telegram.sent("sendDocument") == []


@sqlite_only
async def test_forgetme_leaves_no_copy_of_the_name_in_the_database_files(harness, tmp_path):
    zofia = harness.telegram.person(301, "Zygfryda", last_name="Quennell", username="zygfryda_q", language_code="en")
    chloe = harness.residents[1]
    await harness.send(zofia, "/help")
    await confirmed_entry(harness, zofia, chloe)
    await harness.send_private(zofia, "/credits")

    await forget(harness, zofia)
    async with harness.db.read() as conn:
        assert (await conn.fetch_one("PRAGMA secure_delete"))[0] == 1
    files = [path for path in tmp_path.iterdir() if path.name.startswith("coprod.sqlite3")]
    assert any(path.name.endswith("-wal") for path in files)
    for path in files:
        content = path.read_bytes()
        for word in (b"Zygfryda", b"Quennell", b"zygfryda_q"):
            assert word not in content, f"{word!r} is still in {path.name}"


@postgres_only
async def test_forgetme_rewrites_the_tables_that_held_the_name_on_postgresql(harness):
    """The old row versions (the name, the raw updates naming them) leave the data files:
    ``VACUUM FULL`` gives each table a new file."""
    zofia = harness.telegram.person(301, "Zygfryda", last_name="Quennell", username="zygfryda_q", language_code="en")
    await harness.send(zofia, "/help")
    files = "SELECT pg_relation_filenode('members'), pg_relation_filenode('inbox')"
    async with harness.db.read() as conn:
        before = tuple(await conn.fetch_one(files))
    await forget(harness, zofia)
    async with harness.db.read() as conn:
        after = tuple(await conn.fetch_one(files))
    assert before[0] != after[0] and before[1] != after[1]
    assert (await stored_member(harness, zofia)).first_name != "Zygfryda"


async def test_forgetme_edits_the_entry_and_proposal_messages_that_named_the_member(harness):
    ben, chloe, dawid = harness.residents[:3]
    confirmed = await confirmed_entry(harness, ben, chloe, "/log 2h painted the fence")
    pending, pending_message = await log_entry(harness, dawid, "/log 1h swept the yard")
    await harness.press(ben, pending_message, callbacks.encode("credit_reject", pending.id))  # Ben may not
    confirmed_by_ben = await confirmed_entry(harness, chloe, ben, "/log 1h fixed the gate")
    await harness.send(ben, "/propose Should we plant trees on Chapel Street?")
    proposal_message = max(message["message_id"] for message in harness.telegram.bot_messages(harness.group.id))
    assert "Ben proposes a round" in message_text(harness, proposal_message)
    assert "Entry #1: Ben volunteered" in message_text(harness, confirmed.message_id)
    assert "Confirmed by Ben" in message_text(harness, confirmed_by_ben.message_id)

    await forget(harness, ben)

    group_texts = [plain(message.get("text", "")) for message in harness.telegram.bot_messages(harness.group.id)]
    assert not any("Ben" in text for text in group_texts)
    assert "Entry #1: a former member volunteered 2 hours: painted the fence" in message_text(harness, confirmed.message_id)
    assert "Confirmed by a former member" in message_text(harness, confirmed_by_ben.message_id)
    assert "A neighbour proposes a round" in message_text(harness, proposal_message)
    proposal = harness.telegram.messages[(harness.group.id, proposal_message)]
    assert "Support" in str(proposal["reply_markup"])  # still open: the button stays
    assert "Dawid volunteered" in message_text(harness, pending_message)  # not Ben's: untouched
    assert harness.telegram.violations == []


async def test_forgetme_still_confirms_when_an_old_message_cannot_be_edited(harness):
    ben, chloe = harness.residents[:2]
    entry = await confirmed_entry(harness, ben, chloe)
    del harness.telegram.messages[(harness.group.id, entry.message_id)]  # deleted by an admin
    await forget(harness, ben)
    confirmation = harness.telegram.messages[(ben.id, last_private_message_id(harness, ben))]
    assert confirmation["text"].startswith("Done. Your name and personal details are removed")
    assert (await stored_member(harness, ben)).forgotten


async def test_mydata_holds_the_activity_record_that_decides_who_is_nudged(harness):
    ben = harness.residents[0]
    await harness.send(ben, "/help")
    harness.advance(hours=2)
    await harness.send(ben, "/help")
    async with harness.db.read() as conn:
        stored = await conn.fetch_all("SELECT * FROM group_members WHERE user_id = ?", (ben.id,))
    await harness.send_private(ben, "/mydata")
    _filename, content = private_document(harness, ben)
    [group] = json.loads(content)["groups"]
    assert group["title"] == "Chapel Street neighbours"
    [row] = stored
    for column in row.keys():
        if column not in ("group_id", "user_id"):
            assert group[column] == row[column], column
    assert group["last_seen_at"] != group["first_seen_at"]


async def test_mydata_lists_the_rounds_the_member_opened(harness):
    await open_round(harness, "Should we plant trees on Chapel Street?")
    await harness.send_private(harness.facilitator, "/mydata")
    _filename, content = private_document(harness, harness.facilitator)
    [opened] = json.loads(content)["rounds_opened"]
    assert opened["question"] == "Should we plant trees on Chapel Street?" and opened["number"] == 1
