"""Sharing power: /propose, the Support button, opening at the threshold, lapsing."""

from __future__ import annotations

import datetime as dt

from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.proposals import ProposalStatus
from bot.domain.rounds import Stage
from bot.runtime import deadlines as served
from storage import deadlines, groups, proposals, rounds
from tests.support.ideas_helpers import buttons, last_bot_message


async def _propose(harness, person, question: str = "Should we plant trees on Chapel Street?") -> dict:
    await harness.send(person, f"/propose {question}")
    return last_bot_message(harness)


def _support_button(message: dict) -> str:
    return dict(buttons(message))["Support"]


async def _support(harness, person, message: dict, stale: str | None = None) -> None:
    """``person`` presses Support; ``stale``: the button as a client still shows it after
    the bot removed it."""
    await harness.press(person, message["message_id"], stale or _support_button(message))


async def _proposal(harness, proposal_id: int = 1):
    async with harness.db.read() as conn:
        return await proposals.get(conn, proposal_id), await proposals.supporter_count(conn, proposal_id)


async def _open_rounds(harness):
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        return await rounds.open_rounds(conn, group.id)


def _toasts(harness) -> list[str]:
    return [params.get("text", "") for params in harness.telegram.sent("answerCallbackQuery")]


async def test_any_member_proposes_and_counts_as_first_supporter(harness):
    ben = harness.residents[0]
    message = await _propose(harness, ben)
    text = harness.last_text()
    assert "\u2068Ben\u2069 proposes a round" in text and "Should we plant trees on Chapel Street?" in text
    assert "Supporters so far: 1 of 3" in text
    assert [label for label, _ in buttons(message)] == ["Support"]
    proposal, supporters = await _proposal(harness)
    assert (proposal.status, proposal.proposer_id, supporters) == (ProposalStatus.OPEN, ben.id, 1)
    assert proposal.expires_at == harness.clock.now() + dt.timedelta(hours=48)
    async with harness.db.read() as conn:
        lapse = await deadlines.get(conn, DeadlineKind.PROPOSAL_LAPSE, proposal.id)
    assert lapse.due_at == proposal.expires_at


async def test_proposal_opens_as_a_round_when_enough_neighbours_support_it(harness):
    ben, chloe, dawid = harness.residents[:3]
    message = await _propose(harness, ben)
    support = _support_button(message)
    await _support(harness, chloe, message)
    assert "Supporters so far: 2 of 3" in message["text"]
    assert _support_button(message) == support  # Support stays while the proposal is open
    assert await _open_rounds(harness) == []
    await _support(harness, dawid, message)
    assert buttons(message) == []
    (opened,) = await _open_rounds(harness)
    assert (opened.question, opened.stage, opened.created_by) == ("Should we plant trees on Chapel Street?", Stage.IDEAS, ben.id)
    assert opened.ideas_ends_at == harness.clock.now() + dt.timedelta(days=3)
    assert "it is now round #1" in message["text"]
    assert "Round #1" in harness.last_text()
    proposal, supporters = await _proposal(harness)
    assert (proposal.status, proposal.round_id, supporters) == (ProposalStatus.OPENED, opened.id, 3)
    harness.advance(hours=49)
    await served.run_due(harness.app)
    assert (await _proposal(harness))[0].status is ProposalStatus.OPENED
    await _support(harness, harness.residents[3], message, stale=support)
    assert "already opened as a round" in _toasts(harness)[-1]
    assert len(await _open_rounds(harness)) == 1


async def test_supporting_twice_changes_nothing(harness):
    ben, chloe = harness.residents[:2]
    message = await _propose(harness, ben)
    await _support(harness, ben, message)
    assert "You already support this proposal" in _toasts(harness)[-1]
    await _support(harness, chloe, message)
    await _support(harness, chloe, message)
    assert "You already support this proposal" in _toasts(harness)[-1]
    _proposal_now, supporters = await _proposal(harness)
    assert supporters == 2
    assert await _open_rounds(harness) == []


async def test_proposal_lapses_after_48_hours_without_enough_support(harness):
    ben, chloe = harness.residents[:2]
    message = await _propose(harness, ben)
    support = _support_button(message)
    await _support(harness, chloe, message)
    harness.advance(hours=47)
    assert await served.run_due(harness.app) == 0
    harness.advance(hours=1)
    assert await served.run_due(harness.app) == 1
    proposal, _supporters = await _proposal(harness)
    assert proposal.status is ProposalStatus.LAPSED
    assert "This proposal lapsed: it did not reach enough support within 48 hours." in message["text"]
    assert buttons(message) == []
    await _support(harness, harness.residents[2], message, stale=support)
    assert "lapsed" in _toasts(harness)[-1]
    assert await _open_rounds(harness) == []


async def test_press_after_the_window_but_before_the_lapse_ran_is_refused(harness):
    message = await _propose(harness, harness.residents[0])
    harness.advance(hours=49)
    await _support(harness, harness.residents[1], message)
    assert "lapsed" in _toasts(harness)[-1]
    _proposal_now, supporters = await _proposal(harness)
    assert supporters == 1


async def test_threshold_of_one_opens_at_once(harness):
    await harness.send(harness.facilitator, "/help")
    async with harness.db.transaction() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        await groups.update_settings(conn, group.id, support_threshold=1)
    await _propose(harness, harness.residents[0], "Street party in June?")
    (opened,) = await _open_rounds(harness)
    assert opened.question == "Street party in June?"


async def test_bad_proposals_are_refused_and_nothing_is_stored(harness):
    ben = harness.residents[0]
    await harness.send(ben, "/propose")
    assert "Please write your question after the command, e.g. /propose" in harness.last_text()
    await harness.send(ben, "/propose " + "q" * 301)
    assert "please keep it within 300" in harness.last_text()
    assert (await _proposal(harness))[0] is None


async def test_proposal_question_is_escaped(harness):
    await _propose(harness, harness.residents[0], "Bins & <i>recycling</i>?")
    assert "Bins &amp; &lt;i&gt;recycling&lt;/i&gt;?" in harness.telegram.sent()[-1]["text"]
