"""The wrapper every handler goes through: one :class:`Turn` per update.

A turn knows the chat, the group record (created on first sight), the member, the
reader's :class:`~bot.domain.i18n.Translator` and the time. Each handler module declares its
handlers on a :class:`Feature`, whose decorators build the turn, enforce where a command may
be used, and turn a :class:`~bot.domain.errors.DomainError` into a short translated answer:
a reply for messages, an ``answerCallbackQuery`` text for buttons. Nothing else in
``handlers/`` catches them.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ChatType
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler
from telegram.ext.filters import BaseFilter

from bot.domain import callbacks, i18n, when
from bot.domain.errors import DomainError, Phrase, Quoted
from bot.domain.i18n import N_, Translator
from bot.domain.member_text import clean_name
from bot.domain.numbers import parse_number
from bot.domain.pages import page_of
from bot.domain.records import Choice, Group, Member, Source
from bot.domain.rounds import Round
from bot.domain.text_limits import MESSAGE_LENGTH, shorten, visible_length
from bot.flows import summaries
from bot.runtime import outbound, refusals, roles
from bot.runtime.application import CoprodContext
from bot.runtime.menu import LISTING, Listing, Where
from bot.runtime.services import Services
from storage import Connection, Database, groups, held, members, notices
from storage import rounds as stored_rounds


@dataclass(frozen=True, slots=True)
class Said:
    """A command carried out for a button press: the command as the pressed button wrote it
    out, and the message that first sent it (what it writes is keyed on that message)."""

    text: str
    source: Source


class Turn:
    """One update being handled: who, where, in which language, and when."""

    def __init__(
        self, update: Update, context: CoprodContext, group: Group | None, t: Translator, said: Said | None = None
    ) -> None:
        self.update = update
        self.context = context
        self.group = group
        self.t = t
        self.said = said
        self.now: dt.datetime = context.services.clock.now()

    @property
    def services(self) -> Services:
        return self.context.services

    @property
    def db(self) -> Database:
        return self.context.services.db

    @property
    def chat(self) -> Chat:
        return self.update.effective_chat

    @property
    def user(self) -> User | None:
        return self.update.effective_user

    @property
    def message(self) -> Message | None:
        return self.update.effective_message

    @property
    def source(self) -> Source:
        """This update's message: what a command writes is keyed on it, so a replay writes nothing."""
        if self.said is not None:
            return self.said.source
        return Source(self.chat.id, self.message.message_id)

    @property
    def text(self) -> str:
        """The command as written: the message's text, or as a pressed answer wrote it out."""
        if self.said is not None:
            return self.said.text
        return (self.message.text if self.message is not None else None) or ""

    @property
    def pressed(self) -> callbacks.Callback:
        """The button pressed; :meth:`Feature.button` answers data that does not parse before a handler runs."""
        return callbacks.parse(self.update.callback_query.data)

    @property
    def args(self) -> list[str]:
        if self.said is not None:
            return self.said.text.split()[1:]
        return list(self.context.args or [])

    @property
    def person(self) -> User | None:
        """The member acting; None for a message posted as the group or a channel, or by a
        bot: those have no account of their own to credit or to hold to a choice."""
        posted_as_chat = self.update.callback_query is None and self.message.sender_chat is not None
        if posted_as_chat or self.user is None or self.user.is_bot:
            return None
        return self.user

    @property
    def person_id(self) -> int | None:
        return self.person.id if self.person is not None else None

    def require_person(self) -> User:
        """The member acting, for what must be somebody's own (their time, their data)."""
        if self.person is None:
            raise DomainError(N_("Please do this from your own account, so the time is yours."))
        return self.person

    @property
    def in_group(self) -> bool:
        return self.chat is not None and self.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)

    async def is_facilitator(self) -> bool:
        """Chat administrators, and anyone posting as the group itself (anonymous admins)."""
        if not self.in_group:
            return False
        message = self.update.message
        if message is not None and message.sender_chat and message.sender_chat.id == self.chat.id:
            return True
        if self.user is None:
            return False
        return self.user.id in await roles.admins_of(self.context.bot, self.services.admins, self.chat.id)

    async def require_facilitator(self) -> None:
        if not await self.is_facilitator():
            raise DomainError(
                N_("Sorry, only the group's facilitators (its admins) can do that. Nothing was changed.")
            )

    async def reply(self, text: str, **kwargs: Any) -> Message:
        """Answer in the same chat, as a reply when there is a message to reply to."""
        message = self.update.effective_message
        if message is not None and "reply_parameters" not in kwargs:
            kwargs["reply_parameters"] = ReplyParameters(
                message_id=message.message_id, allow_sending_without_reply=True
            )
        return await self.context.bot.send_message(self.chat.id, text, **kwargs)

    async def say(self, text: str, **kwargs: Any) -> Message:
        """Post in the chat without replying to anyone (announcements, prompts)."""
        return await self.context.bot.send_message(self.chat.id, text, **kwargs)

    def error_text(self, error: DomainError) -> str:
        """The refusal in the reader's language. What the member wrote (:class:`Quoted`) is
        shortened to :data:`QUOTED_LIMIT` characters, so the answer always fits in one
        message, and direction-isolated (:meth:`Translator.user_text`), so an Arabic word
        stays in place inside an English refusal; the bot's own words are only escaped."""
        params = {key: self._shown(value) for key, value in error.params.items()}
        return self.t._(error.message, **params)

    def _shown(self, value: object) -> object:
        if isinstance(value, Quoted):
            return self.t.user_text(shorten(value, QUOTED_LIMIT))
        if isinstance(value, dt.timedelta):
            return self.t.period(value)
        if isinstance(value, dt.datetime):
            return self.t.when(value, self.timezone, now=self.now)
        if isinstance(value, Phrase):
            return value.words(self.t)
        return html.escape(value, quote=False) if isinstance(value, str) else value

    @property
    def timezone(self) -> str:
        """The group's time zone, or the bot's default in a private chat."""
        return self.group.timezone if self.group is not None else self.services.config.timezone

    def reader(self, *, day_time: dt.time = when.DAY_TIME) -> when.Reader:
        """Reads lengths and moments as this group writes them, from now."""
        return when.Reader(self.t, self.timezone, self.now, day_time=day_time)


QUOTED_LIMIT = 100


class AskWhich(Exception):
    """A command that could mean several things: the sender picks one with buttons, each
    the command written out in full (:func:`ask`). ``question`` is a message id."""

    def __init__(self, question: str, choices: Sequence[Choice], /, **params: Any) -> None:
        super().__init__(question)
        self.question = question
        self.choices = tuple(choices)
        self.params = params


async def remember(conn: Connection, user: User, *, now: dt.datetime, group_id: int | None) -> None:
    """Record a Telegram user as a member (of ``group_id``), with their name and language."""
    await members.seen(
        conn,
        user_id=user.id,
        first_name=clean_name(user.first_name),
        last_name=clean_name(user.last_name),
        username=user.username,
        language_code=user.language_code,
        now=now,
        group_id=group_id,
    )


async def _open_turn(update: Update, context: CoprodContext) -> Turn:
    """Record the chat and the member, and pick the reader's language.

    The group row is read on every update (its settings may have changed); the write
    transaction runs only when something is new or changed (a new group, a new title, a
    member not seen with these details lately: see :class:`storage.members.Sightings`).
    """
    services = context.services
    chat, user = update.effective_chat, update.effective_user
    now = services.clock.now()
    in_group = chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
    person = user if user is not None and not user.is_bot else None
    profile = (person.first_name, person.last_name, person.username, person.language_code) if person else ()
    group: Group | None = None
    if in_group:
        async with services.db.read() as conn:
            group = await groups.get_by_chat(conn, chat.id)
    created = False
    if _bookkeeping_needed(services, chat if in_group else None, group, person, profile, now):
        async with services.db.transaction() as conn:
            if in_group:
                group, created = await groups.ensure(
                    conn,
                    chat.id,
                    title=chat.title or "",
                    language=services.config.language,
                    timezone=services.config.timezone,
                    now=now,
                )
            if person is not None:
                await remember(conn, person, now=now, group_id=group.id if group else None)
        if person is not None:
            services.sightings.written(person.id, profile, group.id if group else None, now)
    if group is not None and created:
        await summaries.group_joined(context.application, group.id)
    if group is not None:
        return Turn(update, context, group, i18n.translator(group.language))
    member = None
    if person is not None:
        async with services.db.read() as conn:
            member = await members.get(conn, person.id)
        if chat is not None and chat.type == ChatType.PRIVATE and member is not None and not member.reachable:
            async with services.db.transaction() as conn:  # the bot may write to them from now on
                await notices.mark_private(conn, person.id, now)
    return Turn(update, context, group, i18n.translator(private_language(services, member, user)))


def private_language(services: Services, member: Member | None, user: User | None) -> str:
    """The language of a chat with one member: the one they chose, else their Telegram app's
    (if the bot speaks it), else the default."""
    override = member.language_override if member is not None else None
    return i18n.chosen_language(override, user.language_code if user else None, services.config.language)


def _bookkeeping_needed(
    services: Services, group_chat: Chat | None, group: Group | None, person: User | None,
    profile: tuple[object, ...], now: dt.datetime,
) -> bool:  # fmt: skip
    """Whether the turn's member/group transaction would change anything (``group_chat``:
    the chat if it is a group)."""
    if group_chat is not None and (group is None or (group_chat.title and group_chat.title != group.title)):
        return True
    return person is not None and not services.sightings.unchanged(
        person.id, profile, group.id if group else None, now
    )


Handler = Callable[[Turn], Awaitable[None]]
Callback = Callable[[Update, "CoprodContext"], Awaitable[None]]
PTBHandler = BaseHandler[Update, CoprodContext, None]


def _in_turn(handler: Handler, where: Where) -> Callback:
    """A message handler run in a turn: where it works, and domain errors as replies."""

    @functools.wraps(handler)
    async def callback(update: Update, context: CoprodContext) -> None:
        if update.effective_chat is None or update.effective_message is None:
            return
        turn = await _open_turn(update, context)
        try:
            await _check_where(turn, where)
            await run_asking(turn, handler)
        except DomainError as error:
            await _refuse(turn, error)

    return callback


async def run_asking(turn: Turn, handler: Handler) -> None:
    """Run a command; when it could mean several moments or things, ask its sender which."""
    try:
        await handler(turn)
    except when.Ambiguous as unclear:
        await ask(turn, _moment_question(turn, unclear))
    except AskWhich as question:
        await ask(turn, question)


def _moment_question(turn: Turn, unclear: when.Ambiguous) -> AskWhich:
    """"Which do you mean by “Friday”?": a button per moment, each the command with the moment
    written out in full in its place."""
    full = turn.text
    offset = full.rfind(unclear.text)
    if offset < 0:
        raise DomainError(N_("Please write the moment in full, for example 2026-12-12 18:00."))
    start, end = offset + unclear.where[0], offset + unclear.where[1]
    choices = [
        Choice(turn.t.when(moment, turn.timezone, now=turn.now),
               full[:start] + when.written(moment, turn.timezone) + full[end:])
        for moment in unclear.candidates
    ]
    return AskWhich(N_("Which do you mean by “{value}”?"), choices, value=Quoted(full[start:end]))


async def ask(turn: Turn, question: AskWhich) -> None:
    """Keep the command and post the question with a button per choice."""
    text = turn.error_text(DomainError(question.question, **question.params))
    async with turn.db.transaction() as conn:
        kept = await held.hold(conn, turn.source, member_id=turn.person_id, command=turn.text, question=text,
                               choices=question.choices, now=turn.now)  # fmt: skip
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(choice.label, callback_data=callbacks.encode(callbacks.Action.WHICH, kept.id, index))]
         for index, choice in enumerate(kept.choices)]
    )  # fmt: skip
    await turn.reply(text, reply_markup=keyboard)


async def _refuse(turn: Turn, error: DomainError) -> None:
    """Answer a refusal, as a hint below real messages; the same refusal to the same member
    within a minute gets a reaction instead (:mod:`bot.runtime.refusals`)."""
    text = turn.error_text(error)
    member_id = turn.user.id if turn.user is not None else None
    said = _what_was_said(turn.message)
    if turn.services.refusals.answer_now(turn.chat.id, member_id, said, text, turn.now):
        with outbound.sending_as(outbound.Priority.HINT):
            await turn.reply(text)
        return
    await turn.services.acknowledgements.react(
        turn.context.bot, turn.chat.id, turn.message.message_id, turn.now, emoji=refusals.REACTION
    )


def _command_word(message: Message) -> str:
    """``/ideas`` of ``/ideas@coprod_bot 3``; empty for a message that is no command."""
    words = (message.text or "").split(maxsplit=1)
    return words[0].split("@", 1)[0].lower() if words and words[0].startswith("/") else ""


def _what_was_said(message: Message) -> str:
    """The message as a repeat is recognised: ``/ideas 3`` of ``/ideas@coprod_bot   3``
    (the command word lowercased, without the bot's name, the spacing evened out)."""
    words = (message.text or message.caption or "").split()
    if words and words[0].startswith("/"):
        words[0] = words[0].split("@", 1)[0].lower()
    return " ".join(words)


def _pressed(handler: Handler) -> Callback:
    """A callback-query handler run in a turn, domain errors as a short toast."""

    @functools.wraps(handler)
    async def callback(update: Update, context: CoprodContext) -> None:
        query: CallbackQuery | None = update.callback_query
        if query is None:
            return
        if callbacks.parse(query.data) is None:
            # PTB hands a query without data to every pattern; a forged one gets no answer but this.
            await query.answer()
            return
        turn = await _open_turn(update, context)
        try:
            await handler(turn)
        except DomainError as error:
            await query.answer(turn.error_text(error))

    return callback


class Feature:
    """The handlers of one feature module, each declared by a decorator on the function it runs.

    A declaration is the whole of a handler: a command's word, where it works, its line in
    the command menu and any filter that tells it from another handler. The application
    installs each feature's handlers in the order they are declared, feature after feature
    in ``handlers.FEATURES``; in PTB's handler group 0 the first match wins, and the command
    menu lists the commands in that order too, so a declaration's place in its module counts.
    """

    def __init__(self) -> None:
        self.handlers: list[PTBHandler] = []

    def command(
        self, word: str, where: Where, *, menu: str | None = None, facilitator: bool = False,
        listed_in: Where | None = None, filters: BaseFilter | None = None,
    ) -> Callable[[Handler], Callback]:  # fmt: skip
        """``/word``, answered in a turn that checks it is used ``where`` it works.

        ``menu`` is the command's line in Telegram's command menu (a message id), shown where
        it works (or only ``listed_in``), and ``facilitator=True`` keeps it in the admins' menu
        (the handler itself checks the role); a command without ``menu`` is not listed.
        ``filters`` narrows the messages it takes (new ones only, not edits; one kind of chat
        when two commands share the word).
        """

        def declare(handler: Handler) -> Callback:
            callback = _in_turn(handler, where)
            if menu is not None:
                setattr(callback, LISTING, Listing(menu, listed_in or where, facilitator))
            return self._add(CommandHandler(word, callback, filters=filters))

        return declare

    def message(self, where: Where, filters: BaseFilter) -> Callable[[Handler], Callback]:
        """Messages that are no command (a reply to a prompt, an edit), answered in a turn."""
        return lambda handler: self._add(MessageHandler(filters, _in_turn(handler, where)))

    def button(self, action: callbacks.Action) -> Callable[[Handler], Callback]:
        """The buttons made with ``callbacks.encode(action, ...)``, answered in a turn."""
        pattern = callbacks.pattern(action)
        return lambda handler: self._add(CallbackQueryHandler(_pressed(handler), pattern=pattern))

    def on(self, kind: Callable[..., PTBHandler], **options: Any) -> Callable[[Callback], Callback]:
        """Updates nobody is answered for, as PTB hands them over, without a turn (a poll's
        counts, a membership change, a migration): ``kind`` is PTB's handler class and
        ``options`` its arguments besides the callback."""
        return lambda callback: self._add(kind(callback=callback, **options))

    def install(self, app: Application) -> None:
        app.add_handlers(self.handlers)

    def _add(self, handler: PTBHandler) -> Callback:
        self.handlers.append(handler)
        return handler.callback


async def _check_where(turn: Turn, where: Where) -> None:
    if where is Where.GROUP and not turn.in_group:
        titles = await _groups_of(turn)
        if titles:
            raise DomainError(
                N_("{command} works in your group chat ({groups}): send it there, and I will answer in the group."),
                command=_command_word(turn.message) or "/", groups=Quoted(", ".join(titles)),
            )  # fmt: skip
        raise DomainError(N_("This command works in a group chat. Add me to your group and use it there."))
    if where is Where.PRIVATE and turn.in_group:
        raise DomainError(
            N_("For your privacy this works only in a private chat with me. Open a chat with @{bot} and send it there."),
            bot=turn.context.bot.username,
        )


async def _groups_of(turn: Turn) -> list[str]:
    """The titles of the active groups the member shares with the bot."""
    if turn.person_id is None:
        return []
    async with turn.db.read() as conn:
        found = [await groups.get(conn, group_id) for group_id in await members.group_ids(conn, turn.person_id)]
    return [group.title for group in found if group.active and group.title]


def command_text(turn: Turn) -> str:
    """What follows the command word, with the member's own spacing and line breaks."""
    parts = turn.text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


def round_number(text: str) -> int:
    """``3`` or ``#3``: the number of a round as people write it."""
    number = parse_number(text)
    if number is None:
        raise DomainError(N_("“{value}” is not a round number. Write it like 3."), value=Quoted(text))
    return number


async def round_and_rest(turn: Turn, usage: str) -> tuple[Round, str]:
    """Round N named by the command's first word (``/edit 3 …``), and what follows it;
    ``usage`` is the answer when no number is given."""
    parts = command_text(turn).split(maxsplit=1)
    if not parts:
        raise DomainError(usage)
    return await numbered_round(turn, round_number(parts[0])), parts[1] if len(parts) > 1 else ""


async def numbered_round(turn: Turn, number: int) -> Round:
    async with turn.db.read() as conn:
        found = await stored_rounds.by_number(conn, turn.group.id, number)
    if found is None:
        raise DomainError(N_("There is no round #{number} in this group."), number=number)
    return found


async def reply_listing(turn: Turn, blocks: Sequence[str], page: int, command_for: Callable[[int], str]) -> None:
    """Answer with page ``page`` of a listing: at most three messages, the last one telling
    how to ask for the next page (``command_for(2)`` is e.g. ``/ideas 3 page 2``)."""
    def next_hint(number: int) -> str:
        return turn.t._("More on the next page: {command}", command=command_for(number))

    messages = page_of(
        blocks, page, limit=MESSAGE_LENGTH, measure=visible_length,
        next_hint=next_hint, example=command_for(2),
    )  # fmt: skip
    for text in messages:
        await turn.reply(text)


BUTTON_QUESTION_LENGTH = 40


def idea_text(message: Message) -> str | None:
    """The idea in a message: its text (without a leading /idea) or a photo's caption."""
    if message.text is None:
        return message.caption
    if message.text.startswith("/"):
        parts = message.text.split(maxsplit=1)
        return parts[1] if len(parts) > 1 else ""
    return message.text


def round_label(t: Translator, round_: Round) -> str:
    """A button naming a round: its number and the start of its question (plain text)."""
    return t._("#{number}: {question}", number=round_.number, question=shorten(round_.question, BUTTON_QUESTION_LENGTH))


# ------------------------------------------------------------------ answers to the bot's questions

questions = Feature()

STALE_QUESTION = N_("That question is out of date. Please send the command again.")


@questions.button(callbacks.Action.WHICH)
async def choice_pressed(turn: Turn) -> None:
    """The sender chose: carry out the command as the pressed button wrote it out, once."""
    query = turn.update.callback_query
    held_id, index = turn.pressed.int_arg(0), turn.pressed.int_arg(1)
    async with turn.db.read() as conn:
        kept = await held.get(conn, held_id) if held_id is not None else None
    if kept is None or kept.chat_id != turn.chat.id or index is None or not 0 <= index < len(kept.choices):
        raise DomainError(STALE_QUESTION)
    if kept.member_id is None:
        await turn.require_facilitator()
    elif turn.user is None or turn.user.id != kept.member_id:
        raise DomainError(N_("Only the person who sent the command can answer this."))
    handler = _command_handler(turn.context.application, kept.command)
    if handler is None:
        raise DomainError(STALE_QUESTION)
    async with turn.db.transaction() as conn:
        if not await held.answer(conn, kept.id, turn.now):
            raise DomainError(N_("This was already answered."))
    choice = kept.choices[index]
    await query.answer()
    await query.edit_message_text(f"{kept.question}\n✓ {html.escape(choice.label, quote=False)}", reply_markup=None)
    said = Turn(turn.update, turn.context, turn.group, turn.t, Said(choice.command, Source(kept.chat_id, kept.message_id)))
    try:
        await run_asking(said, handler)
    except DomainError as error:
        with outbound.sending_as(outbound.Priority.HINT):
            await said.reply(said.error_text(error))


def _command_handler(app: Application, command: str) -> Handler | None:
    """The handler a command word is answered by (the function its declaration wraps)."""
    word = command.split(maxsplit=1)[0].lstrip("/").split("@", 1)[0].lower() if command.strip() else ""
    for group in sorted(app.handlers):
        for registered in app.handlers[group]:
            if isinstance(registered, CommandHandler) and word in registered.commands:
                return getattr(registered.callback, "__wrapped__", None)
    return None
