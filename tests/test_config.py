"""Configuration from the environment, the `check` command, and keeping secrets out of logs."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import time

import pytest

from bot.config import (
    DEFAULT_DATA_DIR,
    PROJECT_ROOT,
    ConfigError,
    RedactingFilter,
    Settings,
    configure_logging,
)

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789"
SECRET = "s3cr3t_webhook-value"


def problems(env: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env)
    assert str(info.value) == "; ".join(info.value.problems)
    return info.value.problems


def one_problem(env: dict[str, str], variable: str) -> str:
    found = problems(env)
    assert len(found) == 1, found
    assert variable in found[0]
    return found[0]


# --------------------------------------------------------------------------- from_env


def test_console_mode_without_token() -> None:
    settings = Settings.from_env({})
    assert settings.token is None
    assert settings.mode == "console"
    assert settings.port == 8080
    assert settings.log_level == "INFO"
    assert settings.digest_time == time(9, 0)
    assert settings.timezone.key == "Asia/Shanghai"
    assert settings.data_dir == DEFAULT_DATA_DIR


def test_polling_and_webhook_modes() -> None:
    assert Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN}).mode == "polling"
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "WEBHOOK_URL": "https://bot.example.org/telegram",
            "WEBHOOK_SECRET": SECRET,
            "PORT": "8443",
            "BOT_ADMIN_IDS": "11111, 22222;33333",
            "LOG_LEVEL": "debug",
            "DIGEST_TIME": "08:30",
            "TIMEZONE": "Asia/Taipei",
        }
    )
    assert settings.mode == "webhook"
    assert settings.port == 8443
    assert settings.admin_ids == frozenset({11111, 22222, 33333})
    assert settings.log_level == "DEBUG"
    assert settings.digest_time == time(8, 30)
    assert settings.timezone.key == "Asia/Taipei"


def test_invalid_token_names_the_variable_without_echoing_it() -> None:
    bad = "not-a-token-but-maybe-a-secret"
    message = one_problem({"TELEGRAM_BOT_TOKEN": bad}, "TELEGRAM_BOT_TOKEN")
    assert bad not in message


def test_webhook_url_without_secret() -> None:
    one_problem(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://bot.example.org/hook"},
        "WEBHOOK_SECRET",
    )


def test_http_webhook_on_a_public_host() -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "WEBHOOK_URL": "http://bot.example.org/hook",
        "WEBHOOK_SECRET": SECRET,
    }
    assert "https" in one_problem(env, "WEBHOOK_URL")


def test_http_webhook_on_localhost_is_allowed() -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "WEBHOOK_URL": "http://127.0.0.1:8443/hook",
        "WEBHOOK_SECRET": SECRET,
    }
    assert Settings.from_env(env).webhook_url == "http://127.0.0.1:8443/hook"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PORT", "abc"),
        ("PORT", "0"),
        ("PORT", "70000"),
        ("BOT_ADMIN_IDS", "123,abc"),
        ("LOG_LEVEL", "LOUD"),
        ("DIGEST_TIME", "25:00"),
        ("DIGEST_TIME", "9am"),
        ("TIMEZONE", "Mars/Olympus_Mons"),
        ("TIMEZONE", "../../etc/passwd"),
        ("WEBHOOK_SECRET", "has spaces!"),
        ("TELEGRAM_API_BASE_URL", "ftp://example.org/bot"),
        ("RATE_LIMIT_OVERALL", "-1"),
        ("RATE_LIMIT_GROUP", "fast"),
        ("DATA_DIR", "/nonexistent/data/folder"),
    ],
)
def test_a_bad_value_is_one_problem_naming_the_variable(variable: str, value: str) -> None:
    one_problem({variable: value}, variable)


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        {
            "TELEGRAM_BOT_TOKEN": "bad",
            "PORT": "abc",
            "BOT_ADMIN_IDS": "x",
            "LOG_LEVEL": "LOUD",
            "DIGEST_TIME": "25:00",
            "TIMEZONE": "Nowhere/City",
        }
    )
    names = ["TELEGRAM_BOT_TOKEN", "PORT", "BOT_ADMIN_IDS", "LOG_LEVEL", "DIGEST_TIME", "TIMEZONE"]
    assert len(found) == len(names)
    for name, problem in zip(names, found, strict=True):
        assert name in problem


# --------------------------------------------------------------------------- python -m bot check


def run_bot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=clean,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_with_a_bad_env_exits_2_with_one_line_per_problem() -> None:
    result = run_bot(
        "check", env={"TELEGRAM_BOT_TOKEN": "bad", "PORT": "abc", "TIMEZONE": "Nowhere/City"}
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3, result.stderr
    for line, name in zip(lines, ["TELEGRAM_BOT_TOKEN", "PORT", "TIMEZONE"], strict=True):
        assert line.startswith("configuration error: ")
        assert name in line


def test_check_with_a_good_env_exits_0() -> None:
    result = run_bot("check", env={"TELEGRAM_BOT_TOKEN": TOKEN})
    assert result.returncode == 0, result.stderr
    assert "mode polling" in result.stdout
    assert TOKEN not in result.stdout + result.stderr


# --------------------------------------------------------------------------- logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    others = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "apscheduler")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in others.items():
        logging.getLogger(name).setLevel(old)


def formatted(record: logging.LogRecord, secrets: list[str]) -> str:
    assert RedactingFilter(secrets).filter(record) is True
    return logging.Formatter("%(levelname)s %(message)s").format(record)


def make_record(
    msg: str, args: tuple[object, ...] = (), exc_info: object = None
) -> logging.LogRecord:
    return logging.LogRecord("test", logging.INFO, __file__, 1, msg, args, exc_info)  # type: ignore[arg-type]


def test_redacts_the_token_in_the_message() -> None:
    text = formatted(make_record(f"GET https://api.telegram.org/bot{TOKEN}/getMe"), [TOKEN])
    assert TOKEN not in text
    assert "bot[REDACTED]/getMe" in text


def test_redacts_the_token_in_the_arguments() -> None:
    record = make_record("calling %s with %d", (f"https://api.telegram.org/bot{TOKEN}/x", 3))
    text = formatted(record, [TOKEN, SECRET])
    assert TOKEN not in text
    assert "[REDACTED]" in text and "with 3" in text


def test_redacts_the_token_in_an_exception_traceback() -> None:
    try:
        raise RuntimeError(f"request to /bot{TOKEN}/sendMessage failed, secret {SECRET}")
    except RuntimeError:
        record = make_record("send failed", exc_info=sys.exc_info())
    text = formatted(record, [TOKEN, SECRET])
    assert "Traceback" in text and "RuntimeError" in text
    assert TOKEN not in text and SECRET not in text
    assert text.count("[REDACTED]") == 2


def test_leaves_records_without_secrets_alone() -> None:
    record = make_record("hello %s", ("world",))
    assert formatted(record, [TOKEN]) == "INFO hello world"
    assert record.args == ("world",)


def test_configure_logging(restore_logging: None) -> None:
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    configure_logging(Settings(token=TOKEN, webhook_secret=SECRET, log_level="DEBUG"))
    root = logging.getLogger()
    assert root.level == logging.DEBUG
    assert logging.getLogger("httpx").level == logging.WARNING
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    (handler,) = root.handlers
    redacting = [f for f in handler.filters if isinstance(f, RedactingFilter)]
    assert redacting and set(redacting[0].secrets) == {TOKEN, SECRET}
