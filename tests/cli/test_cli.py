"""Configuration errors are one line and exit 2; ``health`` says whether the database can serve."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cli
from bot.demo.emulator.server import EmulatorServer
from bot.demo.emulator.telegram import FakeTelegram
from bot.runtime import config, instance
from storage.sqlite import latest_version
from tests.support.harness import TOKEN, reference_spec

ROOT = Path(__file__).resolve().parents[2]
STRUCTURED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ level=[A-Z]+ group=\S+ update=\S+ logger=\S+ ")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for variable, *_rest in config.OPTIONS:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_clear_line(err: str, *words: str) -> None:
    assert err.count("\n") == 1 and "Traceback" not in err
    for word in words:
        assert word in err


def test_help_lists_every_environment_variable(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    for variable, *_rest in config.OPTIONS:
        assert variable in out
    for command in ("run", "backup", "health", "demo"):
        assert command in out


@pytest.mark.parametrize("token", ["", "not-a-token", "123:short"])
def test_missing_or_malformed_token_is_one_line_and_exit_2(capsys, monkeypatch, token):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    status, _out, err = run(capsys, "run")
    assert status == cli.EXIT_CONFIG
    assert_one_clear_line(err, "TELEGRAM_BOT_TOKEN")
    if token:
        assert token not in err


def test_unwritable_database_path_is_one_line_and_exit_2(capsys, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    status, _out, err = run(capsys, "--token", TOKEN, "--db", str(locked / "sub" / "db.sqlite3"), "run")
    assert status == cli.EXIT_CONFIG
    assert_one_clear_line(err, "COPROD_DB")
    assert TOKEN not in err


@pytest.mark.parametrize(
    ("flag", "value", "variable"),
    [("--language", "xx", "COPROD_LANGUAGE"), ("--timezone", "Mars/Olympus", "COPROD_TIMEZONE")],
)
def test_unknown_language_or_time_zone_is_one_line_and_exit_2(capsys, flag, value, variable):
    status, _out, err = run(capsys, "--token", TOKEN, flag, value, "run")
    assert status == cli.EXIT_CONFIG
    assert_one_clear_line(err, variable, value)


def test_unknown_language_for_the_demo_is_refused_the_same_way(capsys):
    status, _out, err = run(capsys, "demo", "--language", "xx")
    assert status == cli.EXIT_CONFIG
    assert_one_clear_line(err, "COPROD_LANGUAGE", "xx")


def make_database(path, version: int) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.execute(f"PRAGMA user_version = {version}")


def test_health_is_0_for_a_migrated_database(capsys, tmp_path):
    path = tmp_path / "coprod.sqlite3"
    make_database(path, latest_version())
    status, out, _err = run(capsys, "--db", str(path), "health")
    assert status == 0
    assert "healthy" in out


def test_health_needs_no_token(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "malformed")
    path = tmp_path / "coprod.sqlite3"
    make_database(path, latest_version())
    assert run(capsys, "--db", str(path), "health")[0] == 0


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ("missing", ("no database",)),
        ("old", ("version 0", "start the bot")),
        ("newer", ("newer than this bot",)),
        ("garbage", ("cannot read",)),
    ],
)
def test_health_is_1_with_one_line_saying_why(capsys, tmp_path, setup, words):
    path = tmp_path / "coprod.sqlite3"
    if setup == "old":
        make_database(path, 0)
    elif setup == "newer":
        make_database(path, latest_version() + 1)
    elif setup == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    status, _out, err = run(capsys, "--db", str(path), "health")
    assert status == cli.EXIT_UNHEALTHY
    assert_one_clear_line(err, "unhealthy", *words)


def test_health_does_not_migrate_or_create_the_database(capsys, tmp_path):
    path = tmp_path / "coprod.sqlite3"
    run(capsys, "--db", str(path), "health")
    assert not path.exists()
    make_database(path, 0)
    run(capsys, "--db", str(path), "health")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 0


def test_health_with_a_bad_configuration_exits_2(capsys, tmp_path):
    status, _out, err = run(capsys, "--db", str(tmp_path / "x.sqlite3"), "--timezone", "Nowhere", "health")
    assert status == cli.EXIT_CONFIG
    assert_one_clear_line(err, "COPROD_TIMEZONE")


@pytest.mark.slow
def test_running_bot_never_logs_its_token_even_at_debug(tmp_path):
    """``python -m bot`` against the fake Bot API over HTTP, at DEBUG: every line structured, no token."""
    telegram = FakeTelegram(reference_spec())
    with EmulatorServer(telegram) as server:
        owner = telegram.person(101, "Fatima")
        group = telegram.group(-1001234, "Chapel Street neighbours", owner=owner)
        environment = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "COPROD_API_URL": server.url,
                       "COPROD_DB": str(tmp_path / "coprod.sqlite3"), "COPROD_LOG_LEVEL": "DEBUG"}  # fmt: skip
        log = tmp_path / "bot.log"
        with log.open("w") as stderr:
            bot = subprocess.Popen(
                [sys.executable, "-m", "bot"], cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=stderr
            )
        try:
            server.act(lambda fake: fake.membership_update(group, owner, joined=True))
            server.wait_for(lambda: bool(telegram.sent("sendMessage")), timeout=60)
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=60)
    err = log.read_text()
    assert telegram.sent("sendMessage"), err
    assert TOKEN not in err and TOKEN.split(":")[1] not in err
    lines = err.splitlines()
    assert lines and all(STRUCTURED.match(line) for line in lines), err
    assert any(f"group={group.id} update=1 " in line for line in lines), err


def test_second_bot_on_the_same_database_is_one_line_and_exit_2(capsys, tmp_path):
    database = tmp_path / "coprod.sqlite3"
    with instance.only_instance(database):
        status, _out, err = run(capsys, "--token", TOKEN, "--db", str(database), "run")
    assert status == cli.EXIT_CONFIG
    assert_one_clear_line(err, "already running", str(database))
