"""The operator commands with a PostgreSQL URL for COPROD_DB: one line, the password never shown."""

from __future__ import annotations

import pytest

from bot import cli
from bot.runtime import config
from tests.support.databases import postgres_only

SECRET = "not-for-any-log-line"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for variable, *_rest in config.OPTIONS:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)


def test_an_unreachable_server_is_unhealthy_in_one_line_without_the_password(capsys, unused_tcp_port):
    status = cli.main(["--db", f"postgresql://coprod:{SECRET}@127.0.0.1:{unused_tcp_port}/coprod", "health"])
    err = capsys.readouterr().err
    assert status == cli.EXIT_UNHEALTHY
    assert err.count("\n") == 1 and "Traceback" not in err and "coprod:***@" in err
    assert SECRET not in err


@postgres_only
def test_health_is_0_for_a_migrated_database(capsys, database):  # each test's database is migrated
    assert cli.main(["--db", database, "health"]) == 0
    assert "healthy: database schema version" in capsys.readouterr().out


@postgres_only
def test_check_runs_on_postgresql(capsys, database):
    assert cli.main(["--db", database, "check"]) == 0
    assert "ledger check passed: groups audited: 0" in capsys.readouterr().out
