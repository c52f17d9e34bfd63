"""The domain keeps Telegram's limits as its own numbers; they must stay the Bot API's."""

from __future__ import annotations

from telegram.constants import MessageLimit, PollLimit

from bot.domain import text_limits


def test_the_limits_are_telegrams_as_python_telegram_bot_states_them():
    assert text_limits.MESSAGE_LENGTH == MessageLimit.MAX_TEXT_LENGTH
    assert text_limits.CAPTION_LENGTH == MessageLimit.CAPTION_LENGTH
    assert text_limits.POLL_QUESTION_LENGTH == PollLimit.MAX_QUESTION_LENGTH
    assert text_limits.POLL_OPTION_LENGTH == PollLimit.MAX_OPTION_LENGTH
    assert text_limits.POLL_OPTIONS == PollLimit.MAX_OPTION_NUMBER


def test_shorten_counts_telegrams_units_and_keeps_within_the_limit():
    assert text_limits.shorten("a  b\nc", 10) == "a b c"
    assert text_limits.shorten("😀" * 10, 9) == "😀" * 4 + "…"
    assert text_limits.telegram_length(text_limits.shorten("😀" * 10, 9)) == 9
