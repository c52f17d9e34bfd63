"""Configuration from the environment (or the same as flags), validated before anything starts."""

from __future__ import annotations

import logging
import os
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import storage
from bot.domain import i18n
from bot.domain.errors import ConfigError

DEFAULT_API_URL = "https://api.telegram.org/bot"
_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{16,256}$")  # Telegram allows 1-256 of these; a short one is guessable
_LOOPBACK = ("127.0.0.1", "localhost", "::1")  # a local Bot API server or test fake may use http://

# (variable, flag, default, help): the single source for --help, the README table and loading.
OPTIONS = (
    ("TELEGRAM_BOT_TOKEN", "--token", None, "token from @BotFather (required to run)"),
    ("COPROD_API_URL", "--api-url", DEFAULT_API_URL, "Bot API base URL; the token is appended"),
    ("COPROD_DB", "--db", "./coprod.sqlite3",
     "SQLite database file, or a PostgreSQL URL (postgresql://user@host/db); created and migrated on start"),
    ("COPROD_LANGUAGE", "--language", "en", "default language of new groups"),
    ("COPROD_TIMEZONE", "--timezone", "Europe/London", "default time zone of new groups"),
    ("COPROD_LOG_LEVEL", "--log-level", "INFO", "logging level"),
    ("COPROD_SITE_DIR", "--site-dir", "./site", "folder of the groups' public pages (one unguessable folder per group)"),
    ("COPROD_SITE_URL", "--site-url", None, "address where that folder is served, shown to facilitators (optional)"),
    ("COPROD_WEBHOOK_URL", "--webhook-url", None,
     "receive updates by webhook at this https:// address instead of long polling (optional)"),
    ("COPROD_WEBHOOK_SECRET", "--webhook-secret", None,
     "secret Telegram sends with every webhook request: 16-256 of A-Z a-z 0-9 _ - (needed with a webhook)"),
    ("COPROD_WEBHOOK_LISTEN", "--webhook-listen", "127.0.0.1:8443",
     "host:port where the bot serves the webhook (and /healthz) for the proxy in front of it"),
)


@dataclass(frozen=True)
class Config:
    """The operator's configuration of this bot process (a group's own settings are in the database)."""

    token: str = field(repr=False)  # never in a repr, so never in a traceback's locals or a log line
    api_url: str = DEFAULT_API_URL
    # A SQLite file, or a PostgreSQL URL (which may hold a password: not in the repr either).
    database: Path | str = field(default=Path("./coprod.sqlite3"), repr=False)
    language: str = "en"
    timezone: str = "Europe/London"
    log_level: str = "INFO"
    site_dir: Path = Path("./site")
    site_url: str | None = None
    webhook: Webhook | None = None  # None: long polling

    @property
    def secrets(self) -> list[str]:
        """What no log line may show: the token, the webhook's secret, the database's password."""
        password = urllib.parse.urlsplit(self.database).password if isinstance(self.database, str) else None
        return [secret for secret in (self.token, self.webhook and self.webhook.secret, password) if secret]


@dataclass(frozen=True)
class Webhook:
    """Where Telegram delivers updates (``url``, behind the operator's proxy), the secret it
    proves itself with, and the address this process serves on."""

    url: str
    secret: str = field(repr=False)
    host: str = "127.0.0.1"
    port: int = 8443

    @property
    def path(self) -> str:
        """The path requests arrive on (the proxy passes the URL's path through)."""
        return urllib.parse.urlsplit(self.url).path or "/"


def _pick(flags: Mapping[str, str | None], environ: Mapping[str, str]) -> dict[str, str | None]:
    """Flags win over environment variables, which win over defaults."""
    chosen = {}
    for variable, flag, default, _help in OPTIONS:
        key = flag.removeprefix("--").replace("-", "_")
        chosen[key] = flags.get(key) or environ.get(variable) or default
    return chosen


def load_config(
    flags: Mapping[str, str | None],
    environ: Mapping[str, str] = os.environ,
    *,
    need_token: bool = True,
) -> Config:
    """The validated configuration; a :class:`ConfigError` names the first thing that is wrong."""
    values = _pick(flags, environ)
    token = values["token"] or ""
    if need_token and not _TOKEN.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is missing or malformed (expected the form 123456:ABC..., from @BotFather)"
            if token == ""
            else "TELEGRAM_BOT_TOKEN is malformed (expected the form 123456:ABC..., from @BotFather)"
        )
    if not i18n.is_supported(values["language"]):
        raise ConfigError(
            f"COPROD_LANGUAGE {values['language']!r} is not available; "
            f"choose one of {', '.join(i18n.available_languages())}"
        )
    try:
        ZoneInfo(values["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"COPROD_TIMEZONE {values['timezone']!r} is not a known time zone (e.g. Europe/London)"
        ) from None
    level = values["log_level"].upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ConfigError(f"COPROD_LOG_LEVEL {values['log_level']!r} is not a logging level")
    database: Path | str = values["db"]
    if not storage.is_server(database):
        database = Path(database)
        _check_writable(database)
    api_url = values["api_url"]
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError(f"COPROD_API_URL {api_url!r} must start with http:// or https://")
    return Config(
        token=token,
        api_url=api_url,
        database=database,
        language=values["language"],
        timezone=values["timezone"],
        log_level=level,
        site_dir=Path(values["site_dir"]),
        site_url=(values["site_url"] or "").rstrip("/") or None,
        webhook=_webhook(values),
    )


def _webhook(values: Mapping[str, str | None]) -> Webhook | None:
    url, secret, listen = values["webhook_url"], values["webhook_secret"], values["webhook_listen"] or ""
    if not url:
        return None
    parts = urllib.parse.urlsplit(url)
    loopback = parts.hostname in _LOOPBACK
    if not (parts.scheme == "https" or parts.scheme == "http" and loopback) or not parts.hostname:
        raise ConfigError(f"COPROD_WEBHOOK_URL {url!r} must be an https:// address (Telegram calls only those)")
    if not secret or not _SECRET.match(secret):
        raise ConfigError(
            "COPROD_WEBHOOK_SECRET is missing or malformed (16 to 256 of the letters A-Z a-z, digits, _ and -; "
            "for example: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"COPROD_WEBHOOK_LISTEN {listen!r} must be host:port, such as 127.0.0.1:8443")
    return Webhook(url=url, secret=secret, host=host.strip("[]"), port=int(port))


def _check_writable(database: Path) -> None:
    folder = database.resolve().parent
    if database.exists():
        if not os.access(database, os.R_OK | os.W_OK):
            raise ConfigError(f"COPROD_DB {storage.shown(database)!r} is not readable and writable")
    elif not folder.is_dir() or not os.access(folder, os.W_OK):
        raise ConfigError(f"COPROD_DB {storage.shown(database)!r}: cannot create a file in {storage.shown(folder)!r}")
