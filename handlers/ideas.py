"""Ideas in the group: replies to a prompt (text or voice), ``/idea``, edits, ``/ideas``,
``/withdraw``, ``/merge``, ``/assist``, ``/label``.

Every way in goes through :func:`bot.flows.ideas.record_idea`, which stores the idea in one
transaction (once per source message, so a redelivered update adds nothing) and asks for
the prompt's running count to be refreshed. Acknowledgements are a reaction and that
count (see :mod:`bot.runtime.acknowledge`), never a reply per idea; answers are for problems and
near-duplicates only.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.ext import filters

from bot.domain import callbacks
from bot.domain.errors import DomainError, Quoted
from bot.domain.i18n import N_, Translator
from bot.domain.inclusion import (
    ASSIST_USAGE,
    LABEL_USAGE,
    TallyReason,
    assisted_name,
    check_label,
    credit,
    parse_assist,
    same_neighbour,
)
from bot.domain.numbers import parse_number
from bot.domain.pages import split_page
from bot.domain.records import Member
from bot.domain.rounds import (
    NO_ROUND_COLLECTING,
    SEVERAL_ROUNDS,
    Idea,
    IdeaStatus,
    Round,
    Stage,
    check_idea,
    fold,
    near_duplicates,
    require_collecting,
    require_stage,
)
from bot.flows import paper, site
from bot.flows.decisions import method_of
from bot.flows.ideas import Taken, duplicate_notice, record_idea
from bot.flows.rounds import count_changed
from bot.runtime import outbound
from bot.runtime.menu import Where
from handlers.common import (
    Feature,
    Turn,
    command_text,
    idea_text,
    numbered_round,
    reply_listing,
    round_label,
    round_number,
)
from storage import Connection, idea_drafts, members
from storage import rounds as stored_rounds

feature = Feature()

# Commands answer new messages only: an edited message is idea_edited's (it may be an idea).
# Group commands also take private messages, to answer there with a hint; /idea in a
# private chat is handlers.private_ideas'.
_NEW_MESSAGE = filters.UpdateType.MESSAGE
_NEW_GROUP_MESSAGE = filters.ChatType.GROUPS & _NEW_MESSAGE


async def _acknowledge(turn: Turn, taken: Taken, message_id: int) -> None:
    """A reaction on the member's message; a short reply only for a near-duplicate."""
    if not taken.created:
        return
    notice = duplicate_notice(turn.t, taken)
    if notice:
        await turn.reply(notice)
    await turn.services.acknowledgements.react(turn.context.bot, turn.chat.id, message_id, turn.now)


async def _replied_round(turn: Turn) -> Round | None:
    """The round whose message this one replies to, if any."""
    replied = turn.message.reply_to_message
    if replied is None:
        return None
    async with turn.db.read() as conn:
        return await stored_rounds.by_prompt(conn, turn.group.id, replied.message_id)


async def _collecting(turn: Turn) -> list[Round]:
    async with turn.db.read() as conn:
        rounds = await stored_rounds.open_rounds(conn, turn.group.id)
    return [round_ for round_ in rounds if round_.stage is round_.collecting_stage]


async def _capped(turn: Turn, round_: Round) -> bool:
    """Whether the group's cap on ideas per member applies: not to a facilitator seeding a
    statements round with the statements to start from."""
    return not (round_.method.adds_while_voting and await turn.is_facilitator())


async def _round_in_focus(turn: Turn) -> Round:
    """For /withdraw and /merge: the round replied to, or the only one collecting ideas."""
    replied = await _replied_round(turn)
    if replied is not None:
        return replied
    collecting = await _collecting(turn)
    if not collecting:
        raise DomainError(NO_ROUND_COLLECTING)
    if len(collecting) > 1:
        raise DomainError(SEVERAL_ROUNDS)
    return collecting[0]


# ------------------------------------------------------------------ ideas coming in


class _RepliesToBot(filters.MessageFilter):
    """Replies to one of the bot's own messages (what privacy mode lets the bot see)."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return bool(replied and replied.from_user and replied.from_user.id == message.get_bot().id)


@feature.message(Where.GROUP, _NEW_GROUP_MESSAGE & _RepliesToBot() & ~filters.COMMAND)
async def idea_by_reply(turn: Turn) -> None:
    round_ = await _replied_round(turn)
    if round_ is None:  # a reply to the bot's question about rounds, to results, to a notice...
        await _hint_where_to_reply(turn)
        return
    message = turn.message
    if round_.stage is Stage.VOTING and await method_of(round_).replied(
        turn.context.application, round_, member_id=turn.person_id, text=idea_text(message), source=turn.source
    ):  # a reason for a position on a proposal, say
        await turn.services.acknowledgements.react(turn.context.bot, turn.chat.id, message.message_id, turn.now)
        return
    if message.voice or message.video_note or message.audio:
        await _voice_idea(turn, round_)
        return
    text = idea_text(message)
    if text is None:
        if round_.stage is round_.collecting_stage:
            raise DomainError(
                N_("To add an idea, reply to the round's message with text (a photo with a caption works too).")
            )
        return
    taken = await record_idea(
        turn.context.application,
        round_.id,
        text,
        author_id=turn.person_id,
        source_chat_id=turn.chat.id,
        source_message_id=message.message_id,
        round_read=round_,
        capped=await _capped(turn, round_),
    )
    await _acknowledge(turn, taken, message.message_id)


async def _voice_idea(turn: Turn, round_: Round) -> None:
    """A voice message, video note or audio: an idea whose words come later (or its caption)."""
    if round_.stage is not round_.collecting_stage:
        return
    message = turn.message
    taken = await record_idea(
        turn.context.application,
        round_.id,
        message.caption,
        author_id=turn.person_id,
        source_chat_id=turn.chat.id,
        source_message_id=message.message_id,
        round_read=round_,
        voice=True,
    )
    await _acknowledge(turn, taken, message.message_id)


@feature.message(Where.GROUP, _NEW_GROUP_MESSAGE & filters.REPLY & ~_RepliesToBot() & ~filters.COMMAND)
async def reply_to_an_idea(turn: Turn) -> None:
    """A reply to a neighbour's idea while its round collects ideas is no idea of its own:
    say where ideas go, in case it was meant as one."""
    replied = turn.message.reply_to_message
    async with turn.db.read() as conn:
        idea = await stored_rounds.idea_by_source(conn, turn.chat.id, replied.message_id)
        round_ = await stored_rounds.get(conn, idea.round_id) if idea is not None else None
    if round_ is not None and round_.stage is Stage.IDEAS:
        await _hint_where_to_reply(turn)


async def _hint_where_to_reply(turn: Turn) -> None:
    """Where an idea goes (the round's message, or /idea), once a minute per member."""
    if not turn.services.hints.due(turn.chat.id, turn.person_id, "where-to-reply", turn.now):
        return
    collecting = await _collecting(turn)
    if not collecting:
        text = turn.t._("No round is collecting ideas right now, so nothing was added.")
    elif len(collecting) == 1:
        text = turn.t._("That was not added as an idea. To add one, reply to the message of round #{number} "
                        "(the one with its question), or send /idea followed by your idea.",
                        number=collecting[0].number)  # fmt: skip
    else:
        text = turn.t._("That was not added as an idea. To add one, reply to the message of the round it is for "
                        "({rounds}), or send /idea followed by your idea.",
                        rounds=turn.t.list_of([f"#{round_.number}" for round_ in collecting]))  # fmt: skip
    with outbound.sending_as(outbound.Priority.HINT):
        await turn.reply(text)


@feature.command("idea", Where.GROUP, menu=N_("Add your idea to an open round"), filters=_NEW_GROUP_MESSAGE)
async def idea_in_group(turn: Turn) -> None:
    round_ = await _replied_round(turn)
    if round_ is None:
        collecting = await _collecting(turn)
        if not collecting:
            raise DomainError(NO_ROUND_COLLECTING)
        if len(collecting) > 1:
            await _ask_which_round(turn, collecting)
            return
        round_ = collecting[0]
    taken = await record_idea(
        turn.context.application,
        round_.id,
        command_text(turn),
        author_id=turn.person_id,
        source_chat_id=turn.chat.id,
        source_message_id=turn.message.message_id,
        round_read=round_,
        capped=await _capped(turn, round_),
    )
    await _acknowledge(turn, taken, turn.message.message_id)


async def _ask_which_round(turn: Turn, collecting: list[Round]) -> None:
    """Several rounds take ideas: hold the idea and let its author pick with buttons."""
    text = check_idea(command_text(turn))
    author = turn.person_id
    if author is None:
        raise DomainError(SEVERAL_ROUNDS)
    message_id = turn.message.message_id
    async with turn.db.transaction() as conn:
        held = await idea_drafts.hold_group_message(
            conn, author_id=author, chat_id=turn.chat.id, message_id=message_id, text=text, now=turn.now
        )
    if not held:
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    round_label(turn.t, round_), callback_data=callbacks.encode(callbacks.Action.IDEA_FOR, round_.id, message_id)
                )
            ]
            for round_ in collecting
        ]
    )
    await turn.reply(turn.t._("Which round is this idea for?"), reply_markup=keyboard)


@feature.button(callbacks.Action.IDEA_FOR)
async def idea_round_chosen(turn: Turn) -> None:
    query = turn.update.callback_query
    round_id, message_id = turn.pressed.int_arg(0), turn.pressed.int_arg(1)
    async with turn.db.read() as conn:
        draft = await idea_drafts.by_message(conn, turn.chat.id, message_id) if message_id else None
        round_ = await stored_rounds.find(conn, round_id) if draft and round_id else None
    if draft is None or round_ is None or round_.group_id != turn.group.id:
        raise DomainError(N_("This idea has already been added."))
    if draft.author_id != turn.user.id:
        raise DomainError(N_("Only the person who wrote this idea can choose its round."))
    taken = await record_idea(
        turn.context.application,
        round_.id,
        draft.text,
        author_id=draft.author_id,
        source_chat_id=draft.chat_id,
        source_message_id=draft.message_id,
        draft_id=draft.id,
        round_read=round_,
    )
    await query.answer()
    done = turn.t._(
        "Added to round #{round} as idea {number}.", round=taken.round.number, number=taken.idea.number
    )
    await query.edit_message_text("\n".join(filter(None, (done, duplicate_notice(turn.t, taken)))))
    await turn.services.acknowledgements.react(turn.context.bot, turn.chat.id, message_id, turn.now)


STATEMENT_STAYS = N_(
    "Statement {number} stays as it was: neighbours may already have voted on it. "
    "To change it, /withdraw {number} and add it again."
)


@feature.message(Where.ANYWHERE, filters.UpdateType.EDITED_MESSAGE)
async def idea_edited(turn: Turn) -> None:
    """Editing the message an idea came from updates the idea while ideas are open; a
    statement, which neighbours vote on as they go, stays as it was."""
    message = turn.update.edited_message
    async with turn.db.read() as conn:
        idea = await stored_rounds.idea_by_source(conn, turn.chat.id, message.message_id)
    if idea is None or idea.status is not IdeaStatus.STANDING:
        return
    async with turn.db.transaction() as conn:
        round_ = await stored_rounds.get(conn, idea.round_id)
        require_collecting(round_)
        if round_.method.adds_while_voting:
            raise DomainError(STATEMENT_STAYS, number=idea.number)
        if idea.voice:
            return  # its words are given with /label
        text = (parse_assist(idea_text(message) or "").text if idea.assisted
                else check_idea(idea_text(message), round_.method))  # fmt: skip
        on_paper = await _new_words(conn, turn, round_, idea, text)
    count_changed(turn.context.application, idea.round_id)
    if on_paper:
        await turn.reply(paper.ended_text(turn.t, round_, idea, on_paper, TallyReason.WORDS_CHANGED))


async def _new_words(conn: Connection, turn: Turn, round_: Round, idea: Idea, text: str) -> int:
    """Store the idea's new words; the paper votes that stop counting because they were
    cast for the old words (0 when the words are the same or it had none)."""
    await stored_rounds.update_idea_text(conn, idea.id, text, folded=fold(text), now=turn.now)
    if not paper.words_changed(idea, text):
        return 0
    return await paper.end_votes(conn, round_, idea, TallyReason.WORDS_CHANGED, by=turn.person_id, now=turn.now)


# ------------------------------------------------------------------ listing and tidying


@feature.command("ideas", Where.GROUP, menu=N_("See the ideas of a round"), filters=_NEW_MESSAGE)
async def ideas_command(turn: Turn) -> None:
    args, page = split_page(turn.args, "/ideas 3 page 2")
    round_ = await _listed_round(turn, args)
    async with turn.db.read() as conn:
        ideas = await stored_rounds.ideas(conn, round_.id)
        authors = await members.names(conn, {idea.author_id for idea in ideas if idea.author_id})
    lines = [
        "<b>" + turn.t._("Round #{number}", number=round_.number) + "</b> " + turn.t.user_text(round_.question)
    ]
    standing = [idea for idea in ideas if idea.status is IdeaStatus.STANDING]
    if not standing:
        lines.append(turn.t._("No ideas yet."))
    for idea in standing:
        credited = [idea, *(other for other in ideas if other.merged_into == idea.id)]
        names = _credits(turn.t, credited, authors)
        if idea.needs_words:
            lines.append(f"{idea.number}. " + turn.t._("voice idea from {name}, needs words", name=names))
        else:
            lines.append(f"{idea.number}. {turn.t.user_text(idea.text)} — {names}")
    pairs = near_duplicates(ideas)
    if pairs and await turn.is_facilitator():
        lines.append("")
        lines.append(turn.t._("For facilitators, these look the same:"))
        lines.extend(
            turn.t._("idea {later} and idea {earlier}: /merge {earlier} {later}", earlier=a.number, later=b.number)
            for a, b in pairs
        )
    await reply_listing(turn, lines, page, lambda next_page: f"/ideas {round_.number} page {next_page}")


CREDITED_SHOWN = 20  # names under one idea; keeps a line with many merged twins within a message


def _credits(t: Translator, credited: list[Idea], authors: dict[int, Member]) -> str:
    names = list(dict.fromkeys(credit(t, idea, authors, t.user_text) for idea in credited))
    shown = ", ".join(names[:CREDITED_SHOWN])
    more = len(names) - CREDITED_SHOWN
    if more <= 0:
        return shown
    return shown + " " + t.ngettext("and {count} more", "and {count} more", more)


async def _listed_round(turn: Turn, args: list[str]) -> Round:
    """Round N of ``/ideas N``, or the newest open round."""
    if args:
        return await numbered_round(turn, round_number(args[0]))
    async with turn.db.read() as conn:
        rounds = await stored_rounds.open_rounds(conn, turn.group.id)
    if not rounds:
        raise DomainError(N_("No round is open right now. Use /ideas N to see the ideas of round N."))
    return max(rounds, key=lambda round_: round_.number)


def _number(token: str) -> int:
    number = parse_number(token)
    if number is None:
        raise DomainError(N_("“{value}” is not a number."), value=Quoted(token))
    return number


def _idea_numbers(turn: Turn, count: int, usage: str) -> list[int]:
    if len(turn.args) != count:
        raise DomainError(usage)
    return [_number(token) for token in turn.args]


async def _standing_idea(conn: Connection, round_: Round, number: int) -> Idea:
    idea = await stored_rounds.idea_by_number(conn, round_.id, number)
    if idea is None or idea.status is not IdeaStatus.STANDING:
        raise DomainError(N_("Round #{round} has no idea {number}."), round=round_.number, number=number)
    return idea


@feature.command("withdraw", Where.GROUP, menu=N_("Take back one of your ideas"), filters=_NEW_MESSAGE)
async def withdraw_command(turn: Turn) -> None:
    (number,) = _idea_numbers(turn, 1, N_("Write the idea's number, e.g. /withdraw 4."))
    round_ = await _round_in_focus(turn)
    facilitator = await turn.is_facilitator()
    async with turn.db.transaction() as conn:
        round_ = await stored_rounds.get(conn, round_.id)
        require_collecting(round_)
        idea = await _standing_idea(conn, round_, number)
        if idea.author_id != turn.user.id and not facilitator:
            raise DomainError(N_("Only the idea's author or a facilitator can withdraw it. Nothing was changed."))
        await stored_rounds.set_idea_status(conn, idea.id, IdeaStatus.WITHDRAWN, turn.now)
        on_paper = await paper.end_votes(conn, round_, idea, TallyReason.WITHDRAWN, by=turn.person_id, now=turn.now)
    count_changed(turn.context.application, round_.id)
    answer = turn.t._("Idea {number} is withdrawn from round #{round}.", number=number, round=round_.number)
    if on_paper:
        answer += " " + paper.ended_text(turn.t, round_, idea, on_paper, TallyReason.WITHDRAWN)
    await turn.reply(answer)


@feature.command(
    "merge", Where.GROUP, menu=N_("Join two ideas that say the same"), facilitator=True, filters=_NEW_MESSAGE
)
async def merge_command(turn: Turn) -> None:
    await turn.require_facilitator()
    kept, folded = _idea_numbers(turn, 2, N_("Write the two ideas' numbers, e.g. /merge 2 4 folds idea 4 into idea 2."))
    if kept == folded:
        raise DomainError(N_("An idea cannot be merged into itself. Write two different numbers."))
    round_ = await _round_in_focus(turn)
    async with turn.db.transaction() as conn:
        round_ = await stored_rounds.get(conn, round_.id)
        require_collecting(round_)
        target = await _standing_idea(conn, round_, kept)
        source = await _standing_idea(conn, round_, folded)
        on_paper = await paper.fold_into(conn, round_, target, source, by=turn.person_id, now=turn.now)
        await stored_rounds.set_idea_status(conn, source.id, IdeaStatus.MERGED, turn.now, merged_into=target.id)
    count_changed(turn.context.application, round_.id)
    answer = turn.t._(
        "Idea {folded} is folded into idea {kept}: both authors stay credited, and only idea {kept} goes to the vote.",
        folded=folded,
        kept=kept,
    )
    if on_paper is not None:
        answer += " " + paper.moved_text(turn.t, target, on_paper)
    await turn.reply(answer)


# ---------------------------------------------------- assisted ideas and voice ideas' words


@feature.command(
    "assist",
    Where.GROUP,
    menu=N_("Add an idea for a neighbour who is not in the chat"),
    facilitator=True,
    filters=_NEW_MESSAGE,
)
async def assist_command(turn: Turn) -> None:
    """``/assist [N] NAME: idea``: the facilitator enters it, the neighbour is credited."""
    await turn.require_facilitator()
    assisted = parse_assist(command_text(turn))
    if assisted.round_number is not None:
        round_ = await numbered_round(turn, assisted.round_number)
    else:
        round_ = await _replied_round(turn)
        if round_ is None:
            raise DomainError(ASSIST_USAGE)
    taken = await record_idea(
        turn.context.application,
        round_.id,
        assisted.text,
        author_id=turn.person_id,
        source_chat_id=turn.chat.id,
        source_message_id=turn.message.message_id,
        round_read=round_,
        assisted_name=assisted.name,
        assisted_agreed=assisted.agreed,
    )
    await _acknowledge(turn, taken, turn.message.message_id)


FORGET_USAGE = N_("Write the name of the neighbour you entered ideas for, as you wrote it after /assist, e.g. /forget Maria")


@feature.command(
    "forget", Where.GROUP, menu=N_("Remove the name of a neighbour you entered ideas for"), facilitator=True,
    filters=_NEW_MESSAGE,
)  # fmt: skip
async def forget_assisted(turn: Turn) -> None:
    """``/forget NAME``: on an assisted neighbour's request, their name leaves every idea
    entered for them in the group (they read "a neighbour (via FACILITATOR)" from now on),
    the public page and the database files."""
    await turn.require_facilitator()
    name, _agreed = assisted_name(command_text(turn))
    if not name:
        raise DomainError(FORGET_USAGE)
    async with turn.db.transaction() as conn:
        theirs = [idea for idea in await stored_rounds.assisted_in_group(conn, turn.group.id)
                  if same_neighbour(idea.assisted_name, name)]  # fmt: skip
        await stored_rounds.forget_assisted(conn, [idea.id for idea in theirs])
    if not theirs:
        raise DomainError(N_("No idea in this group was entered for “{name}”. Nothing was changed. {usage}"),
                          name=Quoted(name), usage=turn.t._(FORGET_USAGE))  # fmt: skip
    await turn.db.scrub()
    turn.services.scrub_when_applied.add(turn.update.update_id)  # this command names them too
    await site.refresh(turn.context.application, turn.group.id)
    await turn.reply(turn.t.ngettext(
        "The name is removed from {count} idea: it now shows as entered for “a neighbour”.",
        "The name is removed from {count} ideas: they now show as entered for “a neighbour”.",
        len(theirs),
    ))  # fmt: skip


@feature.command(
    "label", Where.GROUP, menu=N_("Give a voice idea the words used in the poll"), filters=_NEW_MESSAGE
)
async def label_command(turn: Turn) -> None:
    """``/label text`` as a reply to a voice idea, by its author or a facilitator."""
    replied = turn.message.reply_to_message
    if replied is None:
        raise DomainError(LABEL_USAGE)
    async with turn.db.read() as conn:
        idea = await stored_rounds.idea_by_source(conn, turn.chat.id, replied.message_id)
    if idea is None or not idea.voice or idea.status is not IdeaStatus.STANDING:
        raise DomainError(N_("/label works as a reply to a voice idea: a voice message, video note or audio sent as an idea."))
    label = check_label(command_text(turn))
    if idea.author_id != turn.user.id and not await turn.is_facilitator():
        raise DomainError(N_("Only the idea's author or a facilitator can give it words. Nothing was changed."))
    async with turn.db.transaction() as conn:
        round_ = await stored_rounds.get(conn, idea.round_id)
        require_stage(round_, Stage.IDEAS)
        on_paper = await _new_words(conn, turn, round_, idea, label)
    count_changed(turn.context.application, idea.round_id)
    answer = turn.t._("Voice idea {number} of round #{round} goes to the vote as: {label}", number=idea.number,
                      round=round_.number, label=turn.t.user_text(label))  # fmt: skip
    if on_paper:
        answer += "\n" + paper.ended_text(turn.t, round_, idea, on_paper, TallyReason.WORDS_CHANGED)
    await turn.reply(answer)
