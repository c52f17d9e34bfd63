"""The public pages in a real browser: Debian's Chromium, headless, loads what the bot wrote.

Chromium renders each page from the folder (``file://``), so the test sees what a reader
sees: the DOM after parsing, with the round's question, the ranking and the direction, and
a phone-sized screenshot of each page (kept under pytest's temporary folder for a person
to look at). Every host name resolves to nothing, and Chromium's network log and console
log show that a page asks for nothing outside its folder and logs no error. ``.ci/run`` installs the ``chromium`` package when it is missing; without it
these tests are skipped.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.flows import site
from storage import groups
from tests.support.credit_helpers import confirmed_entry
from tests.support.ideas_helpers import open_round
from tests.support.round_helpers import poll_ids

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed (.ci/run installs it)"),
]

PHONE = "390,844"
QUESTIONS = {"en": "What should we do with the empty lot?", "ar": "ماذا نفعل بالأرض الفارغة؟"}
IDEAS = {"en": ("Plant a community garden", "A place for children to play"),
         "ar": ("نزرع حديقة للحي", "ملعب صغير للأطفال")}  # fmt: skip
OUTCOMES = {"en": "The council gave us the lot; digging starts in March.",
            "ar": "منحنا المجلس الأرض؛ يبدأ الحفر في مارس."}
LATIN_IDEA = "Plant fruit trees along the canal path by the old school and the library"


async def _published(harness, language: str) -> Path:
    """A round in ``language`` with two ideas, voted and closed, its outcome under way, on the
    group's public page."""
    ben, chloe = harness.residents[:2]
    await harness.send(harness.facilitator, "/settings public on")
    await harness.send(harness.facilitator, f"/settings language {language}")
    round_ = await open_round(harness, QUESTIONS[language])
    for person, idea in zip((ben, chloe), IDEAS[language], strict=True):
        await harness.send(person, idea, reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    [poll_id] = await poll_ids(harness, round_)
    await harness.vote(ben, poll_id, [0])
    await harness.vote(chloe, poll_id, [0, 1])
    await harness.send(harness.facilitator, "/close now")
    await harness.send(harness.facilitator, f"/outcome 1 40% {OUTCOMES[language]}")
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
    return site.folder(harness.app, group.site_token)


def _run(page: Path, profile: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
         "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}", f"--window-size={PHONE}",
         *arguments, page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip


def _chromium(page: Path, profile: Path, *arguments: str) -> str:
    return _run(page, profile, *arguments).stdout


def _page_requests(net_log: Path) -> set[str]:
    """Network requests the page made: a file:// page's own requests come from origin "null";
    the browser's own background requests have no origin ("not an origin")."""
    events = json.loads(net_log.read_text())["events"]
    return {event["params"]["url"] for event in events
            if "url" in event.get("params", {}) and event["params"].get("initiator") not in (None, "not an origin")}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_the_pages_fetch_nothing_outside_their_folder_and_log_no_error(harness, tmp_path, language):
    folder = await _published(harness, language)
    for name in ("index.html", "round-1.html"):
        net_log = tmp_path / f"{name}.json"
        completed = _run(folder / name, tmp_path / "profile", "--enable-logging=stderr", "--v=0",
                         f"--log-net-log={net_log}", "--dump-dom")  # fmt: skip
        assert QUESTIONS[language] in completed.stdout
        console = [line for line in completed.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
        assert console == []
        assert _page_requests(net_log) == set()


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_chromium_renders_the_index_and_the_round_page(harness, tmp_path, language):
    folder = await _published(harness, language)
    for name in ("index.html", "round-1.html"):
        dom = _chromium(folder / name, tmp_path / "profile", "--dump-dom")
        assert QUESTIONS[language] in dom
        assert re.search(rf'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}"', dom)
        assert "<h1" in dom and "<script" not in dom
        assert re.search(r'(src|href)="(https?:)?//', dom) is None  # nothing from another site
    round_page = _chromium(folder / "round-1.html", tmp_path / "profile", "--dump-dom")
    first, second = IDEAS[language]
    assert round_page.index(first) < round_page.index(second)  # the ranking: 2 votes before 1
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in round_page and "<img" not in round_page  # set into the page
    for name in ("index.html", "round-1.html"):
        shot = tmp_path / f"{language}-{name.removesuffix('.html')}.png"
        _chromium(folder / name, tmp_path / "profile", f"--screenshot={shot}")
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


_AXE_RUNNER = """
<script src="{axe}"></script>
<script>
axe.run(document, {{resultTypes: ["violations"]}}).then(function (results) {{
  var found = results.violations.map(function (v) {{ return {{id: v.id, impact: v.impact, nodes: v.nodes.length}}; }});
  var out = document.createElement("pre"); out.id = "axe-results"; out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
}});
</script>
"""


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_the_pages_have_no_serious_or_critical_accessibility_violations(harness, tmp_path, language):
    """axe-core (the copy the ``axe-core-python`` test dependency ships) run on each page in
    Chromium: a copy of the page with the checker added, in the same folder, so the page's
    own files load as they do for a reader."""
    import axe_core_python

    axe = Path(axe_core_python.__file__).with_name("axe.min.js")
    folder = await _published(harness, language)
    for name in ("index.html", "round-1.html"):
        page = folder / name
        checked = folder / f"axe-{name}"
        checked.write_text(page.read_text("utf-8").replace("</body>", _AXE_RUNNER.format(axe=axe.as_uri()) + "</body>"))
        dom = _chromium(checked, tmp_path / "profile", "--allow-file-access-from-files",
                        "--virtual-time-budget=20000", "--dump-dom")  # fmt: skip
        found = re.search(r'<pre id="axe-results">(.*?)</pre>', dom, re.S)
        assert found is not None, f"axe-core did not run on {name}"
        violations = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{language} {name}: {serious}"
        checked.unlink()


_MEASURING = """
<script>
function measured() {
  var found = [];
  document.querySelectorAll("svg text").forEach(function (text) {
    var scale = text.getScreenCTM().a, chars = [];
    for (var i = 0; i < text.getNumberOfChars(); i++) {
      var box = text.getExtentOfChar(i);
      chars.push([text.textContent[i], box.x + box.width / 2]);
    }
    found.push({size: parseFloat(text.getAttribute("font-size")) * scale, chars: chars});
  });
  var out = document.createElement("pre"); out.id = "measured"; out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
}
window.addEventListener("load", measured);
</script>
"""


def _measured(folder: Path, name: str, profile: Path) -> list[dict]:
    """Every SVG text of the page as Chromium lays it out on a 390-px phone: its size in
    pixels, and its characters with where each is drawn (left to right)."""
    page = folder / name
    checked = folder / f"measured-{name}"
    checked.write_text(page.read_text("utf-8").replace("</body>", _MEASURING + "</body>"))
    try:
        dom = _chromium(checked, profile, "--virtual-time-budget=5000", "--dump-dom")
    finally:
        checked.unlink()
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found is not None, f"the measuring script did not run on {name}"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def _seen(text: dict) -> str:
    """A text's characters in the order a reader's eye meets them from the left (without the
    invisible direction marks, which have no place)."""
    return "".join(char for char, _x in sorted(text["chars"], key=lambda pair: pair[1]) if char not in "\u200e\u200f")


async def _latin_idea_in_arabic(harness) -> Path:
    """An Arabic group's round whose leading idea is a long Latin sentence, voted and closed."""
    ben, chloe = harness.residents[:2]
    await harness.send(harness.facilitator, "/settings public on")
    await harness.send(harness.facilitator, "/settings language ar")
    round_ = await open_round(harness, QUESTIONS["ar"])
    await harness.send(ben, LATIN_IDEA, reply_to=round_.prompt_message_id)
    await harness.send(chloe, IDEAS["ar"][0], reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    [poll_id] = await poll_ids(harness, round_)
    await harness.vote(ben, poll_id, [0])
    await harness.vote(chloe, poll_id, [0, 1])
    await harness.send(harness.facilitator, "/close now")
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
    return site.folder(harness.app, group.site_token)


async def test_in_an_arabic_chart_a_latin_idea_keeps_its_order_and_its_ellipsis(harness, tmp_path):
    folder = await _latin_idea_in_arabic(harness)
    texts = _measured(folder, "round-1.html", tmp_path / "profile")
    words = ["".join(char for char, _x in text["chars"]) for text in texts]
    first = next(index for index, line in enumerate(words) if "Plant" in line)
    seen, rest = _seen(texts[first]), _seen(texts[first + 1])  # the label is wrapped onto two lines
    # The Latin idea reads left to right at the line's left end, the chart's own Arabic words
    # ("1st · idea 1 ·") to its right, where a right-to-left line begins; on the next line the
    # rest of it, its shortening "…" at its right end.
    assert re.fullmatch("Plant fruit trees along the · [0-9] [\u0600-\u06ff]+ · [0-9] [\u0600-\u06ff]+", seen), seen
    assert re.fullmatch("canal p…", rest), rest
    [note] = [text for text in texts if "%" in "".join(char for char, _x in text["chars"]) and
              "(" in "".join(char for char, _x in text["chars"])][:1]  # fmt: skip
    # "2 votes (100%)" in Arabic: the words at the right, where the line begins, the share in its
    # brackets at the left (a right-to-left line mirrors the brackets: the ")" is drawn as "(").
    assert re.fullmatch("\\)[%0-9\u0660-\u0669\u066a]+\\( [\u0600-\u06ff ]+", _seen(note)), _seen(note)


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_chart_text_is_at_least_14_pixels_on_a_390_pixel_phone(harness, tmp_path, language):
    folder = await _published(harness, language)
    texts = _measured(folder, "round-1.html", tmp_path / "profile")
    assert len(texts) >= 6  # title, labels, notes, axis
    smallest = min(text["size"] for text in texts)
    assert smallest >= 14, smallest


async def test_the_index_shows_each_rounds_status_and_the_outcomes_progress(harness, tmp_path):
    await harness.send(harness.facilitator, "/settings public on")
    ben = harness.residents[0]
    cancelled = await open_round(harness, "Should we repaint the fence?")
    await harness.send(harness.facilitator, f"/cancel {cancelled.number} the council repaints it anyway")
    decided = await open_round(harness, "Where should the bench go?")
    await harness.send(ben, "By the bus stop", reply_to=decided.prompt_message_id)
    await harness.send(harness.residents[1], "By the pond", reply_to=decided.prompt_message_id)
    await harness.send(harness.facilitator, f"/vote {decided.number}")
    [poll_id] = await poll_ids(harness, decided)
    await harness.vote(ben, poll_id, [0])
    await harness.send(harness.facilitator, f"/close {decided.number} now")
    await harness.send(harness.facilitator, f"/outcome {decided.number} 40% The bench is ordered.")
    voting = await open_round(harness, "What should the summer party have?")
    await harness.send(ben, "A barbecue", reply_to=voting.prompt_message_id)
    await harness.send(harness.residents[1], "A band", reply_to=voting.prompt_message_id)
    await harness.send(harness.facilitator, f"/vote {voting.number}")
    await open_round(harness, "What should we plant?")
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
    index = site.folder(harness.app, group.site_token) / "index.html"
    dom = _chromium(index, tmp_path / "profile", "--dump-dom")
    rounds = re.findall(r"<li>\s*<h3>.*?</li>", dom, re.S)
    statuses = [re.search(r'class="status (\w+)">(.*?)<', item).groups() for item in rounds]
    assert statuses == [("ideas", "open"), ("voting", "voting"), ("closed", "decided"), ("cancelled", "cancelled")]
    assert "What should we plant?" in rounds[0]  # newest first
    assert "Chosen: idea 1 · \u2068By the bus stop\u2069 (1 vote)" in rounds[2]
    assert re.search(r'<progress max="100" value="40"[^>]*>', rounds[2]) and "in progress (40%)" in rounds[2]
    assert "Cancelled: \u2068the council repaints it anyway\u2069" in rounds[3]
    shot = tmp_path / "index.png"
    _chromium(index, tmp_path / "profile", f"--screenshot={shot}")
    assert shot.stat().st_size > 10_000


async def test_hours_confirmed_for_a_round_show_on_the_index_and_its_page_at_once(harness, tmp_path):
    folder = await _published(harness, "en")
    ben, chloe = harness.residents[:2]
    before = _chromium(folder / "index.html", tmp_path / "profile", "--dump-dom")
    assert "No volunteering has been confirmed yet." in before
    await confirmed_entry(harness, ben, chloe, "/log 2h for #1 dug the beds")
    index = _chromium(folder / "index.html", tmp_path / "profile", "--dump-dom")
    page = _chromium(folder / "round-1.html", tmp_path / "profile", "--dump-dom")
    assert "2 hours of volunteering confirmed in all." in index and "No volunteering" not in index
    assert "2 hours given to it by 1 neighbour" in index and "2 hours given to it by 1 neighbour" in page
    assert "dug the beds" not in index + page
