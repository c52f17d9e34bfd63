"""SPEC §2, §3 and §10 over real HTTP: the bot as ``python -m bot`` runs it, against the fake Bot API."""

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
