"""Sending texts longer than one message: as few messages as Telegram's length limit allows."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot, Message

from bot.domain.text_limits import MESSAGE_LENGTH, pack_messages, visible_length


async def post_blocks(bot: Bot, chat_id: int, blocks: Sequence[str]) -> list[Message]:
    """Post lines as few messages as Telegram's length limit allows, in order."""
    return [
        await bot.send_message(chat_id, text)
        for text in pack_messages(blocks, MESSAGE_LENGTH, visible_length)
    ]
