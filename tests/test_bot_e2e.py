"""End to end: the real Application polling a local Bot API emulator over HTTP.

Each test talks to the bot as a Telegram user would and asserts on what the bot sent. The
emulator rejects what Telegram rejects (bad HTML, over-long texts, oversized callback data), so
an escaping or length bug fails here as it would in production.
"""

from __future__ import annotations

import socket
import sqlite3
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from bot.app import build_application
from bot.emulator import BotApiEmulator
from bot.main import start_webhook, stop_webhook
from bot.report import KnowledgeBase
from bot.storage import Storage
from tests.conftest import USER_ID, RunningBot, make_settings

pytestmark = pytest.mark.asyncio


def button_data(message: object) -> list[str]:
    return list(getattr(message, "callback_data", []))


async def test_start_welcomes_with_topic_buttons(running_bot: RunningBot) -> None:
    (reply,) = await running_bot.say(USER_ID, "/start")
    assert "2023年广州市对台工作成果及亮点" in (reply.plain or "")
    data = button_data(reply)
    assert "SEC visits 1" in data and "SEC youth 1" in data
    assert len(data) == 11  # 3 topics, 7 highlights and the timeline picture
    assert data[-1] == "TL"


async def test_start_deep_links_open_an_item_and_a_topic(running_bot: RunningBot) -> None:
    (item,) = await running_bot.say(USER_ID, "/start item_visits-02")
    assert "宋涛到海峡两岸青年就业创业基地" in (item.plain or "")
    (topic,) = await running_bot.say(USER_ID, "/start topic_youth")
    assert "支持台青筑梦圆梦" in (topic.plain or "")
    (missing,) = await running_bot.say(USER_ID, "/start item_nope")
    assert "没有找到这条内容" in (missing.plain or "")


async def test_topic_command_lists_its_items(running_bot: RunningBot) -> None:
    (reply,) = await running_bot.say(USER_ID, "/economy")
    text = reply.plain or ""
    assert "穗台经济交流合作" in text
    assert "33周年庆典" in text  # economy-04, quoted verbatim


async def test_long_topic_pages_with_buttons_editing_the_same_message(
    running_bot: RunningBot,
) -> None:
    (first,) = await running_bot.say(USER_ID, "/highlights")
    assert "SEC highlights 2" in button_data(first)
    assert "第 1/" in (first.plain or "")
    running_bot.emulator.callback_query(USER_ID, USER_ID, first.message_id, "SEC highlights 2")
    await running_bot.emulator.wait_for_method("editMessageText", chat_id=USER_ID)
    edited = running_bot.emulator.message(USER_ID, first.message_id)
    assert edited is not None and edited.edited
    assert "第 2/" in (edited.plain or "")
    assert len(running_bot.bot_messages(USER_ID)) == 1  # edited in place, nothing new
    assert "SEC highlights 1" in button_data(edited)  # ◀ back to page 1


async def test_simplified_question_gets_the_item_with_topic_and_date(
    running_bot: RunningBot,
) -> None:
    (reply,) = await running_bot.say(USER_ID, "宋涛什么时候来广州考察")
    text = reply.plain or ""
    assert "2023年7月，中央台办、国务院台办主任宋涛" in text
    assert "各级领导高度重视广州对台工作" in text and "2023年7月" in text
    data = button_data(reply)
    assert "FB visits-02 1" in data and "FB visits-02 -1" in data
    assert "SEC visits 1 new" in data


async def test_traditional_question_is_answered_in_traditional(running_bot: RunningBot) -> None:
    (reply,) = await running_bot.say(USER_ID, "臺青創業基地進駐了多少團隊")
    text = reply.plain or ""
    assert "189家" in text
    assert "臺青創業團隊" in text  # the quote itself in Traditional script
    assert "台青创业团队" not in text


async def test_set_question_lists_the_month_in_date_order(running_bot: RunningBot) -> None:
    (reply,) = await running_bot.say(USER_ID, "11月有哪些活动")
    text = reply.plain or ""
    for fragment in ("龙明彪", "王瑞军", "朱凤莲", "妇女会", "总闭营"):
        assert fragment in text


async def test_off_topic_question_says_not_in_the_report_with_suggestions(
    running_bot: RunningBot,
) -> None:
    (reply,) = await running_bot.say(USER_ID, "深圳台办2023年做了什么")
    assert "没有找到" in (reply.plain or "")
    assert any(d.startswith("SEC ") for d in button_data(reply))
    assert "MENU new" in button_data(reply)


async def test_feedback_is_stored_and_acknowledged(running_bot: RunningBot) -> None:
    (reply,) = await running_bot.say(USER_ID, "台湾调解员")
    running_bot.emulator.callback_query(USER_ID, USER_ID, reply.message_id, "FB integration-03 1")
    await running_bot.emulator.wait_for_method("answerCallbackQuery")
    assert running_bot.storage.feedback_counts()["up"] == 1
    assert running_bot.emulator.callback_answers[-1].params.get("text") == "谢谢反馈！"


async def test_inline_query_offers_items_and_shares_one(running_bot: RunningBot) -> None:
    emulator = running_bot.emulator
    emulator.inline_query(USER_ID, "台青创业基地")
    await emulator.wait_for_method("answerInlineQuery")
    results = emulator.inline_answers[-1].results
    assert results and results[0]["id"] == "youth-05"
    assert "<blockquote>" in results[0]["input_message_content"]["message_text"]
    emulator.inline_query(USER_ID, "")
    await emulator.wait_for(lambda _: len(emulator.inline_answers) == 2)
    featured = {r["id"] for r in emulator.inline_answers[-1].results}
    assert {"visits-01", "awards-01", "youth-01"} <= featured
    emulator.inline_query(USER_ID, "#story-03")
    await emulator.wait_for(lambda _: len(emulator.inline_answers) == 3)
    assert [r["id"] for r in emulator.inline_answers[-1].results] == ["story-03"]


async def test_unknown_command_gets_a_hint(running_bot: RunningBot) -> None:
    (reply,) = await running_bot.say(USER_ID, "/frobnicate")
    assert "/help" in (reply.plain or "")


async def test_bad_arguments_get_usage_lines(running_bot: RunningBot) -> None:
    (search,) = await running_bot.say(USER_ID, "/search")
    assert "/search" in (search.plain or "")
    (month,) = await running_bot.say(USER_ID, "/month 13")
    assert "1-12" in (month.plain or "")
    (november,) = await running_bot.say(USER_ID, "/month 11")
    assert "龙明彪" in (november.plain or "")


async def test_huge_message_is_answered_within_limits(running_bot: RunningBot) -> None:
    question = "台湾青年创业" + "啊" * 4994
    (reply,) = await running_bot.say(USER_ID, question)
    assert len(reply.plain or "") <= 4096
    assert "只按前 200 个字查找" in (reply.plain or "")


async def test_html_like_and_control_characters_are_escaped(running_bot: RunningBot) -> None:
    (reply,) = await running_bot.say(USER_ID, "<b>深圳</b> & <script>\u200b\x07")
    assert "&lt;b&gt;" in (reply.text or "")
    (emoji,) = await running_bot.say(USER_ID, "👍👍👍")
    assert emoji.plain  # some clear answer, never silence


async def test_stickers_and_edits_get_a_short_hint(running_bot: RunningBot) -> None:
    emulator = running_bot.emulator
    before = len(running_bot.bot_messages(USER_ID))
    emulator.sticker_message(USER_ID)
    (hint,) = await running_bot.wait_messages(USER_ID, before + 1)
    assert "文字" in (hint.plain or "")
    (answer,) = await running_bot.say(USER_ID, "宋涛")
    emulator.edited_message(USER_ID, answer.message_id - 1, "张志军")
    (edit_hint,) = await running_bot.wait_messages(USER_ID, before + 3)
    assert "修改" in (edit_hint.plain or "")


async def test_english_question_and_english_menu(running_bot: RunningBot) -> None:
    (reply,) = await running_bot.say(USER_ID + 1, "Taiwan youth internship", language_code="en")
    # The item's English translation, with the Chinese original one button away.
    assert "Guangzhou internship programme for Taiwanese university students" in (reply.plain or "")
    assert any(data.startswith("ORIG ") for data in button_data(reply))
    english = running_bot.emulator.commands(scope={"type": "all_private_chats"}, language_code="en")
    names = {c["command"] for c in english}
    assert {"start", "topics", "youth", "economy", "visits"} <= names
    youth = next(c for c in english if c["command"] == "youth")
    assert "young Taiwanese" in youth["description"]  # the English description
    groups = running_bot.emulator.commands(scope={"type": "all_group_chats"})
    assert "start" not in {c["command"] for c in groups}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_accepts_the_right_secret_and_refuses_a_wrong_one(
    emulator: BotApiEmulator, kb: KnowledgeBase, tmp_path: Path
) -> None:
    port = free_port()
    settings = replace(
        make_settings(emulator, tmp_path),
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        webhook_secret="right_secret",
        webhook_listen="127.0.0.1",
        port=port,
    )
    application = build_application(settings, kb, Storage(settings.database_path))
    server = await start_webhook(application, settings)
    try:
        assert any(c.method == "setWebhook" for c in emulator.calls)
        update = {
            "update_id": 5,
            "message": {
                "message_id": 1,
                "date": 1700000000,
                "chat": {"id": USER_ID, "type": "private", "first_name": "A"},
                "from": {"id": USER_ID, "is_bot": False, "first_name": "A"},
                "text": "宋涛",
            },
        }
        url = f"http://127.0.0.1:{port}/telegram"
        async with httpx.AsyncClient() as client:
            wrong = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            )
            assert wrong.status_code == 403
            right = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "right_secret"}
            )
            assert right.status_code == 200
            await emulator.wait_for_method("sendMessage", chat_id=USER_ID)
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert health.status_code == 200
        sent = [m for m in emulator.sent_messages(USER_ID) if m.from_bot]
        assert len(sent) == 1  # the refused post was never processed
        assert "宋涛" in (sent[0].plain or "")
    finally:
        await stop_webhook(application, server)


EXPIRED = "这个按钮已过期，请从专题目录重新选择。"


async def press(running_bot: RunningBot, message_id: int, data: str) -> list[str]:
    """Press a button with `data` on `message_id`; wait for the answer and the new message.
    Returns the new message's buttons."""
    emulator = running_bot.emulator
    answers = len(emulator.callback_answers)
    before = len(running_bot.bot_messages(USER_ID))
    emulator.callback_query(USER_ID, USER_ID, message_id, data)
    await emulator.wait_for(lambda _: len(emulator.callback_answers) > answers)
    (menu,) = await running_bot.wait_messages(USER_ID, before + 1)
    return button_data(menu)


@pytest.mark.parametrize(
    "data",
    [
        "OLDKEYBOARD 3",  # a prefix from before an update
        "MENU later",  # a known prefix, an unknown form
        "SEC gone 1",  # a section that no longer exists
        "SEC gone 1 new",
        "SEC",
        "ITEM visits-99",  # an item that no longer exists
        "ITEM ",
        "FB visits-99 1",
        "FB visits-02 5",  # a vote that is neither 1 nor -1
        "ANN x OK",
        "x" * 300,  # longer than Telegram's 64 bytes: forged
        "SEC " + "啊" * 80,
        "\x00\u202e<b>&amp;",
        "",
    ],
)
async def test_a_button_nobody_knows_is_answered_and_the_menu_shown(
    running_bot: RunningBot, data: str
) -> None:
    (answer,) = await running_bot.say(USER_ID, "宋涛什么时候来广州考察")
    menu = await press(running_bot, answer.message_id, data)
    assert running_bot.emulator.callback_answers[-1].params.get("text") == EXPIRED
    assert "SEC visits 1" in menu and "SEC youth 1" in menu  # the topic menu
    assert running_bot.emulator.message(USER_ID, answer.message_id) == answer  # left as it was


async def test_an_expired_button_is_answered_in_english_for_english_speakers(
    running_bot: RunningBot,
) -> None:
    emulator = running_bot.emulator
    emulator.callback_query(USER_ID, USER_ID, 1, "SEC gone 1", language_code="en")
    await emulator.wait_for_method("answerCallbackQuery")
    text = emulator.callback_answers[-1].params.get("text", "")
    assert text.startswith("This button has expired")
    (menu,) = await running_bot.wait_messages(USER_ID, 1)
    assert "SEC visits 1" in button_data(menu)


async def test_a_press_on_a_deleted_message_is_answered(running_bot: RunningBot) -> None:
    menu = await press(running_bot, 424242, "ITEM visits-99")  # Telegram: inaccessible message
    assert running_bot.emulator.callback_answers[-1].params.get("text") == EXPIRED
    assert "SEC visits 1" in menu


async def test_a_button_whose_handler_fails_is_still_answered(
    running_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    (answer,) = await running_bot.say(USER_ID, "台湾调解员")
    monkeypatch.setattr(running_bot.storage, "record_feedback", locked)
    emulator = running_bot.emulator
    emulator.callback_query(USER_ID, USER_ID, answer.message_id, "FB integration-03 1")
    await emulator.wait_for_method("answerCallbackQuery")
    assert emulator.callback_answers[-1].params.get("text") == "抱歉，出了点问题，请稍后再试。"
    (notice,) = await running_bot.wait_messages(USER_ID, 2)
    assert "出了点问题" in (notice.plain or "")


async def test_an_english_sentence_gets_english_even_from_a_chinese_client(
    running_bot: RunningBot,
) -> None:
    (english,) = await running_bot.say(
        USER_ID + 7, "When did Song Tao visit Guangzhou?", language_code="zh-hans"
    )
    assert "Translation" in (english.plain or "") or "Song Tao" in (english.plain or "")
    assert "宋涛考察汇龙科技园" not in (english.plain or "")
    # A lone Latin token is a name, not English: the Chinese setting decides.
    (name,) = await running_bot.say(USER_ID + 8, "TVBS", language_code="zh-hans")
    assert "台湾媒体" in (name.plain or "")
