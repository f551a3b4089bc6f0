"""Configuration from environment variables (and a `.env` file when present).

Every setting is read and checked here, once; a bad value is one clear line naming the variable
and the fix (`ConfigError`), which the CLI prints before exiting with status 2.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DATABASE = PROJECT_ROOT / "var" / "bot.sqlite3"
TELEGRAM_API = "https://api.telegram.org/bot"
TOKEN_PATTERN = re.compile(r"^[0-9]{5,}:[A-Za-z0-9_-]{30,}$")
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# name, default, example, meaning — the README's configuration table is generated from this.
VARIABLES: tuple[tuple[str, str, str, str], ...] = (
    ("TELEGRAM_BOT_TOKEN", "(none: console mode)", "123456:ABC-DEF…", "token from @BotFather"),
    ("TELEGRAM_API_BASE_URL", TELEGRAM_API, "http://127.0.0.1:8081/bot",
     "Bot API server (self-hosted or emulator)"),
    ("WEBHOOK_URL", "(none: polling)", "https://bot.example.org/telegram",
     "public HTTPS URL; enables webhook mode"),
    ("WEBHOOK_SECRET", "(required with WEBHOOK_URL)", "s3cr3t_token",
     "checked on every webhook request"),
    ("WEBHOOK_LISTEN", "0.0.0.0", "127.0.0.1", "address the webhook server binds"),
    ("PORT", "8080", "8443", "port the webhook server binds"),
    ("BOT_ADMIN_IDS", "(none)", "11111,22222", "Telegram user ids allowed to /announce, /stats"),
    ("DATABASE_PATH", "var/bot.sqlite3", "/data/bot.sqlite3", "SQLite database file"),
    ("DATA_DIR", "data", "/app/data", "folder with reports/ and lexicon.yaml"),
    ("LOG_LEVEL", "INFO", "DEBUG", "DEBUG, INFO, WARNING, ERROR"),
    ("DIGEST_TIME", "09:00", "08:30", "default time of day for /subscribe"),
    ("TIMEZONE", "Asia/Shanghai", "Asia/Taipei", "time zone of schedules and dates"),
    ("RATE_LIMIT_OVERALL", "30", "25", "messages per second, all chats"),
    ("RATE_LIMIT_GROUP", "20", "15", "messages per minute, per group"),
)  # fmt: skip


class ConfigError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    api_base_url: str = TELEGRAM_API
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "0.0.0.0"
    port: int = 8080
    admin_ids: frozenset[int] = frozenset()
    database_path: Path = DEFAULT_DATABASE
    data_dir: Path = DEFAULT_DATA_DIR
    log_level: str = "INFO"
    digest_time: time = time(9, 0)
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    rate_overall: float = 30.0
    rate_group: float = 20.0

    @property
    def api_file_url(self) -> str:
        base = self.api_base_url
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file"

    @property
    def mode(self) -> str:
        if not self.token:
            return "console"
        return "webhook" if self.webhook_url else "polling"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        problems: list[str] = []

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        token = get("TELEGRAM_BOT_TOKEN")
        if token and not TOKEN_PATTERN.match(token):
            problems.append(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (digits:letters); "
                "copy it from @BotFather, or unset it for console mode"
            )
        base_url = get("TELEGRAM_API_BASE_URL") or TELEGRAM_API
        if urlparse(base_url).scheme not in ("http", "https") or not urlparse(base_url).netloc:
            problems.append("TELEGRAM_API_BASE_URL must be an http(s) URL ending in /bot")
        webhook_url = get("WEBHOOK_URL")
        secret = get("WEBHOOK_SECRET")
        if webhook_url:
            parsed = urlparse(webhook_url)
            local = parsed.hostname in ("127.0.0.1", "localhost", "::1")
            if parsed.scheme != "https" and not (parsed.scheme == "http" and local):
                problems.append("WEBHOOK_URL must be an https:// URL (Telegram requires HTTPS)")
            if not secret:
                problems.append(
                    "WEBHOOK_SECRET is required with WEBHOOK_URL (1-256 of A-Z a-z 0-9 _ -)"
                )
        if secret and not SECRET_PATTERN.match(secret):
            problems.append("WEBHOOK_SECRET may only contain A-Z, a-z, 0-9, _ and - (1-256)")
        port = _int(get("PORT") or "8080", "PORT", problems, 1, 65535)
        admins: set[int] = set()
        for part in (get("BOT_ADMIN_IDS") or "").replace(";", ",").split(","):
            if part.strip():
                try:
                    admins.add(int(part))
                except ValueError:
                    problems.append(f"BOT_ADMIN_IDS: '{part.strip()}' is not a numeric user id")
        level = (get("LOG_LEVEL") or "INFO").upper()
        if level not in LOG_LEVELS:
            problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        digest_time = parse_time(get("DIGEST_TIME") or "09:00")
        if digest_time is None:
            problems.append("DIGEST_TIME must be HH:MM (24-hour), e.g. 09:00")
        try:
            tz = ZoneInfo(get("TIMEZONE") or "Asia/Shanghai")
        except (ZoneInfoNotFoundError, ValueError):
            problems.append("TIMEZONE must be an IANA zone name such as Asia/Shanghai")
            tz = ZoneInfo("UTC")
        rate_overall = _float(get("RATE_LIMIT_OVERALL") or "30", "RATE_LIMIT_OVERALL", problems)
        rate_group = _float(get("RATE_LIMIT_GROUP") or "20", "RATE_LIMIT_GROUP", problems)
        data_dir = Path(get("DATA_DIR") or DEFAULT_DATA_DIR)
        if not data_dir.is_dir():
            problems.append(f"DATA_DIR {data_dir} is not a folder; point it at the data/ folder")
        if problems:
            raise ConfigError(problems)
        return cls(
            token=token,
            api_base_url=base_url,
            webhook_url=webhook_url,
            webhook_secret=secret,
            webhook_listen=get("WEBHOOK_LISTEN") or "0.0.0.0",
            port=port,
            admin_ids=frozenset(admins),
            database_path=Path(get("DATABASE_PATH") or DEFAULT_DATABASE),
            data_dir=data_dir,
            log_level=level,
            digest_time=digest_time or time(9, 0),
            timezone=tz,
            rate_overall=rate_overall,
            rate_group=rate_group,
        )


def parse_time(text: str) -> time | None:
    match = re.fullmatch(r"([01]?[0-9]|2[0-3])[:：]([0-5][0-9])", text.strip())
    return time(int(match[1]), int(match[2])) if match else None


def _int(text: str, name: str, problems: list[str], low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        problems.append(f"{name} must be a whole number from {low} to {high}")
        return low
    return value


def _float(text: str, name: str, problems: list[str]) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0:
        problems.append(f"{name} must be a number ≥ 0 (0 turns the limit off)")
        return 0.0
    return value


class RedactingFilter(logging.Filter):
    """Replaces secrets (the bot token, the webhook secret) in every log record."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self.secrets:
            redacted = redacted.replace(secret, "[REDACTED]")
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                text = text.replace(secret, "[REDACTED]")
            record.exc_text, record.exc_info = text, None
        return True


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter([settings.token or "", settings.webhook_secret or ""]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    # httpx logs every request URL, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
