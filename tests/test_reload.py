"""Reload without a restart: /reload and SIGHUP swap in new reports atomically, or keep the old.

End to end over the emulator: a report dropped into the data folder answers after /reload, its
topic commands work and reach the command menus; a broken file is refused with file and line
while the old data keeps serving; questions that arrive during a reload all get answers.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import DEFAULT_DATA_DIR
from bot.emulator import BotApiEmulator
from bot.report import KnowledgeBase
from handlers.admin import install_reload_signal
from tests.conftest import ADMIN_ID, USER_ID, RunningBot, eventually, start_bot, stop_bot
from tests.test_reports_together import SECOND_REPORT

pytestmark = pytest.mark.asyncio


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    for part in ("reports", "source"):
        shutil.copytree(DEFAULT_DATA_DIR / part, folder / part)
    shutil.copy(DEFAULT_DATA_DIR / "lexicon.yaml", folder / "lexicon.yaml")
    return folder


@pytest.fixture
async def bot(
    emulator: BotApiEmulator, kb: KnowledgeBase, tmp_path: Path, data_dir: Path
) -> RunningBot:
    running = await start_bot(emulator, kb, tmp_path, lambda s: replace(s, data_dir=data_dir))
    yield running  # type: ignore[misc]
    await stop_bot(running)


async def test_a_new_report_answers_after_reload(bot: RunningBot, data_dir: Path) -> None:
    (before,) = await bot.say(USER_ID, "深圳的台青创业基地新入驻了多少团队")
    assert "没有找到" in (before.plain or "")
    (data_dir / "reports" / "sz2024.yaml").write_text(SECOND_REPORT, encoding="utf-8")
    (done,) = await bot.say(ADMIN_ID, "/reload")
    assert "✅" in (done.plain or "") and "2024年深圳市对台工作成果及亮点" in (done.plain or "")
    (after,) = await bot.say(USER_ID, "深圳的台青创业基地新入驻了多少团队")
    assert "新入驻台青团队25家" in (after.plain or "")
    assert "2024年深圳市对台工作成果及亮点" in (after.plain or "")  # names its report
    (topic,) = await bot.say(USER_ID, "/sz_youth")
    assert "第十届深台青年论坛" in (topic.plain or "")
    menus = [call for call in bot.emulator.calls if call.method == "setMyCommands"]
    assert any("sz_youth" in str(call.params.get("commands")) for call in menus[-3:])


async def test_broken_data_is_refused_and_the_old_data_keeps_serving(
    bot: RunningBot, data_dir: Path
) -> None:
    (data_dir / "reports" / "sz2024.yaml").write_text(
        SECOND_REPORT.replace("number: 2", "number: two"), encoding="utf-8"
    )
    (refused,) = await bot.say(ADMIN_ID, "/reload")
    text = refused.plain or ""
    assert "⚠️" in text
    assert "reports/sz2024.yaml:" in text and "number" in text  # file, line and the key
    (answer,) = await bot.say(USER_ID, "台商大讲堂")
    assert "广州台商大讲堂" in (answer.plain or "")
    (topic,) = await bot.say(USER_ID, "/youth")
    assert "支持台青筑梦圆梦" in (topic.plain or "")


async def test_only_admins_may_reload(bot: RunningBot, data_dir: Path) -> None:
    (data_dir / "reports" / "sz2024.yaml").write_text(SECOND_REPORT, encoding="utf-8")
    (reply,) = await bot.say(USER_ID, "/reload")
    assert "管理员" in (reply.plain or "")
    (still,) = await bot.say(USER_ID, "/sz_youth")
    assert "第十届深台青年论坛" not in (still.plain or "")


async def test_no_question_is_lost_during_a_reload(bot: RunningBot, data_dir: Path) -> None:
    (data_dir / "reports" / "sz2024.yaml").write_text(SECOND_REPORT, encoding="utf-8")
    users = [5000 + n for n in range(40)]
    for user in users[:20]:
        bot.emulator.user_message(user, "台商大讲堂")
    bot.emulator.user_message(ADMIN_ID, "/reload")
    for user in users[20:]:
        bot.emulator.user_message(user, "台商大讲堂")
    await eventually(lambda: all(bot.bot_messages(u) for u in users), timeout=30)
    for user in users:
        (reply,) = bot.bot_messages(user)
        assert "广州台商大讲堂" in (reply.plain or "")


async def test_sighup_reloads(bot: RunningBot, data_dir: Path) -> None:
    install_reload_signal(bot.application)
    (data_dir / "reports" / "sz2024.yaml").write_text(SECOND_REPORT, encoding="utf-8")
    os.kill(os.getpid(), signal.SIGHUP)
    services = bot.application.bot_data["services"]
    await eventually(lambda: len(services.kb.reports) == 2)
    (topic,) = await bot.say(USER_ID, "/sz_youth")
    assert "第十届深台青年论坛" in (topic.plain or "")
    asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)


async def test_sighup_with_broken_data_tells_the_admins(bot: RunningBot, data_dir: Path) -> None:
    install_reload_signal(bot.application)
    (data_dir / "reports" / "sz2024.yaml").write_text("schema: 1\nreport: [", encoding="utf-8")
    os.kill(os.getpid(), signal.SIGHUP)
    (warning,) = await bot.wait_messages(ADMIN_ID, 1)
    assert "⚠️" in (warning.plain or "") and "sz2024.yaml" in (warning.plain or "")
    asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)


async def test_add_ingests_a_dropped_report_and_the_running_bot_answers(
    bot: RunningBot, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's "adding a report": drop the file, run one command, the bot answers."""
    from bot.cli import main
    from bot.main import pid_path

    install_reload_signal(bot.application)
    services = bot.application.bot_data["services"]
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.setenv("DATABASE_PATH", str(services.settings.database_path))
    pid_path(services.settings).write_text(str(os.getpid()), encoding="utf-8")
    dropped = data_dir / "source" / "2024-shenzhen-report.txt"
    shutil.copy(DEFAULT_DATA_DIR / "eval" / "fiction" / "2024-shenzhen-report.txt", dropped)
    assert main(["add", str(dropped)]) == 0
    assert (data_dir / "reports" / "shenzhen2024.yaml").exists()
    await eventually(lambda: len(services.kb.reports) == 2)
    (answer,) = await bot.say(USER_ID, "深圳45条是什么时候出台的")
    assert "2024年深圳市对台工作成果及亮点" in (answer.plain or "")
    asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
