"""Participatory budgets: the winners of a big budget against pabutools, and a 5,000-member vote.

**Winners.** 100 projects (costs £500 to £20,000, the budget a quarter of their total) and
5,000 approval ballots shaped like real budget ballots (each within the budget, popular
projects more often): the bot's Method of Equal Shares with its add-one completion, and its
greedy rule, timed against pabutools' own on the same instance in the same run, both
required to choose the same projects. Target: no slower than pabutools.

**A 5,000-member vote.** The real bot against the flood-limited fake: every member of the
group opens the private ballot from the link (at a steady pace the limits can carry, as
members arrive over an evening), ticks two projects and submits; meanwhile 20 other groups
each send a command every 4 seconds. A tap is answered with a toast at once (toasts have no
chat budget) and the ballot's ticks follow when the limits have room, behind every group's
messages. Targets: every tap answered, no 429, and the group replies' p95 within 1 second.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from benchmarks import processes, seed
from benchmarks.notices import GROUPS, REPLY_P95, Traffic, _p95
from benchmarks.report import Figure
from bot.domain import callbacks
from bot.domain.decisions.budget import Project, equal_shares, greedy, votes_per_project

OPENS_PER_SECOND = 10.0  # members opening their ballot: each costs two messages (the ballot, its ticks), and
# 30 a second overall less the groups' 5 carry 12.5 members a second: this leaves room to spare
TAP_P95 = 5.0  # seconds from a tap to its toast


# ------------------------------------------------------------------------ winners


def instance(projects: int, ballots: int, seed_value: int = 7) -> tuple[int, list[Project], list[frozenset[int]]]:
    """Costs, a budget and ballots as described in the module docstring."""
    rng = random.Random(seed_value)
    costs = [rng.randint(5, 200) * 100 for _ in range(projects)]
    budget = sum(costs) // 4
    popularity = [rng.random() ** 2 for _ in range(projects)]
    chosen_ballots = []
    for _ in range(ballots):
        spend, ballot = 0, set()
        for index in rng.sample(range(projects), min(15, projects)):
            if rng.random() < popularity[index] + 0.2 and spend + costs[index] <= budget:
                ballot.add(index + 1)
                spend += costs[index]
        chosen_ballots.append(frozenset(ballot or {rng.randint(1, projects)}))
    votes = votes_per_project(chosen_ballots)
    return budget, [Project(n, n, cost, votes.get(n, 0)) for n, cost in enumerate(costs, 1)], chosen_ballots


def _timed(work) -> tuple[float, object]:  # noqa: ANN001 - a thunk
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def measure_winners(projects: int = 100, ballots: int = 5000) -> list[Figure]:
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance
    from pabutools.election import Project as PabuProject
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
    from pabutools.tiebreaking import TieBreakingRule

    budget, bot_projects, bot_ballots = instance(projects, ballots)
    by_number = {p.idea_id: p for p in bot_projects}
    pabu = {p.idea_id: PabuProject(str(p.idea_id), p.cost) for p in bot_projects}
    voted = {idea_id: project for idea_id, project in pabu.items() if by_number[idea_id].votes}
    order = TieBreakingRule(lambda _i, _p, project: (-by_number[int(project.name)].votes, project.cost, int(project.name)))
    profile = ApprovalProfile([ApprovalBallot(pabu[n] for n in ballot) for ballot in bot_ballots])
    figures = []
    for rule, ours, reference in (
        ("Equal Shares (add-one)", lambda: equal_shares(budget, bot_projects, bot_ballots),
         lambda: method_of_equal_shares(Instance(pabu.values(), budget_limit=budget), profile, sat_class=Cost_Sat,
                                        tie_breaking=order, voter_budget_increment=1)),
        ("greedy", lambda: greedy(budget, bot_projects),
         lambda: greedy_utilitarian_welfare(Instance(voted.values(), budget_limit=budget), profile, sat_class=Cost_Sat,
                                            tie_breaking=order)),
    ):  # fmt: skip
        bot_time, chosen = _timed(ours)
        pabu_time, allocation = _timed(reference)
        same = set(chosen) == {int(project.name) for project in allocation}
        ratio = bot_time / pabu_time
        figures.append(Figure(
            name=f"budget winners by {rule}, {projects} projects x {ballots:,} ballots (same winners: {'yes' if same else 'NO'})",
            value=f"{bot_time * 1000:,.1f} ms", baseline=f"{pabu_time * 1000:,.0f} ms pabutools", ratio=f"{ratio:.2f}x",
            target="<= 1.00x, same winners", passed=same and ratio <= 1.0,
        ))  # fmt: skip
    return figures


# ------------------------------------------------------------------------ a 5,000-member vote


class Voters:
    """Members opening their ballots at a steady pace, then tapping two projects and Submit."""

    def __init__(self, telegram, members: list[int], round_id: int, token: str, ideas: list[int]) -> None:
        self.telegram, self.members, self.round_id, self.token, self.ideas = telegram, members, round_id, token, ideas
        self.opened = 0
        self.taps: dict[str, float] = {}  # callback query id -> when pressed
        self.latencies: list[float] = []
        self._starts: dict[int, int] = {}  # member -> their /start message; the ballot is the next one
        self._tapped: set[int] = set()
        self._seen = 0
        self._started = time.time()
        self.chance = random.Random(11)

    def step(self) -> None:
        due = int((time.time() - self._started) * OPENS_PER_SECOND)
        while self.opened < min(due, len(self.members)):
            member = self.members[self.opened]
            update = self.telegram.message(chat_id=member, sender=member, text=f"/start budget-{self.token}")
            self._starts[member] = update["message"]["message_id"]
            self.opened += 1
        self._observe()

    def _observe(self) -> None:
        calls = self.telegram.calls(since=self._seen)
        self._seen += len(calls)
        now = time.time()
        for method, params in calls:
            if method == "answerCallbackQuery" and params.get("callback_query_id") in self.taps:
                self.latencies.append(now - self.taps.pop(params["callback_query_id"]))
            elif method == "sendMessage" and int(params.get("chat_id") or 0) > 0 and "ballot" in params.get("text", ""):
                self._tap(int(params["chat_id"]))

    def _tap(self, member: int) -> None:
        """Tap two projects and Submit on the member's ballot: the message after their /start
        (each private chat numbers its own messages, and nothing else is said in it). A send
        the fake refused (429) left no message: the bot's retry is seen again, and tapped then."""
        if member in self._tapped or member not in self._starts:
            return
        ballot = self._starts[member] + 1
        picks = self.chance.sample(self.ideas, 2)
        presses = [callbacks.encode(callbacks.Action.BUDGET_PICK, self.round_id, idea_id, 1, 0) for idea_id in picks]
        presses.append(callbacks.encode(callbacks.Action.BUDGET_SUBMIT, self.round_id, 0))
        for data in presses:
            try:
                update = self.telegram.press(chat_id=member, presser=member, message_id=ballot, data=data)
            except RuntimeError:  # no such message: that send was refused
                return
            self._tapped.add(member)
            self.taps[update["callback_query"]["id"]] = time.time()

    @property
    def answered(self) -> int:
        return len(self.latencies)


def _vote(folder: Path, members: int) -> tuple[int, int, float, float, int, float]:
    database = folder / "budget.sqlite3"
    with processes.fake_api(flood_limits=True) as (url, telegram):
        telegram.person(user_id=seed.FACILITATOR, first_name="Fatima")
        for index in range(GROUPS + 1):
            telegram.group(chat_id=seed.chat_id(index), title=f"Street {index}", owner=seed.FACILITATOR)
        people = list(range(seed.FACILITATOR + 1, seed.FACILITATOR + 1 + members))
        for user_id in people:
            telegram.person(user_id=user_id, first_name=f"Neighbour {user_id}")
            telegram.private_chat(user_id=user_id)
        now = dt.datetime.now(dt.UTC)
        round_id, token, ideas = seed.budget_vote(database, now, groups=GROUPS, people=members)
        with processes.running(processes.start_bot(url, database, folder / "bot.log")):
            telegram.wait(method="getUpdates", count=1, timeout=processes.DEADLINE)
            traffic, voters = Traffic(telegram, GROUPS), Voters(telegram, people, round_id, token, ideas)
            give_up = time.monotonic() + processes.DEADLINE + members / OPENS_PER_SECOND
            while (voters.answered < 3 * members or voters.opened < members) and time.monotonic() < give_up:
                traffic.step()
                voters.step()
                time.sleep(0.02)
            elapsed = time.time() - voters._started
        refused = telegram.flood_refused()
    return voters.answered, refused, _p95(voters.latencies), _p95(traffic.latencies), len(traffic.latencies), elapsed


def measure_vote(members: int = 5000) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-budget-") as folder:
        answered, refused, tap_p95, reply_p95, replies, elapsed = _vote(Path(folder), members)
    taps = 3 * members
    return [
        Figure(
            name=f"{members:,}-member budget vote, flood-limited fake: ballots opened at {OPENS_PER_SECOND:.0f}/s, {taps:,} taps",
            value=f"{answered:,} taps answered in {elapsed:.0f} s, toast p95 {tap_p95:.2f} s, {refused} x 429",
            baseline=f"{members / OPENS_PER_SECOND:.0f} s of arrivals", ratio="",
            target=f"all, 0 x 429, toast p95 <= {TAP_P95:.0f} s", passed=answered == taps and refused == 0 and tap_p95 <= TAP_P95,
        ),  # fmt: skip
        Figure(
            name=f"group replies meanwhile ({replies:,} commands), p95",
            value=f"{reply_p95:.2f} s", baseline="one command per group every 4 s", ratio="",
            target=f"<= {REPLY_P95:.0f} s", passed=reply_p95 <= REPLY_P95 and replies > 0,
        ),  # fmt: skip
    ]
