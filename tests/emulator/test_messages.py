"""Emulator: sending, limits, editing and deleting messages."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.emulator import BotApiEmulator
from tests.emulator import USER


async def test_length_and_empty_limits(emulator: BotApiEmulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(USER, "字" * 4097)
    # markup does not count: 4096 visible characters inside tags is fine
    await bot.send_message(USER, "<b>" + "字" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)text is empty"):
        await bot.send_message(USER, "   ")
    too_big = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "hi", reply_markup=too_big)
    assert len(emulator.sent_messages(USER)) == 1


async def test_edit_message(emulator: BotApiEmulator, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]])
    sent = await bot.send_message(USER, "v1", reply_markup=markup)
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("v1", USER, sent.message_id, reply_markup=markup)
    edited = await bot.edit_message_text(
        "<i>v2</i>", USER, sent.message_id, parse_mode=ParseMode.HTML
    )
    assert isinstance(edited, Message)
    assert edited.text == "v2"
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # like Telegram: omitted markup removes the keyboard
    (record,) = emulator.sent_messages(USER)
    assert record.plain == "v2"
    assert [v.plain for v in record.history] == ["v1"]
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", USER, 999)
    assert await bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(USER, sent.message_id)
