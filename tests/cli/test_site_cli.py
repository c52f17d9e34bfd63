"""``python -m bot site`` rebuilds every public page (or one group's) and says where each went."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot import cli
from bot.runtime import config
from storage import groups, open_database, rounds

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
CHAPEL, MILL, QUIET = -1001, -1002, -1003
CHAPEL_TOKEN, MILL_TOKEN, QUIET_TOKEN = "a" * 32, "b" * 32, "c" * 32


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for variable, *_rest in config.OPTIONS:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)


async def _groups(path) -> None:
    """Chapel Street (English, a round) and Mill Lane (Arabic) have their page on; Quiet Close had it, then turned it off."""
    database = await open_database(path)
    async with database.transaction() as conn:
        for chat_id, title, language, token, public in (
            (CHAPEL, "Chapel Street", "en", CHAPEL_TOKEN, True),
            (MILL, "Mill Lane", "ar", MILL_TOKEN, True),
            (QUIET, "Quiet Close", "en", QUIET_TOKEN, False),
        ):
            group, _ = await groups.ensure(conn, chat_id, title=title, language=language, timezone="Europe/London", now=NOW)
            await groups.update_settings(conn, group.id, public_page=public)
            await groups.ensure_site_token(conn, group.id, token)
            if chat_id == CHAPEL:
                await rounds.create(conn, group_id=group.id, question="Where should the bench go?", created_by=None,
                                    now=NOW, ideas_ends_at=NOW + dt.timedelta(days=3), voting_minutes=2880)  # fmt: skip
    await database.close()


def database(tmp_path):
    path = tmp_path / "coprod.sqlite3"
    asyncio.run(_groups(path))
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    status = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_site_builds_every_public_page_and_says_where(tmp_path, capsys):
    path = database(tmp_path)
    status, out, err = run(capsys, "--db", path, "--site-dir", tmp_path / "site", "site")
    assert status == 0 and err == ""
    chapel = tmp_path / "site" / CHAPEL_TOKEN / "index.html"
    assert f"group {CHAPEL}: {chapel.resolve()}" in out
    assert f"group {MILL}: {(tmp_path / 'site' / MILL_TOKEN / 'index.html').resolve()}" in out
    assert "Where should the bench go?" in chapel.read_text()
    assert (tmp_path / "site" / CHAPEL_TOKEN / "round-1.html").exists()
    assert 'dir="rtl"' in (tmp_path / "site" / MILL_TOKEN / "index.html").read_text()
    assert str(QUIET) not in out and not (tmp_path / "site" / QUIET_TOKEN).exists()
    assert "public pages built: 2" in out


def test_site_prints_the_public_address_when_there_is_one(tmp_path, capsys):
    path = database(tmp_path)
    status, out, _ = run(capsys, "--db", path, "--site-dir", tmp_path / "site",
                         "--site-url", "https://pages.example.org/", "site")  # fmt: skip
    assert status == 0
    assert f"group {CHAPEL}: https://pages.example.org/{CHAPEL_TOKEN}/" in out


def test_a_second_build_changes_no_file(tmp_path, capsys):
    path = database(tmp_path)
    run(capsys, "--db", path, "--site-dir", tmp_path / "site", "site", "--group", CHAPEL)
    page = tmp_path / "site" / CHAPEL_TOKEN / "round-1.html"
    written = page.stat().st_mtime_ns
    status, out, _ = run(capsys, "--db", path, "--site-dir", tmp_path / "site", "site", "--group", CHAPEL)
    assert status == 0 and page.stat().st_mtime_ns == written
    assert "public pages built: 1" in out and str(MILL) not in out


def test_site_removes_the_folder_of_a_page_turned_off(tmp_path, capsys):
    path = database(tmp_path)
    left_over = tmp_path / "site" / QUIET_TOKEN
    left_over.mkdir(parents=True)
    (left_over / "index.html").write_text("old")
    status, out, _ = run(capsys, "--db", path, "--site-dir", tmp_path / "site", "site")
    assert status == 0 and not left_over.exists()
    assert f"removed {left_over}" in out
    assert "public pages built: 2" in out  # the removed folder is not counted as a page built


@pytest.mark.parametrize(("chat_id", "problem"), [(-999, "no group with chat id -999"),
                                                  (QUIET, f"group {QUIET} has its public page off")])  # fmt: skip
def test_site_for_an_unknown_or_private_group_is_a_config_error(tmp_path, capsys, chat_id, problem):
    path = database(tmp_path)
    status, out, err = run(capsys, "--db", path, "--site-dir", tmp_path / "site", "site", "--group", chat_id)
    assert status == cli.EXIT_CONFIG and problem in err and out == ""


def test_site_without_a_database_is_a_config_error(tmp_path, capsys):
    status, _, err = run(capsys, "--db", tmp_path / "missing.sqlite3", "site")
    assert status == cli.EXIT_CONFIG and "no database at" in err
