"""The demo's story: one week of a neighbourhood group co-producing a decision.

Each :class:`Step` names the bot commands it needs; a step whose commands this build does
not have is not played and is listed at the end instead (never faked). The residents
write in their own languages; the bot answers each of them in private in theirs.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.demo.scene import Scene
from bot.domain import callbacks
from bot.domain.decisions import Method
from bot.domain.i18n import N_
from storage import groups, rounds


@dataclass(frozen=True)
class Step:
    key: str
    title: str  # N_-marked; translated when shown
    needs: frozenset[str]
    play: Callable[[Scene, Cast], Awaitable[None]]
    saw: str | None = None  # N_-marked: the step's line in "what you just saw"


class Cast:
    """The neighbours. Their ``language_code`` is what their Telegram app is set to."""

    def __init__(self, scene: Scene) -> None:
        self.fatima = scene.person("Fatima", "en")  # the community worker, the group's admin
        self.ben = scene.person("Ben", "en")
        self.dawid = scene.person("Dawid", "pl")
        self.ayesha = scene.person("Ayesha", "ur")
        self.omar = scene.person("Omar", "ar")
        self.lucia = scene.person("Lucía", "es")
        self.tiago = scene.person("Tiago", "pt")
        self.residents = [self.ben, self.dawid, self.ayesha, self.omar, self.lucia, self.tiago]
        scene.telegram.join(scene.found_group(self.fatima), *self.residents)
        self.round_prompt: int | None = None
        self.ben_message: int | None = None
        self.voice_message: int | None = None


async def _welcome(scene: Scene, cast: Cast) -> None:
    await scene.add_bot(cast.fatima)


async def _open_round(scene: Scene, cast: Cast) -> None:
    question = scene.t._("What should we do with the empty lot?")
    await scene.say(cast.fatima, f"/round 2d 1d {question}")
    cast.round_prompt = _newest_prompt(scene)


async def _correct(scene: Scene, cast: Cast) -> None:
    """Fatima says which lot she means, and gives neighbours half a day more for ideas."""
    question = scene.t._("What should we do with the empty lot behind the library?")
    await scene.say(cast.fatima, f"/edit 1 {question}")
    await scene.say(cast.fatima, "/extend 1 12h")


# The residents write in their own languages, whatever the group's language is.
IDEAS = (
    ("ben", "Plant fruit trees along the canal path"),
    ("dawid", "Ławki i stoliki dla sąsiadów przy placu zabaw"),
    ("omar", "مقهى إصلاح شهري في قاعة الكنيسة"),
    ("lucia", "Un huerto comunitario que cuiden los vecinos"),
)
PRIVATE_IDEA = "پارک میں شام کو اچھی روشنی"
DUPLICATE_IDEA = "plant fruit trees along the canal path!"
TOOL_IDEAS = ("I can lend my ladder and my drill", "Ferramentas de jardim para emprestar a todos")


def _newest_prompt(scene: Scene) -> int:
    """The newest round prompt in the group: the message ideas are replies to."""
    for message in reversed(scene.bot_messages()):
        if "?start=" in message.get("text", ""):
            return message["message_id"]
    raise LookupError("no round prompt in the group")


async def _ideas(scene: Scene, cast: Cast) -> None:
    for name, text in IDEAS:
        message_id = await scene.say(getattr(cast, name), text, reply_to=cast.round_prompt)
        if name == "ben":
            cast.ben_message = message_id
        await scene.later(hours=3)


async def _private_idea(scene: Scene, cast: Cast) -> None:
    """Ayesha follows the link under the prompt and sends her idea without her name."""
    prompt = scene.telegram.messages[(scene.group.id, cast.round_prompt)]["text"]
    start = re.search(r"\?start=(\S+)", prompt)
    if start is None:
        raise LookupError("the round's prompt has no link for private ideas")
    await scene.say(cast.ayesha, f"/start {start.group(1)}", private=True)
    await scene.say(cast.ayesha, PRIVATE_IDEA, private=True)
    message_id, data = scene.button(callbacks.encode(callbacks.Action.IDEA_NAME), private_with=cast.ayesha, last_arg="0")
    await scene.press(cast.ayesha, message_id, data, private=True)


async def _duplicate(scene: Scene, cast: Cast) -> None:
    await scene.say(cast.tiago, DUPLICATE_IDEA, reply_to=cast.round_prompt)
    await scene.say(cast.fatima, "/ideas")
    await scene.say(cast.fatima, "/merge 1 6")


async def _assisted(scene: Scene, cast: Cast) -> None:
    """Mr Okafor, next door to the library, is not on Telegram: Fatima enters his idea."""
    idea = scene.t._("A shaded bench for older neighbours")
    await scene.say(cast.fatima, f"/assist 1 Mr Okafor: {idea}")


async def _voice(scene: Scene, cast: Cast) -> None:
    """Tiago says his idea instead of typing it; Fatima gives it the words for the poll."""
    cast.voice_message = await scene.speak(cast.tiago, 14, reply_to=cast.round_prompt)
    words = scene.t._("A mural painted by the neighbourhood's children")
    await scene.say(cast.fatima, f"/label {words}", reply_to=cast.voice_message)


async def _proposal(scene: Scene, cast: Cast) -> None:
    question = scene.t._("Shall we start a tool library in the community centre?")
    await scene.say(cast.lucia, f"/propose {question}")
    for supporter in (cast.omar, cast.dawid):
        message_id, data = scene.button(callbacks.encode(callbacks.Action.SUPPORT))
        await scene.press(supporter, message_id, data)
    prompt = _newest_prompt(scene)
    for person, text in ((cast.ben, TOOL_IDEAS[0]), (cast.tiago, TOOL_IDEAS[1])):
        await scene.say(person, text, reply_to=prompt)


async def _voting(scene: Scene, cast: Cast) -> None:
    await scene.later(days=2, hours=12)
    ballots = ((cast.ben, [0, 2]), (cast.dawid, [1]), (cast.ayesha, [1, 4]), (cast.omar, [2]),
               (cast.lucia, [0, 3]), (cast.tiago, [0]), (cast.fatima, [2, 4]))  # fmt: skip
    poll_id = scene.polls()[0]
    options = len(scene.telegram.polls[poll_id]["options"])
    for voter, choices in ballots:
        await scene.vote(voter, poll_id, [choice for choice in choices if choice < options] or [0])


async def _paper(scene: Scene, cast: Cast) -> None:
    """The ballot box at the library: five neighbours voted on paper."""
    await scene.say(cast.fatima, "/paper 1 1=3 2=1 7=4 voters=5")


async def _results(scene: Scene, cast: Cast) -> None:
    """Round #1 closes at its deadline; round #2, the proposal's, moves to its vote."""
    await scene.later(days=1)
    for poll_id in scene.polls():
        for voter, choices in ((cast.dawid, [0]), (cast.ben, [0, 1]), (cast.omar, [1])):
            await scene.vote(voter, poll_id, choices)


async def _outcome(scene: Scene, cast: Cast) -> None:
    """Planned, then done: Dawid, whose idea was in the round, hears privately in Polish once
    he has started a private chat with the bot."""
    await scene.later(hours=2)
    outcome = scene.t._(
        "The council gave us the lot for a year. Planting day is Saturday at 10:00: bring gloves!"
    )
    await scene.say(cast.fatima, f"/outcome 1 planned {outcome}")
    await scene.say(cast.dawid, "/start", private=True)
    await scene.later(hours=3)
    done = scene.t._("Twelve fruit trees are in the ground, and the lot is open to everyone.")
    await scene.say(cast.fatima, f"/outcome 1 done: {done}")
    await scene.say(cast.ben, "/rounds")


async def _newest_number(scene: Scene, method: Method) -> int:
    """The number of the group's newest round that decides by ``method``."""
    async with scene.app.services.db.read() as conn:
        group = await groups.get_by_chat(conn, scene.group.id)
        numbered = [r.number for r in await rounds.open_rounds(conn, group.id) if r.method is method]
    return max(numbered)


async def _consent(scene: Scene, cast: Cast) -> None:
    """A proposal for consent: most agree, one abstains, Dawid objects and says why privately."""
    await scene.later(hours=2)
    proposal = scene.t._("Shall we lend tools from the community centre on Saturday mornings?")
    await scene.say(cast.fatima, f"/consent 1d {proposal}")
    for person, position in ((cast.ben, "agree"), (cast.omar, "agree"), (cast.lucia, "abstain"),
                             (cast.dawid, "disagree"), (cast.ayesha, "agree")):  # fmt: skip
        message_id, data = scene.button(callbacks.encode(callbacks.Action.CONSENT), last_arg=position)
        await scene.press(person, message_id, data)
    reason = "Najpierw potrzebujemy kogoś, kto będzie pilnował wypożyczeń."
    await scene.say(cast.dawid, reason, private=True)
    await scene.show_bot()
    number = await _newest_number(scene, Method.CONSENT)
    await scene.say(cast.fatima, f"/close {number} now")


BUDGET_IDEAS = (
    ("ben", "A lockable shed for the garden tools", 250),
    ("ayesha", "بچوں کے لیے کتابوں کی الماری", 300),
    ("omar", "مقاعد للحديقة", 200),
)


async def _budget(scene: Scene, cast: Cast) -> None:
    """£600 left in the summer fund: ideas get costs, neighbours choose privately within the
    budget, the paper ballots from the library count too, and Equal Shares picks the winners."""
    question = scene.t._("How should we spend the £600 left in the summer fund?")
    await scene.say(cast.fatima, f"/budget 600 GBP 3h 3h {question}")
    prompt = _newest_prompt(scene)
    for name, text, _cost in BUDGET_IDEAS:
        await scene.say(getattr(cast, name), text, reply_to=prompt)
    for number, (_name, _text, cost) in enumerate(BUDGET_IDEAS, 1):
        await scene.say(cast.fatima, f"/cost {number} {cost}")
    await scene.later(hours=3)
    number = await _newest_number(scene, Method.BUDGET)
    link = next(button["url"] for message in reversed(scene.bot_messages())
                for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for button in row
                if "url" in button)  # fmt: skip
    start = link.split("?start=", 1)[1]
    for person, picks in ((cast.ben, (1, 3)), (cast.tiago, (2,)), (cast.omar, (2, 3))):
        await scene.say(person, f"/start {start}", private=True)
        for project in picks:
            await scene.press(person, *scene.labelled(f"▫️ {project}.", private_with=person), private=True)
        await scene.press(person, *scene.button(callbacks.encode(callbacks.Action.BUDGET_SUBMIT), private_with=person),
                          private=True)  # fmt: skip
    await scene.say(cast.fatima, f"/paper {number} 1+3x2 2")
    await scene.later(hours=3)


async def _time_bank(scene: Scene, cast: Cast) -> None:
    await scene.later(days=1)
    planting = scene.t._("planting fruit trees on the lot")
    cast.ben_message = await scene.say(cast.ben, f"/log 2h {planting}")
    message_id, data = scene.button(callbacks.encode(callbacks.Action.CREDIT_CONFIRM))
    await scene.press(cast.dawid, message_id, data)
    benches = scene.t._("building two benches")
    await scene.say(cast.dawid, f"/log 1h30m {benches}")
    message_id, data = scene.button(callbacks.encode(callbacks.Action.CREDIT_CONFIRM))
    await scene.press(cast.ben, message_id, data)


async def _thanks(scene: Scene, cast: Cast) -> None:
    thanks = scene.t._("for mending my bike")
    await scene.say(cast.omar, f"/thank 1h {thanks}", reply_to=cast.ben_message)
    await scene.say(cast.omar, "/credits")


async def _need(scene: Scene, cast: Cast) -> None:
    """Ayesha asks for an hour's help, Ben offers it, and once it is done the hour moves to him."""
    what = scene.t._("help carrying a wardrobe up to the third floor")
    await scene.say(cast.ayesha, f"/need 1h {what}")
    message_id, data = scene.button(callbacks.encode(callbacks.Action.POSTING_ANSWER))
    await scene.press(cast.ben, message_id, data)
    await scene.later(hours=5)
    await scene.say(cast.ben, f"/done {data.rsplit(':', 1)[1]}")
    message_id, data = scene.button(callbacks.encode(callbacks.Action.EXCHANGE_CONFIRM))
    await scene.press(cast.ayesha, message_id, data)


# A small statements round: two camps of neighbours, and one statement everyone agrees with.
STATEMENT_VOTES = {  # each statement's vote in the first camp, then the second
    N_("Keep the garden open to everyone every day"): ("a", "d"),
    N_("Give each family a small bed of its own"): ("d", "a"),
    N_("Hold a planting day once a month"): ("a", "a"),
}
OMAR_STATEMENT = "ساعات للأطفال بعد المدرسة"  # hours for the children after school
CAMPS = {"fatima": 0, "ben": 0, "dawid": 0, "ayesha": 1, "omar": 1, "lucia": 1, "tiago": 1}


async def _statements(scene: Scene, cast: Cast) -> None:
    """Fatima asks for statements; Omar adds one; everyone votes privately, one statement at a
    time; when Fatima closes it, the group hears its opinion groups and common ground, and
    each voter their own group."""
    question = scene.t._("How should we share the library garden?")
    seeds = [scene.t._(text) for text in STATEMENT_VOTES]
    await scene.say(cast.fatima, "\n".join([f"/statements 2d {question}", *seeds]))
    message_id = _newest_message(scene, "?start=st-")
    await scene.say(cast.omar, OMAR_STATEMENT, reply_to=message_id)
    link = re.search(r"\?start=(st-\S+)", scene.telegram.messages[(scene.group.id, message_id)]["text"]).group(1)
    choices = dict(zip([*seeds, OMAR_STATEMENT], [*STATEMENT_VOTES.values(), ("d", "a")], strict=True))
    for name, camp in CAMPS.items():
        person = getattr(cast, name)
        await scene.say(person, f"/start {link}", private=True)
        while True:
            message = scene.bot_messages(private_with=person)[-1]
            shown = next((text for text in choices if text in message["text"]), None)
            if shown is None:
                break
            code = choices[shown][camp]
            _, data = scene.button(callbacks.encode(callbacks.Action.STATEMENT_VOTE), private_with=person, last_arg=code)
            await scene.press(person, message["message_id"], data, private=True)
    await scene.later(minutes=1)  # the opinion groups are recomputed as the votes come in
    await scene.say(cast.fatima, "/close 3 now")
    await scene.later(minutes=1)  # each voter hears of their own group


def _newest_message(scene: Scene, containing: str) -> int:
    for message in reversed(scene.bot_messages()):
        if containing in message.get("text", ""):
            return message["message_id"]
    raise LookupError(f"no bot message with {containing!r}")


async def _summary(scene: Scene, cast: Cast) -> None:
    """The group's summary comes on its own schedule: Mondays at 09:00 unless changed."""
    await scene.until(weekday=0, hour=9)


STEPS: tuple[Step, ...] = (
    Step("welcome", N_("The bot joins the group and says hello"), frozenset(), _welcome,
         N_("The bot joined the group and said hello in the group's language.")),
    Step("round", N_("A facilitator opens a round"), frozenset({"round"}), _open_round,
         N_("A facilitator put a question to the group with /round.")),
    Step("ideas", N_("Neighbours reply with ideas, each in their own language"), frozenset({"round"}), _ideas,
         N_("Neighbours answered by replying to the question, in their own languages; the bot acknowledged each idea with a reaction and a running count instead of a message.")),
    Step("correct", N_("The facilitator corrects the question and moves the deadline"), frozenset({"edit", "extend"}),
         _correct,
         N_("The facilitator made the question clearer with /edit, keeping every idea, and gave neighbours half a day more with /extend.")),
    Step("private_idea", N_("An idea sent privately and anonymously"), frozenset({"round", "start"}), _private_idea,
         N_("One neighbour sent her idea in a private chat, answered in her own language, and chose to stay anonymous.")),
    Step("duplicate", N_("A duplicate idea is flagged and merged"), frozenset({"ideas", "merge"}), _duplicate,
         N_("A duplicate idea was flagged and the facilitator merged it into the first one.")),
    Step("assisted", N_("A facilitator adds an idea for a neighbour who is not on Telegram"), frozenset({"assist"}), _assisted,
         N_("A facilitator entered an idea for a neighbour without Telegram; it is shown as his, \"via\" her.")),
    Step("voice", N_("A voice idea is given words with /label"), frozenset({"label"}), _voice,
         N_("A neighbour said his idea in a voice message; the facilitator gave it words with /label, used in the poll.")),
    Step("proposal", N_("A neighbour's own proposal gathers support"), frozenset({"propose"}), _proposal,
         N_("A resident proposed a question herself; it opened as a round once enough neighbours supported it.")),
    Step("voting", N_("The ideas stage ends on its own and everyone votes"), frozenset({"vote"}), _voting,
         N_("At the deadline the ideas went to a vote: one person, one vote, tick every idea you support.")),
    Step("paper", N_("Paper ballots from the library are counted in"), frozenset({"paper"}), _paper,
         N_("The facilitator entered the paper ballots from the library; the results count them with the online votes and show both.")),
    Step("results", N_("The vote closes with results and a chart"), frozenset({"close"}), _results,
         N_("The vote closed on its own and the results were published with a chart.")),
    Step("outcome", N_("The facilitator records the outcome"), frozenset({"outcome", "notify"}), _outcome,
         N_("The facilitator recorded what happened next, from planned to done: \"you said, we did\". A neighbour whose idea was in the round heard privately, in his own language.")),
    Step("consent", N_("A proposal is decided by consent"), frozenset({"consent"}), _consent,
         N_("A facilitator put a proposal to the group for consent: neighbours agreed, abstained or objected with the buttons, the objection came with its reason, and the result said passed or not and why.")),
    Step("budget", N_("A small budget: neighbours choose projects within it"), frozenset({"budget", "cost"}), _budget,
         N_("A facilitator opened a budget of £600; ideas got their costs, neighbours chose projects privately within the budget, paper ballots counted too, and the Method of Equal Shares picked the winners.")),
    Step("time_bank", N_("Two neighbours log their time and confirm each other's"), frozenset({"log"}), _time_bank,
         N_("Volunteered hours became credits once another neighbour confirmed them: everyone's hour is worth the same.")),
    Step("thanks", N_("One neighbour thanks another with credits"), frozenset({"thank"}), _thanks,
         N_("One neighbour thanked another by giving an hour of credit.")),
    Step("need", N_("A need is met through the time bank"), frozenset({"need", "done"}), _need,
         N_("A neighbour asked for help with /need, another pressed \"I can help\", and once she confirmed, the hour moved from her to him.")),
    Step("summary", N_("A summary of the week is posted"), frozenset({"summary"}), _summary,
         N_("The bot posted a summary of the week: rounds, outcomes and hours, naming who contributed.")),
    Step("statements", N_("A statements round finds common ground"), frozenset({"statements"}), _statements,
         N_("Neighbours added short statements and voted on them privately, one at a time; the bot found two opinion groups, what sets each apart and what almost everyone agrees on, drew the opinion map without names, and told each voter their own group.")),
)  # fmt: skip


async def neighbourhood(scene: Scene) -> None:
    """Play every step this build supports, then say what was shown and how to run it for real."""
    t, transcript = scene.t, scene.transcript
    await transcript.write(t._("Demo: the co-production bot in a neighbourhood group chat."))
    await transcript.write(
        t._("Simulated neighbours talk to the real bot through a local Telegram emulator. "
            "No token, no network; days pass in seconds.")  # fmt: skip
    )
    cast = Cast(scene)
    available = scene.commands()
    for step in STEPS:
        if not step.needs <= available:
            scene.skipped.append(step.key)
            continue
        await transcript.heading(t._(step.title))
        await step.play(scene, cast)
        scene.played.append(step.key)
    await transcript.heading(t._("What you just saw"))
    for step in STEPS:
        if step.key in scene.played and step.saw:
            await transcript.write("• " + t._(step.saw))
    if scene.skipped:
        await transcript.write(t._("Not shown, because this version cannot do it yet:"))
        for step in STEPS:
            if step.key in scene.skipped:
                await transcript.write("• " + t._(step.title))
    await transcript.heading(t._("Run it for real"))
    await transcript.write(
        t._("Create a bot with @BotFather, add it to your group as an administrator, then:")
    )
    await transcript.write("    TELEGRAM_BOT_TOKEN=123456:ABC... python -m bot")
    await transcript.write(t._("or with Docker: docker compose up -d (see the README)."))
