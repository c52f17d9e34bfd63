"""Posting several messages in a row."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot, Message
from telegram.constants import MessageLimit

from bot.domain.ballots import pack_messages, visible_length


async def post_blocks(bot: Bot, chat_id: int, blocks: Sequence[str]) -> list[Message]:
    """Post lines as few messages as Telegram's length limit allows, in order."""
    return [
        await bot.send_message(chat_id, text)
        for text in pack_messages(blocks, MessageLimit.MAX_TEXT_LENGTH, visible_length)
    ]
