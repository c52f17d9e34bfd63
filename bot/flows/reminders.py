"""Stage reminders: one per stage, with the counts so far.

Each reminder is a deadline row written with its stage (see :mod:`storage.deadlines`): a
day before the stage ends, or at three quarters of a stage shorter than two days. It is
posted as a reply to the round's message, so a neighbour can answer it straight away; the
ideas reminder also tells facilitators which voice ideas still need words (``/label``) and,
in a budget round, which ideas still need a cost (``/cost``). A
round that has already moved on, or whose stage ended while the bot was down, is not reminded.
"""

from __future__ import annotations

from telegram import ReplyParameters

from bot.domain import i18n
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.decisions import Method
from bot.domain.records import Deadline
from bot.domain.rounds import Stage
from bot.flows import notices
from bot.flows.decisions import method_of
from bot.flows.decisions.budget import uncosted, without_cost_line
from bot.runtime.application import CoprodApplication
from storage import groups, rounds

STAGE_OF = {DeadlineKind.REMINDER_IDEAS: Stage.IDEAS, DeadlineKind.REMINDER_VOTING: Stage.VOTING}


async def remind(app: CoprodApplication, deadline: Deadline) -> None:
    services = app.services
    async with services.db.read() as conn:
        round_ = await rounds.get(conn, deadline.ref_id)
        group = await groups.get(conn, round_.group_id)
        ideas, authors = await rounds.counts(conn, round_.id)
        wordless = await rounds.unlabelled_voice_ideas(conn, round_.id)
        voters = await method_of(round_).voters_so_far(conn, round_)
        costless = await uncosted(conn, round_) if round_.method is Method.BUDGET else []
    now = services.clock.now()
    if round_.stage is not STAGE_OF[deadline.kind] or round_.deadline is None or round_.deadline <= now:
        return  # moved on already, or about to (the bot was down past the end of the stage)
    t = i18n.translator(group.language)
    when = t.when(round_.deadline, group.timezone)
    relative = t.relative(round_.deadline - now)
    if round_.stage is Stage.IDEAS:
        counts = t._("{ideas} from {people} so far", ideas=t.ngettext("{count} idea", "{count} ideas", ideas),
                     people=t.ngettext("{count} neighbour", "{count} neighbours", authors))  # fmt: skip
        text = t._("Round #{number} {question}: {counts}; ideas close {when} ({relative}). Reply to this round's message to add yours.",
                   number=round_.number, question=t.user_text(round_.question), counts=counts, when=when,
                   relative=relative)  # fmt: skip
        if wordless:
            text += "\n" + t.ngettext(
                "For facilitators: voice idea {numbers} has no words yet. Reply to it with /label and the words to vote on.",
                "For facilitators: voice ideas {numbers} have no words yet. Reply to each with /label and the words to vote on.",
                len(wordless), numbers=t.list_of([t.number(idea.number) for idea in wordless]),
            )  # fmt: skip
        if costless:
            text += "\n" + without_cost_line(t, costless)
        answer_to = round_.prompt_message_id
    else:
        text = t._("Round #{number} {question}: {voters} so far; voting closes {when} ({relative}).",
                   number=round_.number, question=t.user_text(round_.question),
                   voters=t.ngettext("{count} neighbour has voted", "{count} neighbours have voted", voters),
                   when=when, relative=relative)  # fmt: skip
        answer_to = round_.voting_message_id
    reply = ReplyParameters(answer_to, allow_sending_without_reply=True) if answer_to else None
    await app.bot.send_message(group.chat_id, text, reply_parameters=reply)
    if round_.stage is Stage.VOTING:
        await notices.nudge_non_voters(app, group, round_)

