"""One structured line per record, tagged with its group and update, never the token."""

from __future__ import annotations

import io
import logging
import re

import pytest

from bot.runtime import logs
from tests.support.harness import TOKEN

LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ level=(?P<level>\w+) group=(?P<group>\S+) "
    r"update=(?P<update>\S+) logger=(?P<logger>\S+) (?P<event>.+)$"
)


@pytest.fixture
def stream():
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    buffer = io.StringIO()
    logs.configure("DEBUG", [TOKEN], buffer)
    yield buffer
    root.handlers[:], level = saved
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


class _Chat:
    id = -1001234


class _Update:
    update_id = 42
    effective_chat = _Chat()


def test_a_line_has_time_level_group_update_and_event(stream):
    with logs.update_context(_Update()):
        logging.getLogger("handlers.rounds").info("event=round_opened round=3")
    match = LINE.match(lines(stream)[0])
    assert match is not None
    assert match["level"] == "INFO" and match["group"] == "-1001234" and match["update"] == "42"
    assert match["event"] == "event=round_opened round=3"


def test_lines_outside_an_update_say_so_with_a_dash(stream):
    with logs.update_context(_Update()):
        pass
    logging.getLogger("bot.runtime.deadlines").warning("event=deadline_without_action kind=x")
    match = LINE.match(lines(stream)[0])
    assert match is not None and match["group"] == "-" and match["update"] == "-"


def test_token_is_scrubbed_from_request_urls_and_tracebacks_at_every_level(stream):
    logging.getLogger("httpx").warning("HTTP Request: POST https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"failed calling https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError:
        logging.getLogger("telegram.ext").debug("event=network_error", exc_info=True)
    text = stream.getvalue()
    assert TOKEN not in text and "[token]" in text
    assert all(LINE.match(line) for line in lines(stream))


def test_a_traceback_stays_on_one_line(stream):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("handlers.errors").error("event=handler_error", exc_info=True)
    assert len(lines(stream)) == 1 and "ValueError: boom" in lines(stream)[0]


def test_httpx_request_lines_are_silenced_below_warning(stream):
    logging.getLogger("httpx").info("HTTP Request: POST https://example/getUpdates")
    assert stream.getvalue() == ""
