"""Temporary smoke test of the harness (replaced by test_bot_e2e.py)."""

from bot.emulator import BotApiEmulator
from tests.conftest import RunningBot, feed


async def test_polling_start(running_bot: RunningBot) -> None:
    replies = await running_bot.say(1001, "/start")
    assert "你好" in (replies[0].plain or "")


async def test_offline(offline_app, emulator: BotApiEmulator) -> None:
    await feed(offline_app, emulator.user_message(1001, "宋涛什么时候来广州考察"))
    assert "宋涛" in (emulator.last_message(1001).plain or "")
