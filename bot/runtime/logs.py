"""Structured one-line logs that never contain the bot token.

Every line has the same fields, in order: UTC time, level, group (chat id), update id,
logger, then the event and its details as ``key=value`` pairs written by the caller
(``log.info("event=idea_added round=%s", number)``). The group and update id come from
:func:`update_context`, which the application enters around each update, so handlers do
not repeat them. Personal text (ideas, names, messages) is logged at DEBUG only.

httpx logs every request URL, and the Bot API puts the token in the URL, so the token is
scrubbed from the final text of every record (message and traceback alike), whatever
logger produced it; httpx's own request lines are also silenced below WARNING.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
import time
from collections.abc import Iterator
from typing import TextIO

_FORMAT = (
    "%(asctime)s level=%(levelname)s group=%(group)s update=%(update_id)s "
    "logger=%(name)s %(message)s"
)
_NONE = "-"
_group: contextvars.ContextVar[object] = contextvars.ContextVar("log_group", default=_NONE)
_update_id: contextvars.ContextVar[object] = contextvars.ContextVar("log_update_id", default=_NONE)


@contextlib.contextmanager
def update_context(update: object) -> Iterator[None]:
    """Tag every line logged while ``update`` is handled with its group and update id."""
    update_id = getattr(update, "update_id", None)
    chat = getattr(update, "effective_chat", None)
    group_token = _group.set(chat.id if chat is not None else _NONE)
    update_token = _update_id.set(_NONE if update_id is None else update_id)
    try:
        yield
    finally:
        _update_id.reset(update_token)
        _group.reset(group_token)


class _ContextFilter(logging.Filter):
    """Adds the current group and update id to each record (``-`` outside an update)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.group = _group.get()
        record.update_id = _update_id.get()
        return True


class ScrubbingFormatter(logging.Formatter):
    converter = time.gmtime

    def __init__(self, secrets: list[str]) -> None:
        super().__init__(_FORMAT, datefmt="%Y-%m-%dT%H:%M:%SZ")
        self._secrets = [secret for secret in secrets if secret]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "[token]")
        return text.replace("\n", " | ")


def configure(level: str, secrets: list[str], stream: TextIO = sys.stderr) -> logging.Handler:
    """Every record as one line on ``stream``, with each of ``secrets`` (the token, and any
    other credential the configuration holds) replaced by ``[token]``."""
    if isinstance(secrets, str):  # one token passed as it is would make each of its characters a secret
        raise TypeError("configure() takes a list of secrets")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(ScrubbingFormatter(secrets))
    handler.addFilter(_ContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return handler
