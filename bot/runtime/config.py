"""Configuration from the environment (or the same as flags), validated before anything starts."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain import i18n
from bot.domain.errors import ConfigError

DEFAULT_API_URL = "https://api.telegram.org/bot"
_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")

# (variable, flag, default, help): the single source for --help, the README table and loading.
OPTIONS = (
    ("TELEGRAM_BOT_TOKEN", "--token", None, "token from @BotFather (required to run)"),
    ("COPROD_API_URL", "--api-url", DEFAULT_API_URL, "Bot API base URL; the token is appended"),
    ("COPROD_DB", "--db", "./coprod.sqlite3", "SQLite database file, created and migrated on start"),
    ("COPROD_LANGUAGE", "--language", "en", "default language of new groups"),
    ("COPROD_TIMEZONE", "--timezone", "Europe/London", "default time zone of new groups"),
    ("COPROD_LOG_LEVEL", "--log-level", "INFO", "logging level"),
    ("COPROD_SITE_DIR", "--site-dir", "./site", "folder of the groups' public pages (one unguessable folder per group)"),
    ("COPROD_SITE_URL", "--site-url", None, "address where that folder is served, shown to facilitators (optional)"),
)


@dataclass(frozen=True)
class Config:
    """The operator's configuration of this bot process (a group's own settings are in the database)."""

    token: str
    api_url: str = DEFAULT_API_URL
    database: Path = Path("./coprod.sqlite3")
    language: str = "en"
    timezone: str = "Europe/London"
    log_level: str = "INFO"
    site_dir: Path = Path("./site")
    site_url: str | None = None


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
    database = Path(values["db"])
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
    )


def _check_writable(database: Path) -> None:
    folder = database.resolve().parent
    if database.exists():
        if not os.access(database, os.R_OK | os.W_OK):
            raise ConfigError(f"COPROD_DB {str(database)!r} is not readable and writable")
    elif not folder.is_dir() or not os.access(folder, os.W_OK):
        raise ConfigError(f"COPROD_DB {str(database)!r}: cannot create a file in {str(folder)!r}")
