"""The application's one error handler: log with context, tell the member something went wrong.

Domain errors never reach here (:mod:`handlers.common` answers them); this is for the
unexpected, so the bot keeps running and the member is not left wondering.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Update
from telegram.error import TelegramError

from bot import i18n
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.app import CoprodContext

log = logging.getLogger(__name__)

SOMETHING_WENT_WRONG = N_("Sorry, something went wrong on my side. Please try again in a moment.")


async def on_error(update: object, context: CoprodContext) -> None:
    chat_id = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "event=handler_error update_id=%s chat_id=%s error=%s",
        update_id,
        chat_id,
        type(context.error).__name__,
        exc_info=context.error,
    )
    if chat_id is None or isinstance(context.error, TelegramError):
        return
    t = i18n.translator(context.services.settings.language)
    try:
        await context.bot.send_message(chat_id, t._(SOMETHING_WENT_WRONG))
    except TelegramError:
        log.warning("event=error_notice_failed chat_id=%s", chat_id)
