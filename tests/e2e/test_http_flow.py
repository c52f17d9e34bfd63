"""§3 and §10 over real HTTP: the bot as ``python -m bot`` runs it, against the fake Bot API."""

from __future__ import annotations

from storage import members


async def test_bot_added_over_http_says_hello_and_answers_help(live):
    live.add_bot()
    await live.until_sent(1)
    assert "Three ways to start" in live.texts()[0]

    live.send(live.residents[0], "/help")
    await live.until_sent(2)
    assert "Three ways to start" in live.texts()[1]
    async with live.app.services.db.read() as conn:
        assert await members.get(conn, live.residents[0].id) is not None


def said(live, words: str):
    return lambda telegram: any(words in text for text in telegram.texts(live.group.id))


async def test_a_whole_round_over_http(live):
    live.add_bot()
    await live.until_sent(1)
    live.send(live.facilitator, "/round 2d 1d What should we do to brighten up Chapel Street?")
    await live.until(lambda telegram: len(telegram.sent()) == 2)
    [prompt] = [key[1] for key, message in live.telegram.messages.items()
                if message["from"]["id"] == live.telegram.bot.id and "brighten" in message.get("text", "")]  # fmt: skip
    ideas = ["Fix the bench", "Plant <b>bulbs</b> & wildflowers", "A monthly litter pick"]
    for resident, idea in zip(live.residents, ideas, strict=False):
        live.send(resident, idea, reply_to=prompt)
    await live.until_applied()

    live.send(live.facilitator, "/vote")
    await live.until(lambda telegram: len(telegram.polls) == 1)
    [poll_id] = live.telegram.polls
    for resident, choice in zip(live.residents, ([0, 1], [1], [1, 2], [2]), strict=True):
        live.server.act(lambda telegram, resident=resident, choice=choice: telegram.vote_updates(resident, poll_id, choice))
    await live.until_applied()

    live.send(live.facilitator, "/close now")
    await live.until(said(live, "4 neighbours voted."))
    results = [text for text in live.texts() if "4 neighbours voted." in text][0]
    assert "1st · idea 2 · \u2068Plant <b>bulbs</b> & wildflowers\u2069 — 3 votes, 75%" in results
    assert live.telegram.polls[poll_id]["is_closed"] is True
    await live.until_sent(1, "sendPhoto")
    [chart] = live.telegram.files
    assert chart.method == "sendPhoto" and chart.size > 1000  # the image itself came over multipart


async def test_the_inbox_stores_each_update_as_telegram_sent_it(live, monkeypatch):
    """Serialising the parsed update again (to_dict) cost about as much as handling it: the
    polling source hands the inbox the JSON of the getUpdates answer itself."""
    import json

    from telegram import Update

    from bot.runtime.updates import inbox

    stored: list[str] = []
    store = inbox.stored.store

    async def noting_store(conn, rows, now):
        rows = list(rows)
        stored.extend(payload for _update_id, payload, _lane in rows)
        await store(conn, rows, now)

    def never(_update):
        raise AssertionError("an update was serialised again")

    monkeypatch.setattr(inbox.stored, "store", noting_store)
    monkeypatch.setattr(Update, "to_dict", never)
    live.add_bot()
    sent = live.server.act(lambda telegram: telegram.message_update(live.group, live.residents[0], "/help"))
    await live.until_sent(2)
    assert json.loads(stored[-1]) == json.loads(json.dumps(sent))
