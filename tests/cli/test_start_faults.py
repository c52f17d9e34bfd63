"""Faults at start: a corrupt or locked database is one line on stderr and exit 2, never a hang."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot import cli
from bot.runtime import config
from tests.support.harness import TOKEN

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 20  # far more than a clean exit takes; the old code never exited at all


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for variable, *_rest in config.OPTIONS:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)


def corrupt(path: Path) -> Path:
    path.write_bytes(b"this is not an SQLite database, whatever its name says" * 100)
    return path


def assert_one_clear_line(err: str, *words: str) -> None:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err


def test_corrupt_database_is_one_line_and_exit_2_within_seconds(tmp_path):
    database = corrupt(tmp_path / "coprod.sqlite3")
    environment = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "COPROD_DB": str(database),
                   "COPROD_API_URL": "http://127.0.0.1:9"}  # fmt: skip
    finished = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=environment, capture_output=True, text=True,
        timeout=SECONDS,
    )  # fmt: skip
    assert finished.returncode == cli.EXIT_CONFIG
    assert_one_clear_line(finished.stderr, "COPROD_DB", "not a database")


def test_corrupt_database_leaves_no_database_thread_behind(capsys, tmp_path):
    database = corrupt(tmp_path / "coprod.sqlite3")
    before = set(threading.enumerate())
    assert cli.main(["--token", TOKEN, "--db", str(database), "--api-url", "http://127.0.0.1:9", "run"]) == 2
    for thread in set(threading.enumerate()) - before:
        thread.join(SECONDS)  # a worker told to stop ends at once; one never told would block here
        assert not thread.is_alive(), thread.name
    assert_one_clear_line(capsys.readouterr().err, "not a database")


def test_locked_database_is_one_line_and_exit_2(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("storage.sqlite.BUSY_TIMEOUT_MS", 200)
    database = tmp_path / "coprod.sqlite3"
    with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as other:
        other.execute("CREATE TABLE held (x)")
        other.execute("BEGIN EXCLUSIVE")  # another program in the middle of a write
        status = cli.main(["--token", TOKEN, "--db", str(database), "--api-url", "http://127.0.0.1:9", "run"])
    assert status == cli.EXIT_CONFIG
    assert_one_clear_line(capsys.readouterr().err, "COPROD_DB", "locked")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_database_in_a_folder_without_write_permission_is_one_line_and_exit_2(capsys, tmp_path):
    folder = tmp_path / "readonly"
    folder.mkdir()
    database = folder / "coprod.sqlite3"
    sqlite3.connect(database).close()
    folder.chmod(0o500)
    try:
        status = cli.main(["--token", TOKEN, "--db", str(database), "--api-url", "http://127.0.0.1:9", "run"])
    finally:
        folder.chmod(0o700)
    assert status == cli.EXIT_CONFIG
    assert_one_clear_line(capsys.readouterr().err, "COPROD_DB")
