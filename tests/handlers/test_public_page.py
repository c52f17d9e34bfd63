"""The public page: off by default, a facilitator turns it on, it follows the round, and it
shows only what may be public (no Telegram ids, usernames or ledger notes; hidden names hidden)."""

from __future__ import annotations

import asyncio
import re
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from bot.domain import callbacks
from bot.flows import site
from storage import groups
from tests.support.credit_helpers import confirmed_entry
from tests.support.ideas_helpers import open_round
from tests.support.round_helpers import current, poll_ids

SCRIPT = "<script>alert(1)</script>"


def _site_dir(harness) -> Path:
    return harness.app.services.config.site_dir


async def _group(harness):
    async with harness.db.read() as conn:
        return await groups.get_by_chat(conn, harness.group.id)


def _folder(harness, group) -> Path:
    return site.folder(harness.app, group.site_token)


async def _published_round(harness):
    """Page on; a round with a named idea, a hidden member's idea and escaping bait, voted, closed, with an outcome."""
    ben, chloe, dawid = harness.residents[:3]
    await harness.send(harness.facilitator, "/settings public on")
    await harness.send(chloe, "/privacy")
    round_ = await open_round(harness)
    await harness.send(ben, "Fix the bench", reply_to=round_.prompt_message_id)
    await harness.send(chloe, "Plant bulbs by the gate", reply_to=round_.prompt_message_id)
    await harness.send(dawid, SCRIPT, reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    [poll_id] = await poll_ids(harness, round_)
    await harness.vote(ben, poll_id, [0, 1])
    await harness.vote(chloe, poll_id, [0])
    await harness.send(harness.facilitator, "/close now")
    await harness.send(harness.facilitator, "/outcome 1 The council fixed the bench in May.")
    await confirmed_entry(harness, ben, harness.facilitator, "/log 2h litter pick on Chapel St")
    await harness.send(harness.facilitator, "/settings timezone Europe/Warsaw")  # a settings change rebuilds it
    return await current(harness, round_)


async def test_public_page_is_off_by_default(harness):
    await open_round(harness)
    group = await _group(harness)
    assert not group.public_page and group.site_token is None
    assert not _site_dir(harness).exists()


async def test_only_a_facilitator_can_turn_the_public_page_on(harness):
    await open_round(harness)
    await harness.send(harness.residents[0], "/settings public on")
    assert "only the group's facilitators" in harness.last_text()
    assert not (await _group(harness)).public_page


async def test_turning_it_on_tells_the_facilitator_where_the_page_is(harness):
    await open_round(harness)
    await harness.send(harness.facilitator, "/settings public on")
    group = await _group(harness)
    assert group.public_page and re.fullmatch(r"[0-9a-f]{32}", group.site_token)
    index = _folder(harness, group) / "index.html"
    assert index.exists()
    assert harness.last_text().startswith(f"The public page is on. The bot keeps it at {index.resolve()};")


async def test_the_page_shows_rounds_ideas_results_chart_outcomes_and_hours(harness):
    await _published_round(harness)
    folder = _folder(harness, await _group(harness))
    index = (folder / "index.html").read_text()
    page = (folder / "round-1.html").read_text()
    assert 'href="round-1.html"' in index and "closed" in index
    assert "Fix the bench" in page and "Ben" in page
    assert "The council fixed the bench in May." in page
    assert "2 neighbours voted." in page and "100%" in page
    [chart] = folder.glob("chart-*.svg")
    assert f'src="{chart.name}"' in page and "<svg" in chart.read_text()
    assert 'alt="Bar chart of the votes for each idea in round #1' in page
    assert "2 hours of volunteering confirmed in all." in index
    assert '<html lang="en" dir="ltr">' in index


async def test_the_page_holds_no_telegram_ids_usernames_notes_or_hidden_names(harness):
    await _published_round(harness)
    folder = _folder(harness, await _group(harness))
    everything = "\n".join(path.read_text() for path in folder.iterdir())
    pages = "\n".join(path.read_text() for path in folder.glob("*.html"))  # SVG paths are full of numbers
    for person in [harness.facilitator, *harness.residents]:
        assert f"@{person.username}" not in everything and f'"{person.username}"' not in everything
        assert re.search(rf"\b{person.id}\b", pages) is None
    assert str(harness.group.id) not in everything
    assert "litter pick" not in everything
    assert "Plant bulbs by the gate" in everything and "Chloe" not in everything  # her idea, not her name


async def test_member_text_is_escaped(harness):
    await _published_round(harness)
    page = (_folder(harness, await _group(harness)) / "round-1.html").read_text()
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page


async def test_an_arabic_group_gets_a_right_to_left_page_in_arabic(harness):
    await open_round(harness)
    await harness.send(harness.facilitator, "/settings public on")
    await harness.send(harness.facilitator, "/settings language ar")
    index = (_folder(harness, await _group(harness)) / "index.html").read_text()
    assert '<html lang="ar" dir="rtl">' in index
    assert "الجولات" in index


async def test_forgetting_a_member_takes_their_name_off_the_page(harness):
    await _published_round(harness)
    ben = harness.residents[0]
    chat = harness.telegram.private_chat(ben)
    await harness.send_private(ben, "/forgetme")
    [asked] = [message for (chat_id, _id), message in harness.telegram.messages.items() if chat_id == chat.id][-1:]
    await harness.press(ben, asked["message_id"], callbacks.encode(callbacks.Action.FORGET), chat=chat)
    page = (_folder(harness, await _group(harness)) / "round-1.html").read_text()
    assert "Fix the bench" in page and "Ben" not in page


async def test_turning_it_off_removes_every_file_of_the_group(harness):
    await _published_round(harness)
    group = await _group(harness)
    assert _folder(harness, group).exists()
    await harness.send(harness.facilitator, "/settings public off")
    assert not _folder(harness, group).exists()
    assert not (await _group(harness)).public_page


SITE_URL = "https://pages.example.org/coprod"


def _served_at(harness, url: str | None = SITE_URL) -> None:
    """As if the operator had set COPROD_SITE_URL."""
    services = harness.app.services
    services.config = replace(services.config, site_url=url)


async def _address(harness) -> str:
    return f"{SITE_URL}/{(await _group(harness)).site_token}/"


async def test_rounds_ends_with_the_page_address_when_it_is_served(harness):
    _served_at(harness)
    await _published_round(harness)
    await harness.send(harness.residents[3], "/rounds")
    address = await _address(harness)
    assert harness.last_text().endswith(f"Everything decided and done, on the group's public page: {address}")
    assert f'<a href="{address}">' in harness.telegram.sent("sendMessage", harness.group.id)[-1]["text"]


async def test_rounds_with_no_rounds_yet_still_gives_the_address(harness):
    _served_at(harness)
    await harness.send(harness.facilitator, "/settings public on")
    await harness.send(harness.residents[0], "/rounds")
    assert harness.last_text().startswith("No rounds yet.")
    assert harness.last_text().endswith(await _address(harness))


async def test_an_arabic_group_is_told_the_address_in_arabic(harness):
    _served_at(harness)
    await open_round(harness)
    await harness.send(harness.facilitator, "/settings public on")
    await harness.send(harness.facilitator, "/settings language ar")
    await harness.send(harness.residents[0], "/rounds")
    assert harness.last_text().endswith(await _address(harness))
    assert "الصفحة العامة" in harness.last_text()


async def test_the_summary_ends_with_the_page_address(harness):
    _served_at(harness)
    await _published_round(harness)
    await harness.send(harness.facilitator, "/summary")
    [summary] = [text for text in harness.texts() if text.startswith("What happened since")]
    assert summary.endswith(f"Everything decided and done, on the group's public page: {await _address(harness)}")


async def test_no_address_without_a_site_url_or_with_the_page_off(harness):
    await _published_round(harness)
    await harness.send(harness.facilitator, "/rounds")
    assert "public page" not in harness.last_text()
    _served_at(harness)
    await harness.send(harness.facilitator, "/settings public off")
    await harness.send(harness.facilitator, "/rounds")
    await harness.send(harness.facilitator, "/summary")
    assert not any("public page:" in text for text in harness.texts())


async def test_an_event_about_one_round_rebuilds_only_its_page_and_the_index(harness):
    await _published_round(harness)
    folder = _folder(harness, await _group(harness))
    first = folder / "round-1.html"
    first.write_text(first.read_text() + "<!-- left alone -->")
    [chart] = folder.glob("chart-1-*.svg")
    await open_round(harness, "Where should the next bench go?")
    assert "Where should the next bench go?" in (folder / "round-2.html").read_text()
    assert 'href="round-2.html"' in (folder / "index.html").read_text()
    assert first.read_text().endswith("<!-- left alone -->") and chart.exists()
    await harness.send(harness.facilitator, "/settings timezone Europe/London")  # names or words may change anywhere
    assert "left alone" not in first.read_text() and chart.exists()


async def _page_job_runs(harness, round_) -> None:
    """The one rebuild job the changes queued (the JobQueue would run it within seconds)."""
    (job,) = harness.app.job_queue.get_jobs_by_name(f"site-round:{round_.id}")
    await job.run(harness.app)
    job.schedule_removal()


async def test_ideas_sent_edited_and_withdrawn_reach_the_page_soon_after(harness):
    """Within seconds, not only at the next stage change; a burst is one rebuild."""
    ben, chloe = harness.residents[:2]
    await harness.send(harness.facilitator, "/settings public on")
    round_ = await open_round(harness)
    idea = await harness.send(ben, "Fix the bench", reply_to=round_.prompt_message_id)
    await harness.send(chloe, "Plant bulbs", reply_to=round_.prompt_message_id)
    await _page_job_runs(harness, round_)
    page = _folder(harness, await _group(harness)) / f"round-{round_.number}.html"
    assert "Fix the bench" in page.read_text() and "Plant bulbs" in page.read_text()
    await harness.deliver(harness.telegram.edit_update(harness.group, idea, "Paint the bench green"))
    await _page_job_runs(harness, round_)
    assert "Paint the bench green" in page.read_text() and "Fix the bench" not in page.read_text()
    await harness.send(ben, "/withdraw 1", reply_to=round_.prompt_message_id)
    await _page_job_runs(harness, round_)
    assert "Paint the bench green" not in page.read_text()


async def test_with_no_hours_yet_the_index_says_so_rather_than_zero_minutes(harness):
    await harness.send(harness.facilitator, "/settings public on")
    index = (_folder(harness, await _group(harness)) / "index.html").read_text()
    assert "No volunteering has been confirmed yet." in index and "0 minutes" not in index


async def test_assisted_and_voice_ideas_are_named_on_the_page_as_in_the_chat(harness):
    await harness.send(harness.facilitator, "/settings public on")
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, "/assist Mr Okafor (agreed): A ramp at the library",
                       reply_to=round_.prompt_message_id)  # fmt: skip
    await harness.send(harness.residents[0], reply_to=round_.prompt_message_id,
                       voice={"file_id": "v1", "file_unique_id": "u1", "duration": 4})  # fmt: skip
    (job,) = harness.app.job_queue.get_jobs_by_name(f"site-round:{round_.id}")
    await job.run(harness.app)
    page = (_folder(harness, await _group(harness)) / f"round-{round_.number}.html").read_text()
    page = page.replace("\u2068", "").replace("\u2069", "")  # names are direction-isolated
    assert "Mr Okafor (via " in page and "(agreed)" not in page
    assert "Voice idea 2 by " in page


async def test_reversed_hours_are_not_counted_on_the_page(harness):
    ben = harness.residents[0]
    await harness.send(harness.facilitator, "/settings public on")
    entry = await confirmed_entry(harness, ben, harness.facilitator, "/log 2h litter pick on Chapel St")
    await harness.send(harness.facilitator, f"/reverse {entry.id} logged twice")
    group = await _group(harness)
    await site.refresh(harness.app, group.id)
    index = (_folder(harness, group) / "index.html").read_text()
    assert "No volunteering has been confirmed yet." in index and "2 hours" not in index


def _hours_rows(index: str) -> list[tuple[str, str]]:
    """The index's "Hours given" table as (who, time) pairs, tags stripped."""
    table = index.split("Hours given", 1)[1]
    cells = re.findall(r"<tr><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>", table)
    return [(re.sub(r"<[^>]+>", "", who), time) for who, time in cells]


async def test_the_page_does_not_name_the_hours_of_a_member_who_hid_their_name(harness):
    ben, chloe = harness.residents[:2]
    await harness.send(harness.facilitator, "/settings public on")
    await harness.send(chloe, "/privacy")
    await confirmed_entry(harness, chloe, harness.facilitator, "/log 3h sanded the bench")
    await confirmed_entry(harness, ben, harness.facilitator, "/log 2h litter pick on Chapel St")
    await harness.send(harness.facilitator, "/settings timezone Europe/Warsaw")  # a settings change rebuilds it
    index = (_folder(harness, await _group(harness)) / "index.html").read_text()
    assert _hours_rows(index) == [("Ben", "2 hours"), ("Neighbours who prefer not to be named", "3 hours")]
    assert "Chloe" not in index
    await harness.send(chloe, "/privacy")  # shown again: her hours are hers again on the page
    index = (_folder(harness, await _group(harness)) / "index.html").read_text()
    assert _hours_rows(index) == [("Chloe", "3 hours"), ("Ben", "2 hours")]


class PausedPublish:
    """Public page builds that stop before they write, once paused, until let go on."""

    def __init__(self, publish) -> None:
        self._publish = publish
        self.writing, self.go_on = threading.Event(), threading.Event()
        self.go_on.set()

    def pause(self) -> None:
        self.writing.clear()
        self.go_on.clear()

    def __call__(self, *args, **kwargs):
        self.writing.set()
        self.go_on.wait(10)
        return self._publish(*args, **kwargs)


@pytest.fixture
def paused_publish(monkeypatch) -> PausedPublish:
    from bot.render import site_files

    paused = PausedPublish(site_files.publish)
    monkeypatch.setattr(site_files, "publish", paused)
    return paused


def _noting_turn_off(monkeypatch) -> tuple[asyncio.Event, asyncio.Event]:
    """Events set when the bot starts removing a page turned off (the setting is stored) and when it has."""
    turn_off, started, removed = site.turn_off, asyncio.Event(), asyncio.Event()

    async def noted(*args):
        started.set()
        await turn_off(*args)
        removed.set()

    monkeypatch.setattr(site, "turn_off", noted)
    return started, removed


async def test_turning_it_off_while_the_site_command_builds_leaves_no_page_behind(harness, monkeypatch, paused_publish):
    await open_round(harness)
    await harness.send(harness.facilitator, "/settings public on")
    group = await _group(harness)
    paused_publish.pause()
    _started, removed = _noting_turn_off(monkeypatch)
    # python -m bot site beside the bot: the same rebuild, in another process
    building = asyncio.create_task(site.rebuild(harness.db, _site_dir(harness), group.id, harness.clock.now()))
    assert await asyncio.to_thread(paused_publish.writing.wait, 10)
    await harness.send(harness.facilitator, "/settings public off")
    assert removed.is_set() and not _folder(harness, group).exists()
    paused_publish.go_on.set()
    assert await building is None
    assert not _folder(harness, group).exists()


async def test_turning_it_off_during_the_bots_own_rebuild_leaves_no_page_behind(harness, monkeypatch, paused_publish):
    await open_round(harness)
    await harness.send(harness.facilitator, "/settings public on")
    group = await _group(harness)
    paused_publish.pause()
    started, _removed = _noting_turn_off(monkeypatch)
    rebuilding = asyncio.create_task(site.refresh(harness.app, group.id))  # a debounced rebuild, mid-way
    assert await asyncio.to_thread(paused_publish.writing.wait, 10)
    turning_off = asyncio.create_task(harness.send(harness.facilitator, "/settings public off"))
    await started.wait()
    paused_publish.go_on.set()
    await asyncio.gather(rebuilding, turning_off)
    assert not (await _group(harness)).public_page
    assert not _folder(harness, group).exists()
