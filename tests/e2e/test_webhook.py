"""Webhook mode end to end: the emulator POSTs each update to the bot's own endpoint."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from telegram import Update

from bot.runtime.updates import inbox as inbox_module
from bot.runtime.updates.webhook import MAX_CONNECTIONS, SECRET_HEADER
from storage import TransientError
from tests.e2e.live import LiveBot, local_webhook

HELP = "Three ways to start"


@pytest.fixture
async def hooked(server, database, monkeypatch):
    monkeypatch.setattr("bot.runtime.retries.FIRST_BACKOFF", 0.01)
    bot = LiveBot(server, database, webhook=local_webhook())
    await bot.start()
    yield bot
    await bot.stop()


async def stored_and_applied(bot: LiveBot) -> tuple[int, int]:
    async with bot.app.services.db.read() as conn:
        row = await conn.fetch_one("SELECT (SELECT count(*) FROM inbox), (SELECT count(*) FROM processed_updates)")
    return row[0], row[1]


async def test_the_bot_sets_its_webhook_with_the_secret_every_update_type_and_its_connections(hooked):
    [params] = [params for name, params in hooked.telegram.calls if name == "setWebhook"]
    assert params["url"] == hooked.webhook.url
    assert params["secret_token"] == hooked.webhook.secret
    assert sorted(params["allowed_updates"]) == sorted(Update.ALL_TYPES)
    assert params["max_connections"] == MAX_CONNECTIONS
    assert not any(name == "getUpdates" for name, _ in hooked.telegram.calls)


async def test_a_member_is_answered_through_the_webhook(hooked):
    hooked.send(hooked.residents[0], "/help")
    await hooked.until(lambda telegram: any(HELP in text for text in telegram.texts(hooked.group.id)))
    await hooked.until_applied()
    assert [status for _, status in hooked.server.webhook.deliveries][-1] == 200


@pytest.mark.parametrize("secret", [None, "", "a-test-secret-of-thirty-two-charX", "A-TEST-SECRET-OF-THIRTY-TWO-CHARS"])
async def test_a_request_without_the_right_secret_gets_403_and_changes_nothing(hooked, secret):
    update = {"update_id": 999, "message": {"message_id": 1, "date": 0, "chat": {"id": hooked.group.id, "type": "group"},
                                            "from": {"id": 666, "is_bot": False, "first_name": "Mallory"}, "text": "/help"}}  # fmt: skip
    headers = {} if secret is None else {SECRET_HEADER: secret}
    async with httpx.AsyncClient() as http:
        answer = await http.post(hooked.webhook.url, json=update, headers=headers)
    assert answer.status_code == 403
    assert await stored_and_applied(hooked) == (0, 0)
    assert hooked.telegram.texts(hooked.group.id) == []


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"no": "update_id"}'])
async def test_a_body_that_is_no_update_gets_400_and_changes_nothing(hooked, body):
    async with httpx.AsyncClient() as http:
        answer = await http.post(hooked.webhook.url, content=body, headers={SECRET_HEADER: hooked.webhook.secret})
    assert answer.status_code == 400
    assert await stored_and_applied(hooked) == (0, 0)


async def test_telegram_is_answered_once_the_update_is_stored_without_waiting_for_its_handlers(server, database, monkeypatch):
    real_apply, release = inbox_module.Inbox._apply_one, asyncio.Event()

    async def held(self, update_id, update):  # the update is stored; its handlers wait
        await release.wait()
        return await real_apply(self, update_id, update)

    # Patched before the bot starts: its lanes keep the method they were given.
    monkeypatch.setattr(inbox_module.Inbox, "_apply_one", held)
    bot = LiveBot(server, database, webhook=local_webhook())
    await bot.start()
    try:
        bot.send(bot.residents[0], "/help")
        await bot.until(lambda telegram: any(status == 200 for _, status in bot.server.webhook.deliveries))
        assert await stored_and_applied(bot) == (1, 0)
    finally:
        release.set()
        await bot.stop()


async def test_an_update_is_stored_as_telegram_sent_it(hooked, monkeypatch):
    real_store, stored = inbox_module.stored.store, []

    async def noted(conn, rows, now):
        stored.extend(rows)
        return await real_store(conn, rows, now)

    monkeypatch.setattr(inbox_module.stored, "store", noted)
    update = {"update_id": 998, "message": {"text": "/help", "message_id": 1, "date": 0,
                                            "chat": {"type": "group", "id": hooked.group.id},
                                            "from": {"first_name": "Ann", "is_bot": False, "id": 667}}}  # fmt: skip
    sent = json.dumps(update, separators=(",", ":"))  # compact, as Telegram sends it
    async with httpx.AsyncClient() as http:
        answer = await http.post(hooked.webhook.url, content=sent.encode(),
                                 headers={SECRET_HEADER: hooked.webhook.secret, "Content-Type": "application/json"})
    assert answer.status_code == 200
    [(update_id, payload, _lane)] = stored
    assert (update_id, payload) == (998, sent)  # the very bytes: not parsed and serialised again


async def test_an_update_the_database_could_not_store_is_refused_and_comes_again(hooked, monkeypatch):
    real_store, failures = inbox_module.stored.store, []

    async def busy_once(conn, rows, now):
        if not failures:
            failures.append(rows)
            raise TransientError("database is locked")
        await real_store(conn, rows, now)

    monkeypatch.setattr(inbox_module.stored, "store", busy_once)
    hooked.send(hooked.residents[0], "/help")
    await hooked.until(lambda telegram: sum(HELP in text for text in telegram.texts(hooked.group.id)) == 1)
    await hooked.until_applied()
    statuses = [status for _, status in hooked.server.webhook.deliveries]
    assert statuses[:1] == [503] and statuses[-1] == 200


async def test_an_update_delivered_twice_is_applied_once(hooked):
    hooked.server.webhook.duplicate_every = 1
    hooked.send(hooked.residents[0], "/help")
    await hooked.until(lambda telegram: len(hooked.server.webhook.deliveries) >= 2 and not telegram.pending_updates)
    await hooked.until_applied()
    assert sum(HELP in text for text in hooked.telegram.texts(hooked.group.id)) == 1
    assert hooked.server.webhook.duplicates >= 1


async def test_healthz_answers_for_the_proxy(hooked):
    health = hooked.webhook.url.rsplit("/", 1)[0] + "/healthz"
    async with httpx.AsyncClient() as http:
        answer = await http.get(health)
    assert (answer.status_code, answer.text) == (200, "ok")


async def test_getupdates_is_refused_while_a_webhook_is_set(hooked):
    with pytest.raises(Exception, match="webhook is active"):
        await hooked.app.bot.get_updates()
