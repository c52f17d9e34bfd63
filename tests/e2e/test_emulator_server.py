"""The fake Bot API over HTTP answers exactly as the in-process emulator does."""

from __future__ import annotations

import json
import threading
from importlib import resources
from pathlib import Path

import httpx
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    ReplyParameters,
)

from bot.demo.emulator.request import EmulatorRequest
from bot.demo.emulator.server import EmulatorClient, EmulatorServer, decode_body
from bot.demo.emulator.spec import trim
from bot.demo.emulator.telegram import FakeTelegram
from tests.support.harness import TOKEN, reference_spec


def test_form_fields_are_json_unless_the_reference_says_plain_string():
    spec, form = reference_spec(), "application/x-www-form-urlencoded"
    body = b"chat_id=-100&text=123&parse_mode=HTML&reply_parameters=%7B%22message_id%22%3A1%7D"
    assert decode_body(spec, "sendMessage", form, body) == {
        "chat_id": -100, "text": "123", "parse_mode": "HTML", "reply_parameters": {"message_id": 1}
    }  # fmt: skip
    assert decode_body(spec, "sendMessage", form, b"chat_id=%40channel&text=true") == {
        "chat_id": "@channel", "text": "true"
    }  # fmt: skip


async def test_calls_over_http_reach_the_emulator_as_they_do_in_process(server):
    in_process = FakeTelegram(reference_spec())
    for telegram in (server.telegram, in_process):
        telegram.person(101, "Fatima")
        telegram.group(-1001234, "Chapel Street", owner=telegram.people[101])
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Support ✋", callback_data="v1:support:3")]])
    for bot in (Bot(TOKEN, base_url=server.url), Bot(TOKEN, request=EmulatorRequest(in_process))):
        async with bot:
            await bot.send_message(-1001234, "123", parse_mode="HTML", reply_markup=keyboard,
                                   reply_parameters=ReplyParameters(1, allow_sending_without_reply=True))  # fmt: skip
            await bot.send_photo(-1001234, InputFile(b"\x89PNG fake", filename="chart.png"), caption="<b>Results</b>")
            await bot.send_poll(-1001234, "Which?", ["A", "B"], allows_multiple_answers=True)
    over_http = [call for call in server.telegram.calls if call[0] != "getMe"]
    assert over_http == [call for call in in_process.calls if call[0] != "getMe"]
    assert server.telegram.files[0].size == len(b"\x89PNG fake")


def test_long_poll_returns_as_soon_as_an_update_arrives(server):
    person = server.telegram.person(201, "Ben")
    answers = []
    poll = threading.Thread(
        target=lambda: answers.append(httpx.post(f"{server.url}{TOKEN}/getUpdates", data={"timeout": "20"}, timeout=30))
    )
    poll.start()
    assert server.wait_for(lambda: any(name == "getUpdates" for name, _ in server.telegram.calls), timeout=10)
    server.act(lambda telegram: telegram.message_update(telegram.private_chat(person), person, "hello"))
    poll.join(timeout=10)
    [update] = answers[0].json()["result"]
    assert update["message"]["text"] == "hello"


def test_people_act_through_the_control_api(server: EmulatorServer):
    with EmulatorClient(server.control_url) as telegram:
        telegram.person(user_id=101, first_name="Fatima")
        telegram.group(chat_id=-1001234, title="Chapel Street", owner=101)
        ids = telegram.messages(burst=[{"chat_id": -1001234, "sender": 101, "text": f"idea {n}"} for n in range(3)])
        assert ids == [1, 2, 3]
        assert telegram.pending() == 3
        telegram.inject(method="sendMessage", status=403, description="Forbidden: bot was kicked")
    assert [update["message"]["text"] for update in server.telegram.pending_updates] == ["idea 0", "idea 1", "idea 2"]
    answer = httpx.post(f"{server.url}{TOKEN}/sendMessage", json={"chat_id": -1001234, "text": "hi"}).json()
    assert answer == {"ok": False, "error_code": 403, "description": "Forbidden: bot was kicked"}


OFFICIAL_REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "telegram-bot-api" / "api.json"


@pytest.mark.skipif(not OFFICIAL_REFERENCE.is_file(), reason="the official Bot API reference is not beside this checkout")
def test_the_shipped_reference_is_the_official_one_trimmed():
    shipped = json.loads(resources.files("bot.demo.emulator").joinpath("bot_api.json").read_text("utf-8"))
    assert trim(json.loads(OFFICIAL_REFERENCE.read_text("utf-8"))) == shipped
