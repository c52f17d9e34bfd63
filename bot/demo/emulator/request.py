"""In-process transport: python-telegram-bot's request layer wired straight to a FakeTelegram.

Handler tests build the real ``Application`` with :class:`EmulatorRequest`; every call
goes through PTB's serialisation and the emulator's validation, with no sockets.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot.demo.emulator.telegram import FakeTelegram


def call_parameters(request_data: RequestData | None) -> dict[str, Any]:
    """The call's parameters as Telegram receives them, uploads as ``(filename, bytes)``."""
    if request_data is None:
        return {}
    params: dict[str, Any] = json.loads(json.dumps(request_data.parameters))
    for name, (filename, content, *_mime) in (request_data.multipart_data or {}).items():
        params[name] = (filename, content)
    return params


class EmulatorRequest(BaseRequest):
    """A ``BaseRequest`` that records and answers every call from a :class:`FakeTelegram`."""

    def __init__(self, telegram: FakeTelegram) -> None:
        self.telegram = telegram

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        bot_method = url.rsplit("/", 1)[-1]
        answer = self.telegram.handle(bot_method, call_parameters(request_data))
        status = 200 if answer["ok"] else answer["error_code"]
        return status, json.dumps(answer).encode()
