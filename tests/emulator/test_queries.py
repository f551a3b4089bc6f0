"""Emulator: callback and inline queries and their answers."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.error import BadRequest

from bot.emulator import BotApiEmulator
from tests.emulator import USER


async def test_answer_inline_query_limits(emulator: BotApiEmulator, bot: Bot) -> None:
    def article(i: int | str) -> InlineQueryResultArticle:
        return InlineQueryResultArticle(str(i), f"t{i}", InputTextMessageContent(f"m{i}"))

    update = emulator.inline_query(USER, "台湾")
    query_id = update["inline_query"]["id"]
    with pytest.raises(BadRequest, match=r"(?i)RESULTS_TOO_MUCH"):
        await bot.answer_inline_query(query_id, [article(i) for i in range(51)])
    with pytest.raises(BadRequest, match=r"(?i)RESULT_ID_DUPLICATE"):
        await bot.answer_inline_query(query_id, [article(1), article(1)])
    assert await bot.answer_inline_query(query_id, [article(i) for i in range(50)])
    (answer,) = emulator.inline_answers
    assert len(answer.results) == 50
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_inline_query(query_id, [article(1)])


async def test_callback_query_and_answer(emulator: BotApiEmulator, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("go", callback_data="go")]])
    sent = await bot.send_message(USER, "menu", reply_markup=markup)
    raw = emulator.callback_query(USER, USER, sent.message_id, "go")
    update = Update.de_json(raw, bot)
    assert update.callback_query is not None
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(update.callback_query.id, text="好")
    assert emulator.callback_answers[0].text == "好"
