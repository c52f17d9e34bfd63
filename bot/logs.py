"""Structured one-line logs that never contain the bot token.

httpx logs every request URL, and the Bot API puts the token in the URL, so the token is
scrubbed from the final text of every record (message and traceback alike), whatever
logger produced it; httpx's own request lines are also silenced below WARNING.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

_FORMAT = "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"


class ScrubbingFormatter(logging.Formatter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__(_FORMAT)
        self._secrets = [secret for secret in secrets if secret]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "[token]")
        return text.replace("\n", " | ")


def configure(level: str, token: str, stream: TextIO = sys.stderr) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(ScrubbingFormatter([token]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return handler
