"""A crash mid-update replays it, and the replay changes nothing already written.

The inbox marks an update applied only after its handlers finished, so an update whose
writes committed just before a ``kill -9`` is applied a second time after the restart.
Each test applies one update twice, straight through ``process_update`` (as a restart
would, before it was marked), and compares the database before and after the replay.
Commands that write a row key it on their source message (chat id, message id), so a
replay finds the row; what the bot posts about it is posted once, and a crash between the
commit and the post is made good by the replay.
"""

from __future__ import annotations

import contextlib

import pytest

from bot.domain import callbacks
from storage import rounds
from tests.support.credit_helpers import plain
from tests.support.ideas_helpers import buttons, last_bot_message

TABLES = ("groups", "members", "rounds", "ideas", "polls", "poll_options", "ballots", "round_results",
          "outcomes", "proposals", "proposal_supporters", "ledger_entries", "deadlines", "consent_rounds",
          "consent_positions", "budgets", "budget_costs", "budget_picks", "budget_ballots", "paper_tallies",
          "paper_votes", "paper_budget_ballots")  # fmt: skip


async def snapshot(harness) -> dict[str, list[tuple]]:
    """Every row of the tables a replay could touch, in whichever database the test runs on."""
    async with harness.db.read() as conn:
        return {table: sorted(tuple(row) for row in await conn.fetch_all(f"SELECT * FROM {table}"))  # noqa: S608
                for table in TABLES}  # fmt: skip


async def replayed(harness, update: dict, *, quietly: bool = False) -> None:
    """Apply ``update`` (which must write something), then again: the replay changes nothing.

    ``quietly``: nor does it post, edit or react to anything in the group again.
    """
    untouched = await snapshot(harness)
    await harness.deliver(update)
    applied = await snapshot(harness)
    assert applied != untouched, "the update wrote nothing, so its replay proves nothing"
    shown = posts(harness, SHOWN)
    await harness.deliver(update)
    assert await snapshot(harness) == applied
    if quietly:
        assert posts(harness, SHOWN) == shown, "the replay showed again what the first application had shown"


POSTS = ("sendMessage", "sendPoll")
SHOWN = (*POSTS, "sendPhoto", "editMessageText", "editMessageReplyMarkup", "setMessageReaction")


def posts(harness, methods: tuple[str, ...] = POSTS) -> list[str]:
    """What the bot posted (or, with ``SHOWN``, changed) in the group, in order; a refused call did nothing."""
    return [method for (method, params) in harness.telegram.calls
            if method in methods and int(params["chat_id"]) == harness.group.id]  # fmt: skip


@contextlib.contextmanager
def crash_before_posting(harness, methods: tuple[str, ...] = POSTS):
    """The bot dies after a transaction committed, before its first call of ``methods`` went out.

    Here Telegram refuses that call instead, which leaves the same state behind: the row
    written, no message sent, none noted on the row.
    """
    original = harness.telegram.handle
    refused = []

    def handle(method: str, params: dict) -> dict:
        if method in methods and not refused:
            refused.append(method)
            return {"ok": False, "error_code": 400, "description": "Bad Request: the bot died here"}
        return original(method, params)

    harness.telegram.handle = handle
    try:
        yield
    finally:
        harness.telegram.handle = original
    assert refused, "the command posted nothing, so no crash came between its commit and its post"


async def open_round(harness, question: str = "What should we do with the empty lot?") -> int:
    await harness.send(harness.facilitator, f"/round {question}")
    return max(message_id for (chat, message_id) in harness.telegram.messages if chat == harness.group.id)


def group_message(harness, person, text, **content):
    return harness.telegram.message_update(harness.group, person, text, **content)


@pytest.fixture
async def joined(harness):
    await harness.add_bot()
    return harness


@pytest.mark.parametrize(
    "command",
    [
        "/round What should we do with the empty lot?",
        "/poll Which day suits you?; Monday; Tuesday",
        "/propose A street party?",
        "/consent Shall we start a tool library?",
        "/propose consent Shall we start a tool library?",
        "/budget 5000 GBP How should we spend the community chest?",
    ],
)
async def test_replayed_commands_that_open_things_open_them_once(joined, command):
    await replayed(joined, group_message(joined, joined.facilitator, command), quietly=True)


@pytest.mark.parametrize(
    ("command", "posted"),
    [
        ("/round What should we do with the empty lot?", ["sendMessage"]),  # the prompt
        ("/poll Which day suits you?; Monday; Tuesday", ["sendMessage", "sendPoll"]),  # ideas, then the poll
        ("/propose A street party?", ["sendMessage"]),  # with its Support button
        ("/consent Shall we start a tool library?", ["sendMessage"]),  # with its four buttons
        ("/budget 5000 Spend the chest?", ["sendMessage"]),  # the prompt
        ("/log 2h litter pick on Chapel St", ["sendMessage"]),  # with Confirm and Reject
        ("/thank 1h for the gate", ["sendMessage"]),  # as a reply to the helper
    ],
)
async def test_replay_after_a_crash_between_commit_and_post_posts_once(joined, command, posted):
    helped = await joined.send(joined.residents[0], "I fixed the gate")
    earlier = posts(joined)
    update = group_message(joined, joined.facilitator, command, reply_to=helped if "/thank" in command else None)
    with crash_before_posting(joined):
        await joined.deliver(update)
    assert posts(joined) == earlier
    await replayed(joined, update, quietly=True)  # the first replay posts and notes the message
    assert posts(joined) == earlier + posted


async def support_presses(harness) -> list[dict]:
    """Ben proposes; Chloe's and Dawid's presses of Support (the second reaches the threshold of 3)."""
    await harness.send(harness.residents[0], "/propose A street party?")
    proposal = last_bot_message(harness)
    [(_label, data)] = buttons(proposal)
    return [harness.telegram.callback_update(harness.group, person, proposal["message_id"], data)
            for person in harness.residents[1:3]]  # fmt: skip


async def test_replayed_support_press_counts_once(joined):
    chloe, _dawid = await support_presses(joined)
    await replayed(joined, chloe, quietly=True)


async def test_replayed_support_press_that_reached_the_threshold_opens_one_round(joined):
    chloe, dawid = await support_presses(joined)
    await joined.deliver(chloe)
    await replayed(joined, dawid, quietly=True)
    assert len((await snapshot(joined))["rounds"]) == 1


@pytest.mark.parametrize(
    "crash_before",
    [
        "answerCallbackQuery",  # the press is stored, the proposal not yet opened
        "sendMessage",  # the round is stored, its prompt not yet posted nor the proposal told
    ],
)
async def test_replay_of_a_press_whose_opening_a_crash_cut_short_opens_one_round(joined, crash_before):
    chloe, dawid = await support_presses(joined)
    await joined.deliver(chloe)
    earlier = posts(joined)
    with crash_before_posting(joined, (crash_before,)):
        await joined.deliver(dawid)
    await replayed(joined, dawid, quietly=True)
    assert posts(joined) == [*earlier, "sendMessage"]  # the round's prompt
    assert len((await snapshot(joined))["rounds"]) == 1
    assert "now round #1" in joined.telegram.sent("editMessageText")[-1]["text"]


async def test_replayed_idea_is_stored_once(joined):
    prompt = await open_round(joined)
    await replayed(joined, group_message(joined, joined.residents[0], "A community garden", reply_to=prompt))


async def test_replayed_log_entry_is_recorded_once(joined):
    log = group_message(joined, joined.residents[0], "/log 2h litter pick on Chapel St")
    await replayed(joined, log, quietly=True)


async def confirm_press(harness) -> dict:
    """Chloe presses Confirm under the entry Ben logged."""
    await harness.send(harness.residents[0], "/log 2h litter pick on Chapel St")
    logged = max(message_id for (chat, message_id) in harness.telegram.messages if chat == harness.group.id)
    [data] = [button["callback_data"] for row in harness.telegram.messages[(harness.group.id, logged)]["reply_markup"]
              ["inline_keyboard"] for button in row if callbacks.parse(button["callback_data"]).action == callbacks.Action.CREDIT_CONFIRM]  # fmt: skip
    return harness.telegram.callback_update(harness.group, harness.residents[1], logged, data)


async def test_replayed_confirmation_counts_once(joined):
    await replayed(joined, await confirm_press(joined))


async def test_replayed_confirm_press_changes_nothing_and_shows_nothing_new(joined):
    press = await confirm_press(joined)
    await replayed(joined, press, quietly=True)
    answered = [call["callback_query_id"] for call in joined.telegram.sent("answerCallbackQuery")]
    assert answered == [press["callback_query"]["id"]] * 2  # the replay only answers the press again


async def test_replayed_confirm_press_after_a_crash_before_the_edit_shows_the_decision(joined):
    press = await confirm_press(joined)
    message = press["callback_query"]["message"]
    with crash_before_posting(joined, ("editMessageText",)):
        await joined.deliver(press)
    assert buttons(message), "the decision committed; its message still offers Confirm and Reject"
    decided = (await snapshot(joined))
    await joined.deliver(press)
    assert (await snapshot(joined)) == decided
    assert buttons(message) == []
    assert "Confirmed by Chloe" in plain(message["text"])
    assert "already confirmed" in joined.telegram.sent("answerCallbackQuery")[-1]["text"]


async def test_a_press_on_a_decided_entry_whose_buttons_are_gone_edits_nothing(joined):
    press = await confirm_press(joined)
    await joined.deliver(press)
    edits = joined.telegram.sent("editMessageText")
    await joined.deliver(joined.telegram.callback_update(
        joined.group, joined.residents[2], press["callback_query"]["message"]["message_id"],
        press["callback_query"]["data"],
    ))  # fmt: skip
    assert joined.telegram.sent("editMessageText") == edits
    assert "already confirmed" in joined.telegram.sent("answerCallbackQuery")[-1]["text"]


async def test_replayed_votes_and_close_count_once(joined):
    prompt = await open_round(joined)
    for resident, idea in zip(joined.residents, ["A garden", "A bench"], strict=False):
        await joined.send(resident, idea, reply_to=prompt)
    await joined.send(joined.facilitator, "/vote")
    [poll_id] = joined.telegram.polls
    joined.telegram.polls[poll_id]["is_anonymous"] = False  # a public poll also sends poll_answer
    for update in joined.telegram.vote_updates(joined.residents[2], poll_id, [0, 1]):
        await replayed(joined, update)
    await replayed(joined, group_message(joined, joined.facilitator, "/close now"))


async def test_replayed_idea_by_command_is_stored_once(joined):
    await open_round(joined)
    await replayed(joined, group_message(joined, joined.residents[0], "/idea A community garden"))


async def test_replayed_thanks_move_credits_once(joined):
    helped = await joined.send(joined.residents[1], "I fixed the gate")
    await replayed(joined, group_message(joined, joined.residents[0], "/thank 1h for the gate", reply_to=helped),
                   quietly=True)  # fmt: skip


async def test_replayed_outcome_is_recorded_once(joined):
    prompt = await open_round(joined)
    await joined.send(joined.residents[0], "A garden", reply_to=prompt)
    await joined.send(joined.facilitator, "/vote")
    await joined.send(joined.facilitator, "/close now")
    await replayed(joined, group_message(joined, joined.facilitator, "/outcome 1 We planted it."), quietly=True)


async def proposal_presses(harness) -> tuple[dict, dict]:
    """A consent proposal; Chloe's press of Object, and her reply with the reason."""
    await harness.send(harness.facilitator, "/consent Shall we start a tool library?")
    proposal = last_bot_message(harness)
    data = {button["text"]: button["callback_data"] for button in proposal["reply_markup"]["inline_keyboard"][0]}
    chloe = harness.residents[1]
    press = harness.telegram.callback_update(harness.group, chloe, proposal["message_id"], data["Object"])
    reply = group_message(harness, chloe, "No room for it.", reply_to=proposal["message_id"])
    return press, reply


async def test_replayed_position_and_reason_are_stored_once(joined):
    press, reply = await proposal_presses(joined)
    await replayed(joined, press)
    await replayed(joined, reply)


async def budget_voting(harness) -> tuple[int, int]:
    """A budget round with two costed ideas in its vote; its id and the first idea's id."""
    await harness.send(harness.facilitator, "/budget 5000 Spend the chest?")
    prompt = last_bot_message(harness)["message_id"]
    for text in ("A bench", "A mural"):
        await harness.send(harness.residents[0], text, reply_to=prompt)
    for command in ("/cost 1 1000", "/cost 2 2000", "/vote"):
        await harness.send(harness.facilitator, command)
    return 1, 1


async def open_ballot(harness, round_id: int):
    """Ben opens his private ballot through the voting message's link: Ben, the chat, the ballot's message id."""
    ben = harness.residents[0]
    chat = harness.telegram.private_chat(ben)
    async with harness.db.read() as conn:
        token = (await rounds.get(conn, round_id)).link_token
    await harness.send(ben, f"/start budget-{token}", chat=chat)
    return ben, chat, last_bot_message(harness, chat)["message_id"]


async def test_replayed_cost_and_paper_ballots_are_stored_once(joined):
    await joined.send(joined.facilitator, "/budget 5000 Spend the chest?")
    prompt = last_bot_message(joined)["message_id"]
    await joined.send(joined.residents[0], "A bench", reply_to=prompt)
    await replayed(joined, group_message(joined, joined.facilitator, "/cost 1 1000"))
    await joined.send(joined.facilitator, "/vote")
    await replayed(joined, group_message(joined, joined.facilitator, "/paper 1 1x3"))


async def test_replayed_ballot_buttons_change_nothing_more(joined):
    round_id, idea_id = await budget_voting(joined)
    ben, chat, ballot = await open_ballot(joined, round_id)
    pick = callbacks.encode(callbacks.Action.BUDGET_PICK, round_id, idea_id, 1, 0)
    await replayed(joined, joined.telegram.callback_update(chat, ben, ballot, pick))
    submit = callbacks.encode(callbacks.Action.BUDGET_SUBMIT, round_id, 0)
    await replayed(joined, joined.telegram.callback_update(chat, ben, ballot, submit))


async def test_a_ballot_submitted_just_before_a_crash_is_thanked_for_by_the_replay(joined):
    round_id, idea_id = await budget_voting(joined)
    ben, chat, ballot = await open_ballot(joined, round_id)
    pick = callbacks.encode(callbacks.Action.BUDGET_PICK, round_id, idea_id, 1, 0)
    await joined.deliver(joined.telegram.callback_update(chat, ben, ballot, pick))
    submit_data = callbacks.encode(callbacks.Action.BUDGET_SUBMIT, round_id, 0)
    submit = joined.telegram.callback_update(chat, ben, ballot, submit_data)
    picked = await snapshot(joined)
    with crash_before_posting(joined, ("answerCallbackQuery",)):
        await joined.deliver(submit)
    cast = await snapshot(joined)
    assert cast != picked, "the ballot was cast before the crash"
    await joined.deliver(submit)
    assert await snapshot(joined) == cast
    toasts = [params.get("text") for (method, params) in joined.telegram.calls if method == "answerCallbackQuery"]
    assert toasts[-1] == "Thank you: your ballot is in."
