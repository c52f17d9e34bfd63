"""Choosing a language: ``/language`` in private, and the language buttons.

In a private chat the bot speaks the member's Telegram language when it has a catalog for
it; ``/language CODE`` (or a button) overrides that and is remembered. In a group the
language belongs to the group: the buttons under the welcome message let a facilitator
switch it, and ``/settings language`` does the same.
"""

from __future__ import annotations

from bot.domain import callbacks, i18n
from bot.domain.errors import DomainError, Quoted
from bot.domain.i18n import N_, Translator
from bot.flows.groups import language_keyboard, welcome_text
from bot.runtime.menu import Where
from handlers.common import Feature, Turn
from storage import groups as group_store
from storage import members

feature = Feature()


def _choices(t: Translator) -> str:
    """"English (en), Polski (pl), ...": how to write each language after /language.

    Each choice is direction-isolated so a list mixing scripts stays in order.
    """
    return t.list_of([t.user_text(f"{i18n.language_name(code)} ({code})") for code in i18n.available_languages()])


@feature.command("language", Where.ANYWHERE, menu=N_("Choose your language"), listed_in=Where.PRIVATE)
async def language_command(turn: Turn) -> None:
    t = turn.t
    if turn.group is not None:
        await turn.reply(
            t._(
                "This group reads me in {language}. Facilitators can change it with "
                "/settings language CODE. To choose your own language, send me /language in a private chat.",
                language=t.language_name(turn.group.language),
            )
        )
        return
    if not turn.args:
        await turn.reply(
            "\n".join(
                (
                    t._("I write to you in {language}.", language=t.language_name(t.language)),
                    t._("Choose a language below, or send /language CODE, for example /language pl."),
                )
            ),
            reply_markup=language_keyboard(),
        )
        return
    language = i18n.language_named(" ".join(turn.args))
    if language is None:
        raise DomainError(
            N_("I can't speak “{wanted}” yet. I can speak: {choices}. For example: /language pl"),
            wanted=Quoted(" ".join(turn.args)),
            choices=_choices(t),
        )
    async with turn.db.transaction() as conn:
        await members.set_language(conn, turn.user.id, language)
    await turn.reply(_chosen_text(language))


def _chosen_text(language: str) -> str:
    """The confirmation, already in the chosen language so the member sees it worked."""
    t = i18n.translator(language)
    return t._("Done: I will write to you in {language} from now on.", language=t.language_name(language))


@feature.button(callbacks.Action.LANGUAGE)
async def language_pressed(turn: Turn) -> None:
    query = turn.update.callback_query
    language = turn.pressed.args[0] if turn.pressed.args else ""
    if not i18n.is_supported(language):
        raise DomainError(N_("That language is not available any more. Send /language to see the choices."))
    if turn.group is None:
        async with turn.db.transaction() as conn:
            await members.set_language(conn, turn.user.id, language)
        await query.answer()
        await query.edit_message_text(_chosen_text(language))
        return
    await turn.require_facilitator()
    t = i18n.translator(language)
    name = t.language_name(language)
    if language == turn.group.language:
        await query.answer(t._("This group already reads me in {language}.", language=name))
        return
    async with turn.db.transaction() as conn:
        await group_store.update_settings(conn, turn.group.id, language=language)
    await query.answer(t._("From now on I speak {language} in this group.", language=name))
    await query.edit_message_text(welcome_text(t), reply_markup=language_keyboard())
