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


async def _published(harness, language: str) -> Path:
    """A round in ``language`` with two ideas, voted and closed, on the group's public page."""
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
    assert re.search(r'<img[^>]+src="chart-1-[0-9a-f]{16}\.svg"', round_page)
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
