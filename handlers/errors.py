"""The application's one error handler: Telegram's refusals logged once, the rest with context.

Domain errors never reach here (:mod:`handlers.common` answers them). What does:

- ``Forbidden`` (a member blocked the bot, the bot was kicked), ``BadRequest`` (the message
  to reply to or edit is gone, the message is not modified) and ``ChatMigrated`` (the group
  became a supergroup; the migration update moves it): Telegram's final word on one call.
  Logged once as a warning, without a traceback; the bot carries on.
- ``RetryAfter``, timeouts and network errors still failing after the rate limiter's retries
  (:mod:`bot.runtime.retries`): logged once as a warning; telling the member would fail the same way.
- A busy database or a full disk (:mod:`bot.runtime.updates.faults`): not a bug and not
  final. The update is noted, so the inbox keeps it and applies it again after a pause.
- Anything else is a bug: logged with its traceback and the update's context, and the
  member is told something went wrong, so they are not left wondering.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.domain import i18n
from bot.domain.i18n import N_
from bot.runtime.application import CoprodContext
from bot.runtime.updates import faults
from handlers.common import private_language
from storage import StorageError, groups, members

log = logging.getLogger(__name__)

SOMETHING_WENT_WRONG = N_("Sorry, something went wrong on my side. Please try again in a moment.")


async def on_error(update: object, context: CoprodContext) -> None:
    error = context.error
    if faults.is_transient(error) and isinstance(update, Update):
        context.services.deferred.defer(update.update_id, error)  # the inbox logs it and retries
        return
    chat_id = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, (Forbidden, BadRequest, ChatMigrated)):
        log.warning(
            "event=telegram_refused update_id=%s chat_id=%s error=%s description=%r",
            update_id, chat_id, type(error).__name__, error.message,
        )  # fmt: skip
        return
    if isinstance(error, (RetryAfter, NetworkError)):
        log.warning(
            "event=telegram_unreachable update_id=%s chat_id=%s error=%s description=%r",
            update_id, chat_id, type(error).__name__, error.message,
        )  # fmt: skip
        return
    log.error(
        "event=handler_error update_id=%s chat_id=%s error=%s",
        update_id,
        chat_id,
        type(error).__name__,
        exc_info=error,
    )
    if chat_id is None or isinstance(error, TelegramError):
        return
    t = i18n.translator(await _reader_language(update, context))
    try:
        await context.bot.send_message(chat_id, t._(SOMETHING_WENT_WRONG))
    except TelegramError:
        log.warning("event=error_notice_failed chat_id=%s", chat_id)


async def _reader_language(update: Update, context: CoprodContext) -> str:
    """The group's language, or the member's own in private; the default if the database fails."""
    services = context.services
    chat, user = update.effective_chat, update.effective_user
    try:
        async with services.db.read() as conn:
            group = await groups.get_by_chat(conn, chat.id)
            member = await members.get(conn, user.id) if user is not None else None
    except StorageError:
        return services.config.language
    return group.language if group is not None else private_language(services, member, user)
