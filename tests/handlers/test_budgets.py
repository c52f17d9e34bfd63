"""Participatory budgets: /budget, /cost, the private ballot and its rules, paper ballots, the winners."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from pabutools.election import Cost_Sat
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import method_of_equal_shares

from bot.domain.decisions import Method
from bot.domain.rounds import Stage
from bot.runtime import deadlines as served
from storage import budgets, rounds
from tests.support.decision_helpers import (
    budget_with_ideas,
    keyboard,
    newest_round,
    open_ballot,
    press_ballot,
    settings,
    toast,
    vote_for,
)
from tests.support.round_helpers import current

IDEAS = [("A bench by the bus stop", 1200), ("Planters on Chapel Street", 3000), ("A tool library shelf", 2000),
         ("Repaint the hall", 1800)]  # fmt: skip


async def _voting(harness, ideas=IDEAS, **kwargs):
    round_ = await budget_with_ideas(harness, ideas, **kwargs)
    await harness.send(harness.facilitator, f"/vote {round_.number}")
    return await current(harness, round_)


def _results(harness) -> str:
    return next(text for text in reversed(harness.texts()) if text.startswith("Results of budget round"))


async def test_facilitator_opens_a_budget_round_that_collects_ideas_with_its_terms(harness):
    await harness.send(harness.facilitator, "/budget 5000 GBP 7d 5d How should we spend the community chest?")
    round_ = await newest_round(harness)
    assert (round_.method, round_.stage, round_.question) == (Method.BUDGET, Stage.IDEAS, "How should we spend the community chest?")
    assert round_.ideas_ends_at == harness.clock.now() + dt.timedelta(days=7)
    assert round_.voting_minutes == 5 * 24 * 60
    prompt = harness.telegram.messages[(harness.group.id, round_.prompt_message_id)]["text"]
    assert "Budget: £5,000. A facilitator gives each idea its cost with /cost N AMOUNT" in prompt
    async with harness.db.read() as conn:
        terms = await budgets.terms(conn, round_.id)
    assert (terms.amount, terms.currency, terms.rule.value, terms.ballot.min_projects) == (5000, "GBP", "equal-shares", 1)


@pytest.mark.parametrize(("command", "refusal"), [
    ("/budget", "Write the budget, then the question"),
    ("/budget How should we spend it?", "Write the budget, then the question"),
    ("/budget 0 GBP Spend it?", "An amount must be at least 1."),
    ("/budget 5.000,5 Spend it?", "is not an amount I understand"),
    ("/budget 1000000001 Spend it?", "is more than the 1000000000 the bot takes"),
    ("/budget 5000 GBP 5x Spend it?", "is not a time I understand"),
    ("/budget 5000 GBP 7d", "Please write the question after the command"),
])  # fmt: skip
async def test_bad_budget_commands_are_refused_and_nothing_is_opened(harness, command, refusal):
    await harness.send(harness.facilitator, command)
    assert refusal in harness.last_text()
    assert harness.telegram.sent("sendMessage")[-1]["reply_parameters"]
    async with harness.db.read() as conn:
        assert await rounds.find(conn, 1) is None


async def test_a_budget_takes_a_symbol_or_no_currency(harness):
    await harness.send(harness.facilitator, "/budget £1,000,000 Big plans?")
    await harness.send(harness.facilitator, "/budget 300 Small plans?")
    async with harness.db.read() as conn:
        big, small = await rounds.get(conn, 1), await rounds.get(conn, 2)
    assert "Budget: £1,000,000." in harness.texts()[-2] and "Budget: 300." in harness.last_text()
    assert (big.question, small.question) == ("Big plans?", "Small plans?")


async def test_only_facilitators_open_budgets_and_set_costs(harness):
    await harness.send(harness.residents[0], "/budget 5000 Spend it?")
    assert "only the group's facilitators" in harness.last_text()
    round_ = await budget_with_ideas(harness, [("A bench", None)])
    await harness.send(harness.residents[0], "/cost 1 100")
    assert "only the group's facilitators" in harness.last_text()
    async with harness.db.read() as conn:
        assert await budgets.costs(conn, round_.id) == {}


async def test_a_cost_is_at_most_the_budget(harness):
    round_ = await budget_with_ideas(harness, [("A bench", None), ("A mural", None)])
    await harness.send(harness.facilitator, "/cost 1 5001")
    assert "That is more than the whole budget (£5,000)." in harness.last_text()
    await harness.send(harness.facilitator, "/cost 1 5000")
    assert harness.last_text() == ("Idea 1 of round #1 costs £5,000.\nFor facilitators: idea 2 has no cost yet; ideas "
                                   "without a cost do not go to the vote. Set it with /cost N AMOUNT.")  # fmt: skip
    await harness.send(harness.facilitator, "/cost 2 1")
    assert harness.last_text() == "Idea 2 of round #1 costs £1. Every idea has a cost now."
    for bad, refusal in (("/cost 2 0", "An amount must be at least 1."), ("/cost 3 100", "has no idea 3"),
                         ("/cost 2", "Write the idea's number and its cost"), ("/cost x 100", "is not an idea number"),
                         ("/cost 2 lots", "is not an amount I understand")):  # fmt: skip
        await harness.send(harness.facilitator, bad)
        assert refusal in harness.last_text()
    async with harness.db.read() as conn:
        assert sorted((await budgets.costs(conn, round_.id)).values()) == [1, 5000]


async def test_costs_need_a_budget_round_collecting_ideas(harness):
    await harness.send(harness.facilitator, "/cost 1 100")
    assert "No budget round is collecting ideas right now." in harness.last_text()
    await harness.send(harness.facilitator, "/round What should we do with the empty lot?")
    prompt = (await newest_round(harness)).prompt_message_id
    await harness.send(harness.facilitator, "/cost 1 100", reply_to=prompt)
    assert "Round #1 is not a budget round" in harness.last_text()
    round_ = await _voting(harness)
    await harness.send(harness.facilitator, "/cost 1 100", reply_to=round_.prompt_message_id)
    assert "Costs are set while round #2 collects ideas" in harness.last_text()


async def test_ideas_without_a_cost_do_not_go_to_the_vote_and_facilitators_are_told_which(harness):
    round_ = await budget_with_ideas(harness, [("A bench", 1200), ("A mural", None), ("Planters", 800), ("A shed", None)])
    harness.advance(days=1, hours=12)
    await served.run_due(harness.app)
    assert "For facilitators: ideas 2 and 4 have no cost yet" in harness.last_text()
    await harness.send(harness.facilitator, "/vote")
    texts = "\n".join(harness.texts()[-2:])
    assert "For facilitators: ideas 2 and 4 had no cost, so they are not on the ballot." in texts
    assert "1. \u2068A bench\u2069 — £1,200" in texts and "3. \u2068Planters\u2069 — £800" in texts
    ballot = await open_ballot(harness, harness.residents[0], await current(harness, round_))
    assert [label.split(" · ")[0] for label in keyboard(ballot)][:2] == ["▫️ 1. A bench", "▫️ 3. Planters"]


async def test_a_budget_with_no_costed_idea_closes_at_once(harness):
    await budget_with_ideas(harness, [("A bench", None)])
    await harness.send(harness.facilitator, "/vote")
    assert "No idea had a cost, so there was nothing to vote on." in harness.last_text()


async def test_the_voting_message_links_to_a_private_ballot_with_a_running_total(harness):
    round_ = await _voting(harness)
    voting = harness.telegram.messages[(harness.group.id, round_.voting_message_id)]
    assert keyboard(voting) == {"Choose projects privately": f"https://t.me/coprod_test_bot?start=budget-{round_.link_token}"}
    ben = harness.residents[0]
    ballot = await open_ballot(harness, ben, round_)
    assert "Chosen: £0 of £5,000 (0 projects)." in ballot["text"]
    ballot = await press_ballot(harness, ben, ballot, "▫️ 2.")
    ballot = await press_ballot(harness, ben, ballot, "▫️ 4.")
    assert toast(harness) == "Chosen: £4,800 of £5,000 (2 projects)."  # at once, whatever the limits
    assert "Chosen: £4,800 of £5,000 (2 projects)." in ballot["text"] and "Not submitted yet" in ballot["text"]
    assert list(keyboard(ballot))[1].startswith("✅ 2. Planters on Chapel")


async def test_budget_exactly_met_is_a_ballot_and_one_unit_over_is_refused(harness):
    round_ = await _voting(harness, [("A bench", 2000), ("A mural", 3000), ("A sign", 1)])
    ben = harness.residents[0]
    ballot = await open_ballot(harness, ben, round_)
    ballot = await press_ballot(harness, ben, ballot, "▫️ 1.")
    ballot = await press_ballot(harness, ben, ballot, "▫️ 2.")
    assert "Chosen: £5,000 of £5,000 (2 projects)." in ballot["text"]
    ballot = await press_ballot(harness, ben, ballot, "▫️ 3.")
    assert toast(harness) == "That would be £5,001 of £5,000: take something off first."
    assert "Chosen: £5,000 of £5,000" in ballot["text"]
    ballot = await press_ballot(harness, ben, ballot, "Submit")
    assert toast(harness) == "Thank you: your ballot is in."
    async with harness.db.read() as conn:
        assert await budgets.ballots(conn, round_.id) == [frozenset({1, 2})]


async def test_ballot_rules_are_kept_at_their_edges(harness):
    await settings(harness, budget_min_spend=50, budget_min_projects=2, budget_max_projects=3)
    round_ = await _voting(harness, [("A", 1000), ("B", 1000), ("C", 500), ("D", 499), ("E", 1)])
    assert "A ballot must stay within £5,000, spend at least 50% of it (£2,500), and choose from 2 to 3 projects." in (
        harness.telegram.messages[(harness.group.id, round_.voting_message_id)]["text"])
    ben = harness.residents[0]
    ballot = await open_ballot(harness, ben, round_)
    ballot = await press_ballot(harness, ben, ballot, "▫️ 1.")
    ballot = await press_ballot(harness, ben, ballot, "Submit")
    assert toast(harness) == "Choose at least 2 projects, then press Submit."
    ballot = await press_ballot(harness, ben, ballot, "▫️ 2.")
    ballot = await press_ballot(harness, ben, ballot, "Submit")
    assert toast(harness) == "Your projects add up to £2,000: choose at least £2,500 of the budget, then press Submit."
    ballot = await press_ballot(harness, ben, ballot, "▫️ 4.")  # £2,499: one unit short of half
    ballot = await press_ballot(harness, ben, ballot, "Submit")
    assert "Your projects add up to £2,499" in toast(harness)
    ballot = await press_ballot(harness, ben, ballot, "▫️ 5.")  # a fourth project: one more than the most
    assert toast(harness) == "You can choose at most 3 projects: take one off first."
    async with harness.db.read() as conn:
        assert await budgets.ballots(conn, round_.id) == []
    ballot = await press_ballot(harness, ben, ballot, "✅ 4.")
    ballot = await press_ballot(harness, ben, ballot, "▫️ 3.")  # £2,500 in three projects: exactly at both edges
    ballot = await press_ballot(harness, ben, ballot, "Submit")
    assert toast(harness) == "Thank you: your ballot is in."
    async with harness.db.read() as conn:
        assert len(await budgets.ballots(conn, round_.id)) == 1


async def test_a_ballot_can_be_changed_until_the_deadline(harness):
    round_ = await _voting(harness)
    ben = harness.residents[0]
    ballot = await vote_for(harness, ben, round_, [1, 3])
    assert "Your ballot is in. You can change it and submit again until" in ballot["text"]
    ballot = await open_ballot(harness, ben, round_)  # coming back shows what was submitted
    assert "Chosen: £3,200 of £5,000 (2 projects)." in ballot["text"]
    ballot = await press_ballot(harness, ben, ballot, "✅ 3.")
    assert "You changed your choice since you submitted it" in ballot["text"]
    ballot = await press_ballot(harness, ben, ballot, "▫️ 2.")
    ballot = await press_ballot(harness, ben, ballot, "Submit")
    async with harness.db.read() as conn:
        assert await budgets.ballots(conn, round_.id) == [frozenset({ideas.id for ideas in await rounds.ideas(conn, round_.id)
                                                                     if ideas.number in (1, 2)})]  # fmt: skip
    harness.advance(days=1)
    await press_ballot(harness, ben, ballot, "✅ 1.")
    assert "is not voting at the moment" in toast(harness)


async def test_only_members_open_the_ballot_and_a_wrong_link_says_so(harness):
    round_ = await _voting(harness)
    stranger = harness.telegram.person(999, "Stranger", language_code="en")
    await harness.send_private(stranger, f"/start budget-{round_.link_token}")
    assert harness.last_text(harness.telegram.private_chat(stranger)) == "Only members of the group can vote on its budget."
    await harness.send_private(stranger, "/start budget-nonsense")
    assert "I can't find the budget this link is for." in harness.last_text(harness.telegram.private_chat(stranger))


async def test_many_projects_are_on_pages_and_every_page_fits(harness):
    ideas = [(f"Project number {n} " + "with a long description " * 8, 100 + n) for n in range(1, 21)]
    round_ = await _voting(harness, ideas)
    ben = harness.residents[0]
    ballot = await open_ballot(harness, ben, round_)
    assert "Page 1 of 3." in ballot["text"] and len(keyboard(ballot)) == 8 + 1 + 1
    ballot = await press_ballot(harness, ben, ballot, "▶")
    assert "Page 2 of 3." in ballot["text"] and list(keyboard(ballot))[0].startswith("▫️ 9.")
    ballot = await press_ballot(harness, ben, ballot, "▫️ 10.")
    assert "Page 2 of 3." in ballot["text"] and "Chosen: £110 of £5,000 (1 project)." in ballot["text"]


async def test_equal_shares_chooses_the_winners_and_the_results_show_costs_votes_and_whats_left(harness):
    round_ = await _voting(harness)
    ben, chloe, dawid, ewa, farah = harness.residents[:5]
    for person, numbers in ((ben, [1, 2]), (chloe, [1, 2]), (dawid, [2]), (ewa, [3, 4]), (farah, [4])):
        await vote_for(harness, person, round_, numbers)
    await harness.send(harness.facilitator, "/close now")
    results = _results(harness)
    assert "Budget £5,000; winners chosen by the Method of Equal Shares." in results
    assert "5 neighbours voted." in results
    assert "2 projects funded: £4,800 of £5,000 spent, £200 left." in results
    assert "Funded\n✓ 2. \u2068Planters on Chapel Street\u2069 — £3,000, 3 votes\n✓ 4. \u2068Repaint the hall\u2069 — £1,800, 2 votes" in results
    assert "Not funded\n1. \u2068A bench by the bus stop\u2069 — £1,200, 2 votes\n3. \u2068A tool library shelf\u2069 — £2,000, 1 vote" in results
    (photo,) = harness.telegram.sent("sendPhoto")
    assert "£4,800 of £5,000 spent, £200 left." in photo["caption"]
    assert "2. Planters on Chapel Street: 3 votes · £3,000, funded." in photo["caption"]


async def test_greedy_takes_most_votes_first_while_the_money_lasts(harness):
    await settings(harness, budget_rule="greedy")
    round_ = await _voting(harness)
    ben, chloe, dawid, ewa, farah = harness.residents[:5]
    for person, numbers in ((ben, [1, 2]), (chloe, [1, 2]), (dawid, [2]), (ewa, [3, 1]), (farah, [4])):
        await vote_for(harness, person, round_, numbers)
    await harness.send(harness.facilitator, "/close now")
    results = _results(harness)
    # 1 (3 votes, £1,200) then 2 (3 votes, £3,000): £4,200; 3 (£2,000) does not fit; 4 (£1,800) does not either
    assert "winners chosen by most votes first, while the money lasts." in results
    assert "2 projects funded: £4,200 of £5,000 spent, £800 left." in results
    async with harness.db.read() as conn:
        assert [idea.number for idea in await rounds.ideas(conn, round_.id)
                if idea.id in await budgets.funded(conn, round_.id)] == [1, 2]  # fmt: skip


async def test_paper_budget_ballots_count_with_the_online_ones_and_keep_the_rules(harness):
    round_ = await _voting(harness)
    await vote_for(harness, harness.residents[0], round_, [3])
    await harness.send(harness.facilitator, "/paper 1 2+4x3 1")
    assert "Paper ballots of budget round #1: 4 voters." in harness.last_text()
    for bad, refusal in (("/paper 1 2+3+4", "does not keep the ballot rules: A ballot must stay within £5,000."),
                         ("/paper 1 9", "Project 9 is not on the ballot"), ("/paper 1 2+2", "names a project twice"),
                         ("/paper 1 two", "is not a ballot like 1+3"), ("/paper 1", "Write the round number, then each paper ballot")):  # fmt: skip
        await harness.send(harness.facilitator, bad)
        assert refusal in harness.last_text()
    await harness.send(harness.facilitator, "/close now")
    results = _results(harness)
    assert "5 neighbours voted." in results
    assert "2. \u2068Planters on Chapel Street\u2069 — £3,000, 3 votes" in results  # 3 on paper
    assert "1. \u2068A bench by the bus stop\u2069 — £1,200, 1 vote" in results


async def test_settings_take_the_rule_and_the_ballot_rules(harness):
    await harness.send(harness.facilitator, "/settings rule greedy")
    assert harness.last_text() == "Budget winners are now chosen by most votes first, while the money lasts."
    await harness.send(harness.facilitator, "/settings spend 100%")
    assert harness.last_text() == "A budget ballot must now spend at least 100% of the budget."
    await harness.send(harness.facilitator, "/settings projects 2-4")
    assert harness.last_text() == "Projects on a budget ballot are now: 2 to 4."
    await harness.send(harness.facilitator, "/settings projects 3+")
    assert harness.last_text() == "Projects on a budget ballot are now: at least 3."
    for name, bad, refusal in (("rule", "random", "Write /settings rule equal-shares"), ("spend", "101%", "from 0% to 100%"),
                               ("spend", "half", "from 0% to 100%"), ("projects", "5-2", "as N-M"),
                               ("projects", "0-3", "as N-M"), ("projects", "lots", "as N-M")):  # fmt: skip
        await harness.send(harness.facilitator, f"/settings {name} {bad}")
        assert refusal in harness.last_text(), bad
    await harness.send(harness.facilitator, "/settings spend 0")
    assert harness.last_text() == "A budget ballot must now spend at least 0% of the budget."
    await harness.send(harness.facilitator, "/settings projects any")
    assert harness.last_text() == "Projects on a budget ballot are now: at least 1."
    await harness.send(harness.facilitator, "/settings")
    assert "(spend): 0%" in harness.last_text() and "(projects): at least 1" in harness.last_text()


async def test_the_export_holds_a_pabulib_file_pabutools_reads_with_the_same_winners(harness):
    round_ = await _voting(harness)
    for person, numbers in zip(harness.residents, ([1, 2], [1, 2], [2], [3, 4], [4]), strict=False):
        await vote_for(harness, person, round_, numbers)
    await harness.send(harness.facilitator, "/paper 1 3x2")
    await harness.send(harness.facilitator, "/close now")
    await harness.send(harness.facilitator, "/export")
    (params,) = harness.telegram.sent("sendDocument", harness.group.id)
    archive = zipfile.ZipFile(io.BytesIO(params["document"][1]))
    text = archive.read("budget-round-1.pb").decode()
    assert "rule;equalshares" in text and "num_votes;7" in text and "currency;GBP" in text
    instance, profile = parse_pabulib_from_string(text)
    assert instance.budget_limit == 5000 and profile.num_ballots() == 7
    chosen = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, voter_budget_increment=1)
    selected = {line.split(";")[0] for line in text.split("PROJECTS")[1].split("VOTES")[0].splitlines()[2:]
                if line.endswith(";1")}  # fmt: skip
    assert {project.name for project in chosen} == selected


async def test_the_budget_is_in_rounds_the_summary_and_the_public_page(harness):
    await harness.send(harness.facilitator, "/settings public on")
    round_ = await _voting(harness)
    await vote_for(harness, harness.residents[0], round_, [2, 4])
    await harness.send(harness.facilitator, "/close now")
    await harness.send(harness.facilitator, "/rounds")
    assert "2 projects funded: £4,800 of £5,000 spent, £200 left. Funded: \u2068Repaint the hall\u2069 and \u2068Planters on Chapel Street\u2069." in harness.last_text()
    await harness.send(harness.facilitator, "/summary")
    assert "   2 projects funded: £4,800 of £5,000 spent, £200 left." in "\n".join(harness.texts()[-3:])
    site = harness.app.services.config.site_dir
    (page,) = site.glob("*/round-1.html")
    html = page.read_text()
    assert "Budget £5,000; winners chosen by the Method of Equal Shares." in html
    assert "<th>Cost</th>" in html and "£3,000" in html and "funded" in html


async def test_the_toast_tells_the_total_at_once_and_the_ticks_follow_in_one_edit(harness):
    """A tap is answered at once (a toast has no chat budget); the ballot message is edited
    within a second, once for taps that come together, behind every group's messages."""
    round_ = await _voting(harness)
    ben = harness.residents[0]
    chat = harness.telegram.private_chat(ben)
    ballot = await open_ballot(harness, ben, round_)
    for label in ("▫️ 1.", "▫️ 3."):
        (data,) = [data for text, data in keyboard(ballot).items() if text.startswith(label)]
        await harness.press(ben, ballot["message_id"], data, chat=chat)
    assert toast(harness) == "Chosen: £3,200 of £5,000 (2 projects)."
    assert "Chosen: £0 of £5,000" in harness.telegram.messages[(chat.id, ballot["message_id"])]["text"]
    edits = len(harness.telegram.sent("editMessageText", chat.id))
    await harness.app.services.acknowledgements.flush()
    assert len(harness.telegram.sent("editMessageText", chat.id)) == edits + 1
    assert "Chosen: £3,200 of £5,000 (2 projects)." in harness.telegram.messages[(chat.id, ballot["message_id"])]["text"]
