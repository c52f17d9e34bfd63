"""After /forgetme answers, no file of the database holds the member's name: the real bot,
its durable inbox and its send journal, over loopback HTTP, searched while it still runs."""

from __future__ import annotations

from pathlib import Path

from bot.domain import callbacks
from bot.runtime.limiter import SendJournal
from tests.support.databases import sqlite_only

NAME_PARTS = (b"Zygfryda", b"Quennell", b"zygfryda_q")


def _database_files(live) -> list:
    folder, stem = live.database.parent, live.database.name
    return sorted(path for path in folder.iterdir() if path.name.startswith(stem))


@sqlite_only
async def test_no_database_file_holds_the_name_once_forgetme_has_answered(live):
    await live.stop()
    await live.start(journal=SendJournal(Path(f"{live.database}.sends")))  # as python -m bot runs: with its journal
    zygfryda = live.telegram.person(301, "Zygfryda", last_name="Quennell", username="zygfryda_q", language_code="en")
    private = live.server.act(lambda telegram: telegram.private_chat(zygfryda))
    live.add_bot()
    live.send(zygfryda, "/help")
    live.send(zygfryda, "/start", chat=private)
    live.send(zygfryda, "/forgetme", chat=private)
    await live.until(lambda telegram: any("Are you sure?" in text for text in telegram.texts(private.id)))
    [question] = [m for m in live.server.act(lambda t: t.bot_messages(private.id)) if "Are you sure?" in m["text"]]
    live.server.act(lambda telegram: telegram.callback_update(
        private, zygfryda, question["message_id"], callbacks.encode(callbacks.Action.FORGET)))  # fmt: skip
    await live.until(lambda telegram: any(params["text"].startswith("Done.") for params in telegram.sent("editMessageText")))

    files = _database_files(live)  # right after the answer, the bot still running
    assert {path.name.removeprefix(live.database.name) for path in files} >= {"", "-wal", "-shm", ".sends"}
    for path in files:
        content = path.read_bytes()
        for part in NAME_PARTS:
            assert part not in content, f"{part!r} is still in {path.name}"

    await live.until_applied()  # and once the press is recorded as applied
    for path in _database_files(live):
        content = path.read_bytes()
        assert not any(part in content for part in NAME_PARTS), path.name
