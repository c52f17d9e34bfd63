"""Consent proposals: /consent, Agree / Abstain / Object / Block, reasons, the quorum, the verdict."""

from __future__ import annotations

import datetime as dt

from bot.domain.decisions import Method, Position, Verdict
from bot.domain.rounds import Kind, Stage
from bot.runtime import deadlines as served
from storage import consent, groups, members
from tests.support.decision_helpers import keyboard, newest_round, proposal_text, put_proposal, settings, take
from tests.support.round_helpers import current

PROPOSAL = "Shall we start a tool library in the community centre?"


async def _close(harness, round_) -> str:
    """A facilitator closes the proposal; the result message."""
    await harness.send(harness.facilitator, f"/close {round_.number} now")
    return next(text for text in reversed(harness.texts()) if text.startswith("Result of consent proposal"))


async def _verdict(harness, round_) -> Verdict:
    async with harness.db.read() as conn:
        return (await consent.terms(conn, round_.id)).verdict


async def test_facilitator_puts_a_proposal_with_its_rule_and_four_buttons(harness):
    round_, message = await put_proposal(harness)
    assert (round_.method, round_.kind, round_.stage) == (Method.CONSENT, Kind.POLL, Stage.VOTING)
    assert round_.voting_ends_at == harness.clock.now() + dt.timedelta(days=3)
    assert round_.question == PROPOSAL
    assert list(keyboard(message)) == ["Agree", "Abstain", "Object", "Block"]
    text = message["text"]
    assert "<b>Consent proposal #1</b>" in text and PROPOSAL in text
    assert "It passes when more neighbours agree than object and nobody blocks." in text
    assert "No quorum is set" in text
    assert "You can change your position until Thursday 5 November at 09:00 (in 3 days)." in text
    assert "Agree 0 · Abstain 0 · Object 0 · Block 0" in text


async def test_a_proposal_without_a_length_lasts_the_groups_voting_stage(harness):
    round_, _message = await put_proposal(harness, PROPOSAL)
    assert round_.voting_ends_at == harness.clock.now() + dt.timedelta(days=2)


async def test_bad_proposals_are_refused_and_nothing_is_stored(harness):
    await harness.send(harness.residents[0], f"/consent {PROPOSAL}")
    assert "only the group's facilitators" in harness.last_text()
    await harness.send(harness.facilitator, "/consent")
    assert "Please write the proposal after the command" in harness.last_text()
    await harness.send(harness.facilitator, "/consent 3d")
    assert "Please write the proposal after the command" in harness.last_text()
    await harness.send(harness.facilitator, "/consent 5x Shall we?")
    assert "is not a time I understand" in harness.last_text()
    await harness.send(harness.facilitator, "/consent " + "p" * 301)
    assert "please keep it within 300" in harness.last_text()
    await harness.send(harness.facilitator, "/consent " + "p" * 300)
    proposal = await newest_round(harness)
    assert (proposal.number, proposal.question) == (1, "p" * 300)


async def test_positions_are_counted_and_a_member_can_change_theirs_until_the_deadline(harness):
    ben, chloe, dawid = harness.residents[:3]
    round_, message = await put_proposal(harness)
    assert await take(harness, ben, message, "Agree") == "Your position: Agree."
    await take(harness, chloe, message, "Abstain")
    await take(harness, dawid, message, "Agree")
    assert await take(harness, dawid, message, "Agree") == "Your position is already: Agree."
    assert "Agree 2 · Abstain 1 · Object 0 · Block 0" in await proposal_text(harness, round_)
    await take(harness, ben, message, "Abstain")  # changed his mind
    assert "Agree 1 · Abstain 2 · Object 0 · Block 0" in await proposal_text(harness, round_)
    harness.advance(days=3)
    assert "not open any more" in await take(harness, chloe, message, "Agree")
    await served.run_due(harness.app)
    result = next(text for text in reversed(harness.texts()) if text.startswith("Result of consent proposal"))
    assert "Passed: Agree 1 · Abstain 2 · Object 0 · Block 0. 3 neighbours took part." in result
    assert (await current(harness, round_)).stage is Stage.CLOSED
    assert keyboard(harness.telegram.messages[(harness.group.id, round_.voting_message_id)]) == {}


async def test_object_asks_for_a_reason_by_reply_when_the_bot_cannot_write_privately(harness):
    chloe = harness.residents[1]
    round_, message = await put_proposal(harness)
    toast = await take(harness, chloe, message, "Object")
    assert toast == "Your position: Object. Please say why: reply to the proposal with your reason."
    assert harness.telegram.texts(chloe.id) == []
    await harness.send(chloe, "The centre has no storage room.", reply_to=message["message_id"])
    assert harness.telegram.sent("setMessageReaction")[-1]["message_id"] != message["message_id"]
    text = await proposal_text(harness, round_)
    assert "Latest reasons:\n• \u2068Chloe\u2069 (object): \u2068The centre has no storage room.\u2069" in text
    async with harness.db.read() as conn:
        stance = await consent.stance(conn, round_.id, chloe.id)
    assert (stance.position, stance.reason) == (Position.DISAGREE, "The centre has no storage room.")


async def test_block_asks_for_the_reason_privately_and_the_next_private_message_is_it(harness):
    dawid = harness.residents[2]
    private = harness.telegram.private_chat(dawid)
    await harness.send_private(dawid, "/start")
    round_, message = await put_proposal(harness)
    assert await take(harness, dawid, message, "Block") == (
        "Your position: Block. Please tell me why: I have written to you privately.")
    assert "You block consent proposal #1 in \u2068Chapel Street neighbours\u2069:" in harness.last_text(private)
    await harness.send_private(dawid, "We promised the room to the youth club.")
    assert harness.last_text(private) == "Thank you: your reason is now shown with your position on proposal #1."
    assert "• \u2068Dawid\u2069 (block): \u2068We promised the room to the youth club.\u2069" in await proposal_text(harness, round_)
    await harness.send_private(dawid, "And another thing")  # no question waits any more: nothing happens
    assert harness.last_text(private) == "Thank you: your reason is now shown with your position on proposal #1."


async def test_a_changed_position_drops_the_old_reason(harness):
    chloe = harness.residents[1]
    round_, message = await put_proposal(harness)
    await take(harness, chloe, message, "Object")
    await harness.send(chloe, "Too noisy.", reply_to=message["message_id"])
    await take(harness, chloe, message, "Agree")
    text = await proposal_text(harness, round_)
    assert "Too noisy." not in text and "Agree 1 · Abstain 0 · Object 0 · Block 0" in text


async def test_a_reply_without_a_position_asks_for_one_first(harness):
    ben = harness.residents[0]
    round_, message = await put_proposal(harness)
    await harness.send(ben, "I have a question", reply_to=message["message_id"])
    assert "First choose your position with the buttons" in harness.last_text()
    await harness.send(ben, "r" * 501, reply_to=message["message_id"])
    assert "please keep it within 500" in harness.last_text()


async def test_a_block_fails_the_proposal_and_the_result_names_it_with_its_reason(harness):
    ben, chloe, dawid, ewa = harness.residents[:4]
    round_, message = await put_proposal(harness)
    for person in (ben, chloe, ewa):
        await take(harness, person, message, "Agree")
    await take(harness, dawid, message, "Block")
    await harness.send(dawid, "We promised the room to the youth club.", reply_to=message["message_id"])
    result = await _close(harness, round_)
    assert "Not passed: Agree 3 · Abstain 0 · Object 0 · Block 1. 4 neighbours took part." in result
    assert "A block is a strong signal to talk it over" in result
    assert "Blocks and objections:\n• \u2068Dawid\u2069 (block): \u2068We promised the room to the youth club.\u2069" in result
    assert "/amend 1" in result
    assert await _verdict(harness, round_) is Verdict.NOT_PASSED


async def test_it_passes_only_when_agree_outnumbers_object(harness):
    ben, chloe, dawid, ewa, farah = harness.residents[:5]
    tied, message = await put_proposal(harness, "Paint the hall blue?")
    await take(harness, ben, message, "Agree")
    await take(harness, chloe, message, "Object")
    await take(harness, dawid, message, "Abstain")
    assert "Not passed: Agree 1 · Abstain 1 · Object 1" in await _close(harness, tied)
    one_more, message = await put_proposal(harness, "Paint the hall green?")
    for person in (ben, ewa):
        await take(harness, person, message, "Agree")
    await take(harness, chloe, message, "Object")
    await take(harness, farah, message, "Abstain")
    assert "Passed: Agree 2 · Abstain 1 · Object 1 · Block 0. 4 neighbours took part." in await _close(harness, one_more)
    assert await _verdict(harness, one_more) is Verdict.PASSED


async def test_quorum_exactly_met_counts_and_one_short_is_no_quorum(harness):
    await settings(harness, quorum="3")
    ben, chloe, dawid = harness.residents[:3]
    short, message = await put_proposal(harness, "Open on Sundays?")
    assert "Quorum: at least 3 neighbours must take part." in message["text"]
    for person in (ben, chloe):
        await take(harness, person, message, "Agree")
    result = await _close(harness, short)
    assert "No quorum: Agree 2 · Abstain 0 · Object 0 · Block 0. 2 neighbours took part (quorum 3)." in result
    assert "Fewer than 3 neighbours took part, so the proposal does not count." in result
    exact, message = await put_proposal(harness, "Open on Saturdays?")
    for person in (ben, chloe):
        await take(harness, person, message, "Agree")
    await take(harness, dawid, message, "Abstain")  # abstaining counts towards the quorum
    assert "Passed: Agree 2 · Abstain 1 · Object 0 · Block 0. 3 neighbours took part (quorum 3)." in await _close(harness, exact)
    assert (await _verdict(harness, short), await _verdict(harness, exact)) == (Verdict.NO_QUORUM, Verdict.PASSED)


async def test_a_quorum_share_is_of_members_seen_in_the_last_60_days(harness):
    for person in harness.residents:  # seven members seen now, the facilitator included
        await harness.send(person, "/rounds")
    async with harness.db.transaction() as conn:  # Gosia was last seen 61 days ago
        group = await groups.get_by_chat(conn, harness.group.id)
        await conn.execute("UPDATE group_members SET last_seen_at = ? WHERE user_id = ?",
                           ((harness.clock.now() - dt.timedelta(days=61)).isoformat(), harness.residents[-1].id))
    await settings(harness, quorum="30%")
    round_, message = await put_proposal(harness)
    assert "Quorum: at least 2 neighbours must take part (30% of the 6 neighbours seen here in the last 60 days)." in message["text"]
    async with harness.db.read() as conn:
        terms = await consent.terms(conn, round_.id)
    assert (terms.quorum, terms.active_members, group.quorum) == (2, 6, "off")


async def test_settings_take_a_quorum_as_a_number_a_share_or_off(harness):
    await harness.send(harness.facilitator, "/settings quorum 30%")
    assert harness.last_text() == "A consent proposal's quorum is now 30% of the neighbours seen in the last 60 days."
    await harness.send(harness.facilitator, "/settings quorum 5")
    assert harness.last_text() == "A consent proposal's quorum is now 5 neighbours."
    for bad in ("101%", "-2", "many", "100001"):
        await harness.send(harness.facilitator, f"/settings quorum {bad}")
        assert "Write the quorum as a number of neighbours" in harness.last_text()
    await harness.send(harness.facilitator, "/settings quorum 100%")
    await harness.send(harness.facilitator, "/settings quorum off")
    assert harness.last_text() == "Consent proposals now need no quorum."


async def test_a_hidden_members_reason_is_shown_without_their_name(harness):
    chloe = harness.residents[1]
    round_, message = await put_proposal(harness)
    await take(harness, chloe, message, "Object")
    await harness.send(chloe, "Too noisy.", reply_to=message["message_id"])
    async with harness.db.transaction() as conn:
        await members.set_hidden(conn, chloe.id, True)
    await harness.send(harness.facilitator, "/reasons 1")
    assert harness.last_text().endswith("• a neighbour (object): \u2068Too noisy.\u2069")
    assert "Chloe" not in await _close(harness, round_)


async def test_reasons_are_listed_in_full_by_page(harness):
    round_, message = await put_proposal(harness)
    for person in harness.residents:
        await take(harness, person, message, "Object")
        await harness.send(person, f"{person.first_name}: " + "a long reason " * 30, reply_to=message["message_id"])
    text = await proposal_text(harness, round_)
    assert text.count("(object):") == 3 and "All 6 reasons: /reasons 1" in text
    await harness.send(harness.facilitator, "/reasons 1")
    assert all(f"{person.first_name}: a long reason" in "\n".join(harness.texts()[-3:]) for person in harness.residents)
    await harness.send(harness.facilitator, "/reasons")
    assert "Write the number of the proposal" in harness.last_text()
    await harness.send(harness.facilitator, "/reasons 9")
    assert "There is no round #9" in harness.last_text()


async def test_commands_for_proposals_refuse_other_rounds(harness):
    await harness.send(harness.facilitator, "/round What should we do with the empty lot?")
    await harness.send(harness.facilitator, "/reasons 1")
    assert "Round #1 is not a consent proposal." in harness.last_text()
    await harness.send(harness.facilitator, "/amend 1 Something else")
    assert "Round #1 is not a consent proposal." in harness.last_text()


async def test_a_facilitator_amends_a_proposal_that_did_not_pass_and_runs_it_again(harness):
    dawid = harness.residents[2]
    round_, message = await put_proposal(harness)
    await take(harness, dawid, message, "Block")
    await harness.send(harness.facilitator, "/amend 1 Shall we start a tool library on Saturdays?")
    assert "Proposal #1 is still open: /close it first" in harness.last_text()
    await _close(harness, round_)
    await harness.send(harness.residents[0], "/amend 1 Shall we start a tool library on Saturdays?")
    assert "only the group's facilitators" in harness.last_text()
    await harness.send(harness.facilitator, "/amend")
    assert "Write the number of the proposal and its new words" in harness.last_text()
    await harness.send(harness.facilitator, "/amend 1")
    assert "Please write the proposal after the command" in harness.last_text()
    await harness.send(harness.facilitator, "/amend 1 2d Shall we start a tool library on Saturdays?")
    amended = await newest_round(harness, Method.CONSENT)
    assert (amended.number, amended.question) == (2, "Shall we start a tool library on Saturdays?")
    assert "<b>Consent proposal #2</b> (it amends proposal #1)" in await proposal_text(harness, amended)
    assert amended.voting_ends_at == harness.clock.now() + dt.timedelta(days=2)


async def test_a_forged_or_stale_button_changes_nothing(harness):
    ben = harness.residents[0]
    round_, message = await put_proposal(harness)
    await harness.press(ben, message["message_id"], f"v1:consent:{round_.id}:maybe")
    assert harness.telegram.sent("answerCallbackQuery")[-1]["text"] == "That button is out of date."
    await harness.press(ben, message["message_id"], f"v1:consent:{round_.id + 7}:agree")
    assert "can't find this proposal" in harness.telegram.sent("answerCallbackQuery")[-1]["text"]
    async with harness.db.read() as conn:
        assert await consent.taking_part(conn, round_.id) == 0


async def test_everyone_who_took_a_position_hears_the_result_privately(harness):
    ben, chloe = harness.residents[:2]
    for person in (ben, chloe):
        await harness.send_private(person, "/start")
    round_, message = await put_proposal(harness)
    await take(harness, ben, message, "Agree")
    await take(harness, chloe, message, "Object")
    await harness.send_private(chloe, "Too noisy.")
    await _close(harness, round_)
    await served.run_due(harness.app)
    for person in (ben, chloe):
        told = harness.last_text(harness.telegram.private_chat(person))
        assert "Result of consent proposal #1" in told and "Not passed: Agree 1 · Abstain 0 · Object 1" in told
    assert "2 neighbours who took part in round #1 were told privately." in harness.texts()


async def test_non_voters_are_nudged_with_the_reminder_even_in_an_anonymous_group(harness):
    ben, chloe = harness.residents[:2]
    for person in (ben, chloe):
        await harness.send_private(person, "/start")
        await harness.send(person, "/rounds")
    round_, message = await put_proposal(harness, "1d Open on Sundays?")
    await take(harness, ben, message, "Agree")
    harness.advance(hours=18)
    await served.run_due(harness.app)
    assert "Round #1 \u2068Open on Sundays?\u2069: 1 neighbour has voted" in harness.texts()[-1]
    harness.advance(hours=5)  # the nudge waits for the end of the quiet hours, 08:00
    await served.run_due(harness.app)
    assert "you have not taken a position yet" in harness.last_text(harness.telegram.private_chat(chloe))
    assert "you have not taken a position yet" not in harness.last_text(harness.telegram.private_chat(ben))


async def test_outcome_rounds_listing_and_chart_follow_the_verdict(harness):
    ben = harness.residents[0]
    round_, message = await put_proposal(harness)
    await take(harness, ben, message, "Agree")
    await _close(harness, round_)
    (photo,) = harness.telegram.sent("sendPhoto")
    assert "consent proposal #1" in photo["caption"] and "Agree: 1." in photo["caption"]
    await harness.send(harness.facilitator, "/outcome 1 The library opens on 1 March.")
    await harness.send(ben, "/rounds")
    listing = harness.last_text()
    assert "Passed: Agree 1 · Abstain 0 · Object 0 · Block 0. 1 neighbour took part." in listing
    assert "The library opens on 1 March." in listing


async def test_paper_ballots_are_refused_for_a_proposal(harness):
    await put_proposal(harness)
    await harness.send(harness.facilitator, "/paper 1 1=3 voters=3")
    assert "Proposal #1 takes positions in the chat only" in harness.last_text()


async def test_forgetting_a_member_rewrites_the_open_proposal_showing_their_reason(harness):
    chloe = harness.residents[1]
    round_, message = await put_proposal(harness)
    await take(harness, chloe, message, "Object")
    await harness.send(chloe, "Too noisy.", reply_to=message["message_id"])
    assert "\u2068Chloe\u2069 (object)" in await proposal_text(harness, round_)
    chat = harness.telegram.private_chat(chloe)
    await harness.send_private(chloe, "/forgetme")
    forget = max(message_id for (chat_id, message_id) in harness.telegram.messages if chat_id == chloe.id)
    await harness.press(chloe, forget, "v1:forget_me", chat=chat)
    text = harness.telegram.messages[(harness.group.id, round_.voting_message_id)]["text"]
    assert "Chloe" not in text and "• a neighbour (object): \u2068Too noisy.\u2069" in text
