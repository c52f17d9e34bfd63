"""The webhook settings are checked before anything starts: one line and exit 2 when wrong."""

from __future__ import annotations

import io
import logging

import pytest

from bot import cli
from bot.runtime import config, logs
from bot.runtime.updates.polling import PollingSource
from bot.runtime.updates.webhook import WebhookSource
from tests.support.harness import TOKEN

SECRET = "s" * 16


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for variable, *_rest in config.OPTIONS:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)


def load(**values: str) -> config.Config:
    return config.load_config({"token": TOKEN, **values}, environ={})


def test_without_a_webhook_the_bot_polls():
    loaded = load()
    assert loaded.webhook is None
    assert isinstance(cli.update_source(loaded), PollingSource)


def test_a_webhook_is_served_where_it_is_told():
    loaded = load(webhook_url="https://bot.example.org/telegram", webhook_secret=SECRET, webhook_listen="0.0.0.0:8443")
    assert loaded.webhook == config.Webhook("https://bot.example.org/telegram", SECRET, "0.0.0.0", 8443)
    assert loaded.webhook.path == "/telegram"
    assert isinstance(cli.update_source(loaded), WebhookSource)


def test_the_environment_names_the_webhook_too():
    loaded = config.load_config({}, environ={"TELEGRAM_BOT_TOKEN": TOKEN, "COPROD_WEBHOOK_URL": "https://b.example.org/",
                                             "COPROD_WEBHOOK_SECRET": SECRET})  # fmt: skip
    assert (loaded.webhook.host, loaded.webhook.port, loaded.webhook.path) == ("127.0.0.1", 8443, "/")


@pytest.mark.parametrize("length", [15, 16, 256, 257])
def test_a_secret_has_16_to_256_characters(length):
    values = {"webhook_url": "https://bot.example.org/telegram", "webhook_secret": "a" * length}
    if 16 <= length <= 256:
        assert load(**values).webhook.secret == "a" * length
    else:
        with pytest.raises(config.ConfigError, match="COPROD_WEBHOOK_SECRET"):
            load(**values)


@pytest.mark.parametrize(
    ("values", "variable"),
    [
        ({"webhook_url": "https://bot.example.org/telegram"}, "COPROD_WEBHOOK_SECRET"),
        ({"webhook_url": "https://bot.example.org/telegram", "webhook_secret": "s" * 15 + "!"}, "COPROD_WEBHOOK_SECRET"),
        ({"webhook_url": "http://bot.example.org/telegram", "webhook_secret": SECRET}, "COPROD_WEBHOOK_URL"),
        ({"webhook_url": "bot.example.org/telegram", "webhook_secret": SECRET}, "COPROD_WEBHOOK_URL"),
        ({"webhook_url": "https://bot.example.org/", "webhook_secret": SECRET, "webhook_listen": "8443"}, "COPROD_WEBHOOK_LISTEN"),
        ({"webhook_url": "https://bot.example.org/", "webhook_secret": SECRET, "webhook_listen": "h:0"}, "COPROD_WEBHOOK_LISTEN"),
        ({"webhook_url": "https://bot.example.org/", "webhook_secret": SECRET, "webhook_listen": "h:65536"}, "COPROD_WEBHOOK_LISTEN"),
        ({"webhook_url": "https://bot.example.org/", "webhook_secret": SECRET, "webhook_listen": "h:port"}, "COPROD_WEBHOOK_LISTEN"),
    ],
)
def test_a_wrong_webhook_setting_is_one_line_and_exit_2(capsys, values, variable):
    flags = [part for name, value in values.items() for part in (f"--{name.replace('_', '-')}", value)]
    status = cli.main(["--token", TOKEN, *flags, "run"])
    err = capsys.readouterr().err
    assert status == cli.EXIT_CONFIG
    assert err.count("\n") == 1 and variable in err and "Traceback" not in err


def test_plain_http_is_allowed_only_on_this_machine():
    assert load(webhook_url="http://127.0.0.1:8443/telegram", webhook_secret=SECRET).webhook is not None
    with pytest.raises(config.ConfigError):
        load(webhook_url="http://192.0.2.1/telegram", webhook_secret=SECRET)


async def test_a_port_already_taken_is_one_clear_error(unused_tcp_port):
    import socket

    from bot.domain.errors import ConfigError

    taken = socket.socket()
    taken.bind(("127.0.0.1", unused_tcp_port))
    taken.listen()
    source = WebhookSource(config.Webhook("http://127.0.0.1/x", SECRET, "127.0.0.1", unused_tcp_port))
    try:
        with pytest.raises(ConfigError, match="cannot listen"):
            await source._serve(type("App", (), {"services": None})())
    finally:
        taken.close()


def test_no_credential_is_in_the_configuration_s_repr_or_any_log_line():
    loaded = load(webhook_url="https://bot.example.org/telegram", webhook_secret="w3bh00k-s3cret-value",
                  db="postgresql://coprod:pa55-w0rd-value@db.example.org/coprod")  # fmt: skip
    assert loaded.secrets == [TOKEN, "w3bh00k-s3cret-value", "pa55-w0rd-value"]
    shown = repr(loaded)
    assert all(secret not in shown for secret in loaded.secrets)
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        logs.configure("INFO", loaded.secrets, stream)
        logging.getLogger("bot").info("config=%r url=%s/bot%s dsn=%s", loaded, loaded.api_url, loaded.token,
                                      loaded.database)  # fmt: skip
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    assert all(secret not in stream.getvalue() for secret in loaded.secrets)
    assert "[token]" in stream.getvalue()


@pytest.mark.parametrize("address", ["postgresql+asyncpg://bot:pa55-w0rd-value@db/x", "pg://bot:pa55-w0rd-value@db/x"])
def test_a_database_address_no_backend_takes_is_refused_without_its_password(address):
    with pytest.raises(config.ConfigError) as refused:
        load(db=address)
    assert "pa55-w0rd-value" not in str(refused.value) and "***" in str(refused.value)
