"""Outcome statuses as people write them, and ``/outcome N fix …``: the history keeps both,
everything else shows the current version."""

from __future__ import annotations

import pytest

from bot.runtime.deadlines import run_due
from storage import voting
from tests.handlers.test_outcomes import closed_round


async def history(harness, round_):
    async with harness.db.read() as conn:
        return await voting.outcome_history(conn, round_.id)


@pytest.mark.parametrize(
    ("written", "status", "progress", "text"),
    [
        ("in progress: bench ordered", "in_progress", None, "bench ordered"),
        ("in progress bench ordered", "in_progress", None, "bench ordered"),
        ("50 % bench ordered", "in_progress", 50, "bench ordered"),
        ("50% bench ordered", "in_progress", 50, "bench ordered"),
        ("half done: bench ordered", "in_progress", 50, "bench ordered"),
        ("finished: bench in", "done", None, "bench in"),
        ("completed bench in", "done", None, "bench in"),
        ("Cancelled: no money", "dropped", None, "no money"),
        ("planned: talks with the council", "planned", None, "talks with the council"),
        ("The council agreed", "planned", None, "The council agreed"),
        ("Plan approved by the council", "planned", None, "Plan approved by the council"),
        ("Correct figures are in", "planned", None, "Correct figures are in"),
    ],
)
async def test_statuses_are_read_as_people_write_them(harness, written, status, progress, text):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, f"/outcome 1 {written}")
    [update] = await history(harness, round_)
    assert (update.status, update.progress, update.text) == (status, progress, text)


async def test_in_progress_without_a_percentage_reads_so(harness):
    await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, "/outcome 1 in progress: bench ordered")
    assert "Status: in progress\n" in harness.last_text()


@pytest.mark.parametrize(
    ("language", "written", "status", "progress"),
    [
        ("ar", "قيد التنفيذ: طُلب المقعد", "in_progress", None), ("ar", "٥٠٪ طُلب المقعد", "in_progress", 50),
        ("ar", "منجز: وُضع المقعد", "done", None), ("ar", "نصف منجز: طُلب المقعد", "in_progress", 50),
        ("pl", "w toku: ławka zamówiona", "in_progress", None), ("pl", "gotowe: ławka stoi", "done", None),
        ("ur", "جاری: بنچ منگوایا", "in_progress", None), ("ur", "مکمل: بنچ لگ گیا", "done", None),
    ],
)  # fmt: skip
async def test_statuses_in_each_language(harness, language, written, status, progress):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, f"/settings language {language}")
    await harness.send(harness.facilitator, f"/outcome 1 {written}")
    [update] = await history(harness, round_)
    assert (update.status, update.progress) == (status, progress)


@pytest.mark.parametrize(("language", "written", "listed"), [
    ("en", "in progres: bench ordered", "Write planned, in progress, a percentage such as 40%, half done, done or dropped"),
    ("ar", "قيد التنفيد: طُلب المقعد", "اكتب مخطط أو قيد التنفيذ أو نسبة مثل 40% أو نصف منجز أو منجز أو ملغى"),
])  # fmt: skip
async def test_an_unknown_status_is_refused_with_the_list(harness, language, written, listed):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, f"/settings language {language}")
    await harness.send(harness.facilitator, f"/outcome 1 {written}")
    assert listed in harness.last_text()
    assert await history(harness, round_) == []


async def test_fix_replaces_the_latest_status_keeping_its_words_and_the_history_keeps_both(harness):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, "/outcome 1 done: bench ordered")
    await harness.send(harness.facilitator, "/outcome 1 fix in progress")
    assert "Correction of the latest update:" in harness.last_text()
    first, fixed = await history(harness, round_)
    assert (first.status, first.text) == ("done", "bench ordered")
    assert (fixed.status, fixed.text, fixed.corrects) == ("in_progress", "bench ordered", first.id)
    await harness.send(harness.facilitator, "/rounds")
    assert "Outcome: in progress, last update" in harness.last_text()


async def test_fix_replaces_the_words_keeping_the_status(harness):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, "/outcome 1 40% bench orderd")
    await harness.send(harness.facilitator, "/outcome 1 fix bench ordered from the council")
    *_, fixed = await history(harness, round_)
    assert (fixed.status, fixed.progress, fixed.text) == ("in_progress", 40, "bench ordered from the council")


async def test_fix_in_arabic(harness):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, "/settings language ar")
    await harness.send(harness.facilitator, "/outcome 1 منجز: وُضع المقعد")
    await harness.send(harness.facilitator, "/outcome 1 تصحيح قيد التنفيذ")
    *_, fixed = await history(harness, round_)
    assert (fixed.status, fixed.text) == ("in_progress", "وُضع المقعد")


@pytest.mark.parametrize(("command", "answer"), [
    ("/outcome 1 fix done", "has no update to correct yet"),
    ("/outcome 1 fix", "Write what the latest update should say or its status"),
])  # fmt: skip
async def test_a_fix_with_nothing_to_fix_is_refused(harness, command, answer):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, command)
    assert answer in harness.last_text()
    assert await history(harness, round_) == []


async def test_summaries_and_the_page_show_only_the_current_version_and_the_export_marks_the_corrected(harness):
    from tests.handlers.test_export import read_zip
    from tests.handlers.test_public_page import _folder, _group

    await harness.send(harness.facilitator, "/settings public on")
    await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, "/outcome 1 Bench orderd wrongly")
    await harness.send(harness.facilitator, "/outcome 1 fix Bench ordered from the council")
    page = (_folder(harness, await _group(harness)) / "round-1.html").read_text()
    assert "Bench ordered from the council" in page and "orderd wrongly" not in page
    await harness.send(harness.facilitator, "/summary")
    [summary] = [text for text in harness.texts() if "What happened since" in text]
    assert "Bench ordered from the council" in summary and "orderd wrongly" not in summary
    await harness.send(harness.facilitator, "/export")
    [document] = harness.telegram.sent("sendDocument")
    rows = read_zip(document["document"][1])["outcomes.csv"]
    assert [(row["text"], row["corrected"]) for row in rows] == [
        ("Bench orderd wrongly", "1"), ("Bench ordered from the council", "0")]


async def test_a_fix_is_not_told_privately_a_second_time(harness):
    from tests.handlers.test_notices import private_texts

    ben = harness.residents[0]
    await harness.send_private(ben, "/start")
    await closed_round(harness, ["Fix the bench"], [0])
    await run_due(harness.app)
    await harness.send(harness.facilitator, "/outcome 1 Bench ordered")
    await run_due(harness.app)
    told = len(private_texts(harness, ben))
    await harness.send(harness.facilitator, "/outcome 1 fix done")
    await run_due(harness.app)
    assert len(private_texts(harness, ben)) == told
