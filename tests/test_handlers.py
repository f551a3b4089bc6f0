"""Handlers through `Application.process_update` with real `Update` objects.

The bot's requests go to `EmulatorRequest`, a recording fake that answers from the emulator's
logic in-process (no HTTP, no polling), so each test is a direct call and its assertions read
the calls the handler made.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.emulator import BotApiEmulator
from bot.search import ReportIndex
from tests.conftest import ADMIN_ID, USER_ID, feed

GROUP = -1001234567890


def sent_texts(emulator: BotApiEmulator, chat_id: int) -> list[str]:
    return [m.plain or "" for m in emulator.sent_messages(chat_id) if m.from_bot]


async def test_post_init_registers_command_menus(
    offline_app: Any, emulator: BotApiEmulator
) -> None:
    private = {c["command"] for c in emulator.commands(scope={"type": "all_private_chats"})}
    assert {"start", "help", "topics", "search", "month", "youth", "story"} <= private
    assert "announce" not in private  # admin commands stay out of everyone's menu


def test_warm_up_reads_the_english_tables_before_any_question(index: ReportIndex) -> None:
    # No file is read on a user's first English question: start-up (post_init) read them.
    from bot.app import warm_up
    from bot.crosslingual import english_vocabulary
    from bot.wordfreq import english_frequencies

    english_vocabulary.cache_clear()
    english_frequencies.cache_clear()
    warm_up(index)
    assert english_frequencies.cache_info().currsize == 1
    assert english_vocabulary.cache_info().currsize == 1


async def test_help_lists_every_topic_command(offline_app: Any, emulator: BotApiEmulator) -> None:
    await feed(offline_app, emulator.user_message(USER_ID, "/help"))
    (text,) = sent_texts(emulator, USER_ID)
    for command in ("/visits", "/awards", "/highlights", "/party", "/integration", "/search"):
        assert command in text


async def test_question_in_private_chat_is_logged(
    offline_app: Any, emulator: BotApiEmulator
) -> None:
    await feed(offline_app, emulator.user_message(USER_ID, "聘请了几名台湾调解员"))
    (text,) = sent_texts(emulator, USER_ID)
    assert "20名台籍人士" in text
    services = offline_app.bot_data["services"]
    await services.flush_questions()
    assert services.storage.top_unanswered() == []
    assert services.storage.questions_since(datetime(2000, 1, 1, tzinfo=UTC)) == 1
    await feed(offline_app, emulator.user_message(USER_ID, "广州哪家早茶好吃"))
    await services.flush_questions()
    assert [q for q, _ in services.storage.top_unanswered()] == ["广州哪家早茶好吃"]


async def test_group_chatter_is_ignored_and_mentions_answered(
    offline_app: Any, emulator: BotApiEmulator
) -> None:
    emulator.add_chat(GROUP, "supergroup", title="讨论组")
    await feed(offline_app, emulator.user_message(GROUP, "今天开会吗", user_id=USER_ID))
    assert sent_texts(emulator, GROUP) == []
    await feed(offline_app, emulator.user_message(GROUP, "@gz_report_bot 宋涛", user_id=USER_ID))
    (answer,) = sent_texts(emulator, GROUP)
    assert "宋涛" in answer
    await feed(offline_app, emulator.user_message(GROUP, "/topics@other_bot", user_id=USER_ID))
    await feed(offline_app, emulator.user_message(GROUP, "/nonsense", user_id=USER_ID))
    assert len(sent_texts(emulator, GROUP)) == 1


async def test_menu_button_returns_to_the_topic_list(
    offline_app: Any, emulator: BotApiEmulator
) -> None:
    await feed(offline_app, emulator.user_message(USER_ID, "/party"))
    (page,) = [m for m in emulator.sent_messages(USER_ID) if m.from_bot]
    await feed(offline_app, emulator.callback_query(USER_ID, USER_ID, page.message_id, "MENU"))
    edited = emulator.message(USER_ID, page.message_id)
    assert edited is not None and "请选择专题" in (edited.plain or "")
    assert "SEC party 1" in edited.callback_data


async def test_pressing_the_current_page_changes_nothing_and_does_not_fail(
    offline_app: Any, emulator: BotApiEmulator
) -> None:
    await feed(offline_app, emulator.user_message(USER_ID, "/story"))
    (page,) = [m for m in emulator.sent_messages(USER_ID) if m.from_bot]
    await feed(
        offline_app, emulator.callback_query(USER_ID, USER_ID, page.message_id, "SEC story 1")
    )
    assert emulator.callback_answers  # the button press was acknowledged
    assert emulator.internal_errors == []


async def test_stale_button_for_a_removed_section_says_expired_and_shows_the_menu(
    offline_app: Any, emulator: BotApiEmulator
) -> None:
    await feed(offline_app, emulator.user_message(USER_ID, "/party"))
    (page,) = [m for m in emulator.sent_messages(USER_ID) if m.from_bot]
    await feed(
        offline_app, emulator.callback_query(USER_ID, USER_ID, page.message_id, "SEC gone 1")
    )
    assert "过期" in emulator.callback_answers[-1].params.get("text", "")
    *_, menu = [m for m in emulator.sent_messages(USER_ID) if m.from_bot]
    assert "请选择专题" in (menu.plain or "") and "SEC party 1" in menu.callback_data


async def test_channel_admins_can_subscribe_by_posting_the_command(
    offline_app: Any, emulator: BotApiEmulator
) -> None:
    channel = -1009876543210
    emulator.add_chat(channel, "channel", title="报告频道")
    await feed(offline_app, emulator.channel_post(channel, "/subscribe daily 07:45"))
    storage = offline_app.bot_data["services"].storage
    subscription = storage.get_subscription(channel)
    assert subscription is not None and (
        subscription.schedule.hour,
        subscription.schedule.minute,
    ) == (7, 45)
    (reply,) = sent_texts(emulator, channel)
    assert "Asia/Shanghai" in reply


async def test_announce_flags_count_only_before_the_text(
    offline_app: Any, emulator: BotApiEmulator
) -> None:
    storage = offline_app.bot_data["services"].storage
    storage.upsert_chat(USER_ID, "private", "someone")
    await feed(offline_app, emulator.user_message(ADMIN_ID, "/announce --all 请看 --pin 的说明"))
    (preview,) = sent_texts(emulator, ADMIN_ID)
    assert "请看 --pin 的说明" in preview
    broadcast = storage.get_broadcast(1)
    assert broadcast is not None and broadcast.audience == "active" and broadcast.pin is False


async def test_announce_is_not_taken_in_groups(offline_app: Any, emulator: BotApiEmulator) -> None:
    emulator.add_chat(GROUP, "supergroup", title="讨论组")
    await feed(offline_app, emulator.user_message(GROUP, "/announce 大家好", user_id=ADMIN_ID))
    assert sent_texts(emulator, GROUP) == []
    assert offline_app.bot_data["services"].storage.get_broadcast(1) is None


async def test_a_near_miss_is_offered_as_a_button_not_as_the_answer(
    offline_app: Any, emulator: BotApiEmulator
) -> None:
    await feed(offline_app, emulator.user_message(USER_ID, "台湾人在广州做生意能享受什么待遇"))
    (reply,) = [m for m in emulator.sent_messages(USER_ID) if m.from_bot]
    assert "没有找到" in (reply.plain or "")
    maybe = [d for d in reply.callback_data if d.startswith("ITEM ")]
    assert maybe, reply.callback_data
    await feed(offline_app, emulator.callback_query(USER_ID, USER_ID, reply.message_id, maybe[0]))
    opened = [m for m in emulator.sent_messages(USER_ID) if m.from_bot][-1]
    item = offline_app.bot_data["services"].kb.item(maybe[0].removeprefix("ITEM "))
    assert item.text in (opened.plain or "")
