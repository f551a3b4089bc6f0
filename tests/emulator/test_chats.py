"""Emulator: chats, members, rights and pins."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest

from bot.emulator import BotApiEmulator
from tests.emulator import SUPERGROUP


async def test_chat_members(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.add_chat(SUPERGROUP, "supergroup", title="测试群")
    emulator.set_admins(SUPERGROUP, [1001], can_pin=True, creator_id=1000)
    assert (await bot.get_chat_member(SUPERGROUP, 1001)).status == ChatMemberStatus.ADMINISTRATOR
    assert (await bot.get_chat_member(SUPERGROUP, 1000)).status == ChatMemberStatus.OWNER
    assert (await bot.get_chat_member(SUPERGROUP, 1002)).status == ChatMemberStatus.MEMBER
    me = await bot.get_chat_member(SUPERGROUP, emulator.bot_id)
    assert me.status == ChatMemberStatus.MEMBER
    sent = await bot.send_message(SUPERGROUP, "pin me")
    with pytest.raises(BadRequest, match=r"(?i)not enough rights"):
        await bot.pin_chat_message(SUPERGROUP, sent.message_id)
    emulator.set_bot_status(SUPERGROUP, "administrator", can_pin_messages=True)
    me = await bot.get_chat_member(SUPERGROUP, emulator.bot_id)
    assert me.status == ChatMemberStatus.ADMINISTRATOR
    assert me.can_pin_messages  # type: ignore[attr-defined]
    assert await bot.pin_chat_message(SUPERGROUP, sent.message_id)
    admins = await bot.get_chat_administrators(SUPERGROUP)
    assert {a.user.id for a in admins} == {1000, 1001, emulator.bot_id}
    chat = await bot.get_chat(SUPERGROUP)
    assert chat.title == "测试群"
    assert chat.type == "supergroup"
