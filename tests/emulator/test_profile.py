"""Emulator: the bot's commands per scope and language."""

from __future__ import annotations

import pytest
from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats
from telegram.error import BadRequest

from bot.emulator import BotApiEmulator


async def test_commands_round_trip(emulator: BotApiEmulator, bot: Bot) -> None:
    zh = [BotCommand("start", "开始"), BotCommand("report_2023", "报告")]
    en = [BotCommand("start", "Start")]
    assert await bot.set_my_commands(zh, language_code="zh")
    assert await bot.set_my_commands(en, scope=BotCommandScopeAllGroupChats())
    assert await bot.get_my_commands(language_code="zh") == tuple(zh)
    assert await bot.get_my_commands(scope=BotCommandScopeAllGroupChats()) == tuple(en)
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start", "x")])
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_DESCRIPTION_INVALID"):
        await bot.set_my_commands([BotCommand("start", "x" * 257)])
    assert await bot.delete_my_commands(language_code="zh")
    assert await bot.get_my_commands(language_code="zh") == ()
