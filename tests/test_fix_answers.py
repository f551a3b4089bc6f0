"""Fixing answers from the chat: /stats lists unanswered and 👎 questions with buttons, the admin
picks the right item (by words or id), and the question is answered that way at once and after
a restart. End to end over the emulator."""

from __future__ import annotations

import pytest

from bot.emulator import SentMessage
from bot.search import learned_key
from tests.conftest import ADMIN_ID, USER_ID, RunningBot, eventually, start_bot, stop_bot

pytestmark = pytest.mark.asyncio

UNANSWERED = "台湾生意人学习班在哪报名"


def button(message: SentMessage, prefix: str) -> str:
    return next(d for d in message.callback_data if d.startswith(prefix))


async def press(bot: RunningBot, chat: int, message: SentMessage, data: str, expect: int = 1):
    before = len(bot.bot_messages(chat))
    bot.emulator.callback_query(chat, chat, message.message_id, data)
    return await bot.wait_messages(chat, before + expect)


async def fix_via_stats(bot: RunningBot, words: str, item_id: str) -> SentMessage:
    await bot.application.bot_data["services"].flush_questions()
    (stats,) = await bot.say(ADMIN_ID, "/stats")
    assert UNANSWERED in (stats.plain or "")
    fix = button(stats, "FIX ")
    (ask,) = await press(bot, ADMIN_ID, stats, fix)
    assert UNANSWERED in (ask.plain or "")
    (pick,) = await bot.say(ADMIN_ID, words)
    assert f"LEARN {item_id}" in pick.callback_data
    (done,) = await press(bot, ADMIN_ID, pick, f"LEARN {item_id}")
    return done


async def test_an_admin_fixes_an_unanswered_question_and_it_sticks(emulator, kb, tmp_path) -> None:
    bot = await start_bot(emulator, kb, tmp_path)
    try:
        (refused,) = await bot.say(USER_ID, UNANSWERED)
        assert "没有找到" in (refused.plain or "")
        done = await fix_via_stats(bot, "台商大讲堂", "integration-02")
        assert "✅" in (done.plain or "")
        (fixed,) = await bot.say(USER_ID + 5, UNANSWERED)
        assert "广州台商大讲堂" in (fixed.plain or "")
        # The admin's next message is a question again, not search words.
        (normal,) = await bot.say(ADMIN_ID, "宋涛什么时候来广州考察")
        assert "宋涛" in (normal.plain or "") and "LEARN" not in str(normal.callback_data)
    finally:
        await stop_bot(bot)
    again = await start_bot(emulator, kb, tmp_path)  # the same database: a restart
    try:
        (after_restart,) = await again.say(USER_ID + 6, UNANSWERED + "？")
        assert "广州台商大讲堂" in (after_restart.plain or "")
        aliases = again.storage.learned_aliases()
        assert [(a.key, a.item_id) for a in aliases] == [
            (learned_key(UNANSWERED), "integration-02")
        ]
    finally:
        await stop_bot(again)


async def test_fixing_by_item_id_and_cancelling(running_bot: RunningBot) -> None:
    await running_bot.say(USER_ID, UNANSWERED)
    await running_bot.application.bot_data["services"].flush_questions()
    (stats,) = await running_bot.say(ADMIN_ID, "/stats")
    (ask,) = await press(running_bot, ADMIN_ID, stats, button(stats, "FIX "))
    assert "integration-02" in (ask.plain or "")  # the prompt shows what an id looks like
    (pick,) = await running_bot.say(ADMIN_ID, "youth-04")
    assert [d for d in pick.callback_data if d.startswith("LEARN ")] == [
        "LEARN youth-04",
        "LEARN -",
    ]
    (cancelled,) = await press(running_bot, ADMIN_ID, pick, "LEARN -")
    assert "取消" in (cancelled.plain or "")
    (still,) = await running_bot.say(USER_ID + 1, UNANSWERED)
    assert "没有找到" in (still.plain or "")


async def test_a_non_admin_cannot_fix(running_bot: RunningBot) -> None:
    (stats,) = await running_bot.say(USER_ID, "/stats")
    assert not stats.callback_data
    before = len(running_bot.bot_messages(USER_ID))
    running_bot.emulator.callback_query(USER_ID, USER_ID, stats.message_id, "FIX 0")
    await eventually(lambda: bool(running_bot.emulator.callback_answers))
    await running_bot.settle()
    assert len(running_bot.bot_messages(USER_ID)) == before  # only the press is answered


async def test_a_thumbs_down_question_is_offered_for_fixing(running_bot: RunningBot) -> None:
    (answer,) = await running_bot.say(USER_ID, "宋涛什么时候来广州考察")
    await press(running_bot, USER_ID, answer, button(answer, "FB ").replace(" 1", " -1"), 0)
    await running_bot.settle()
    (stats,) = await running_bot.say(ADMIN_ID, "/stats")
    assert any(d.startswith("FIX ") for d in stats.callback_data)
