"""``python -m benchmarks.bare_bot URL COUNT``: the baseline of figure 1.

A bare python-telegram-bot ``Application`` long-polling the fake Bot API at ``URL`` and
answering every update with one ``sendMessage``. It prints the wall-clock time
(``time.time()``) after its first answer (the warm-up) and after ``COUNT`` more, then
polls on until SIGTERM.
"""

from __future__ import annotations

import sys
import time

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

TOKEN = "123456:benchmark-token-for-the-emulator-only"


def main(argv: list[str] | None = None) -> int:
    url, count = (argv or sys.argv[1:])[:2]
    marks = {1, 1 + int(count)}
    answered = 0

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        nonlocal answered
        await context.bot.send_message(update.effective_chat.id, "ok")
        answered += 1
        if answered in marks:
            print(time.time(), flush=True)

    app = ApplicationBuilder().token(TOKEN).base_url(url).build()
    app.add_handler(MessageHandler(filters.ALL, answer))
    app.run_polling(allowed_updates=Update.ALL_TYPES, timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
