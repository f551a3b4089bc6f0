"""Emulator: injected faults (429, 403, migration, server errors)."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import Bot
from telegram.error import ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.emulator import BotApiEmulator
from tests.emulator import GROUP, SUPERGROUP, USER


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_faults_raise_ptb_exceptions(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.fail_next(USER, "retry_after", retry_after=7)
    with pytest.raises(RetryAfter) as retry:
        await bot.send_message(USER, "x")
    # int in PTB 22 (timedelta once PTB_TIMEDELTA is the default)
    assert retry.value.retry_after in (7, dtm.timedelta(seconds=7))
    await bot.send_message(USER, "now ok")

    emulator.fail_next(USER, "blocked")
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.send_message(USER, "x")

    emulator.fail_next(GROUP, "kicked")
    with pytest.raises(Forbidden, match=r"(?i)kicked"):
        await bot.send_message(GROUP, "x")

    emulator.fail_next(GROUP, "migrate", new_chat_id=SUPERGROUP)
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(GROUP, "x")
    assert migrated.value.new_chat_id == SUPERGROUP

    emulator.fail_next(None, "server_error", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(USER, "x")
    await bot.send_message(USER, "recovered")
    assert emulator.texts(USER) == ["now ok", "recovered"]


async def test_persistent_block_and_migration(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.block_chat(USER)
    for _ in range(3):
        with pytest.raises(Forbidden):
            await bot.send_message(USER, "x")
    emulator.unblock_chat(USER)
    await bot.send_message(USER, "back")

    emulator.migrate_chat(GROUP, SUPERGROUP)
    with pytest.raises(ChatMigrated):
        await bot.send_message(GROUP, "x")
    moved = await bot.send_message(SUPERGROUP, "y")
    assert moved.chat.type == "supergroup"
