"""Follow-ups and answer languages end to end: the bot polls the local emulator, and each test
talks to it in Simplified, Traditional or English as a person would.

`translated_kb` is the shipped (fully translated) data with two known translations swapped in,
so the tests can quote them; `untranslated_kb` has every translation removed, as a report
ingested without them would.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import load_kb
from bot.config import DEFAULT_DATA_DIR
from bot.conversation import CONTEXT_TTL
from bot.emulator import BotApiEmulator, SentMessage
from bot.normalize import to_traditional
from bot.render import LIST_PAGE
from bot.report import Item, KnowledgeBase
from bot.services import SERVICES_KEY, Services
from handlers.subscriptions import send_digest
from tests.conftest import RunningBot, start_bot, stop_bot

pytestmark = pytest.mark.asyncio

USER = 2001
OTHER = 2002
GROUP = -1002223334445
ALICE = 3001
BOB = 3002
TRANSLATIONS = {
    "visits-02": "In July 2023, Song Tao, director of the Taiwan Work Office of the CPC Central "
    "Committee and the Taiwan Affairs Office of the State Council, inspected the Guangzhou "
    "Huilong Information Industry Science Park, a cross-strait youth employment and "
    "entrepreneurship base.",
    "visits-03": "On 27 December 2023, Zhang Zhijun, president of the Association for Relations "
    "Across the Taiwan Straits, visited Guangzhou.",
}
VISITS_TITLE_EN = "Leaders at all levels value Guangzhou's Taiwan work"


@pytest.fixture(scope="module")
def translated_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    folder = tmp_path_factory.mktemp("data")
    shutil.copytree(DEFAULT_DATA_DIR, folder, dirs_exist_ok=True)
    path = folder / "reports" / "gz2023.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for topic in data["topics"]:
        if topic["id"] == "visits":
            topic["title_en"] = VISITS_TITLE_EN
        for item in topic.get("items", []):
            if item["id"] in TRANSLATIONS:
                item["text_en"] = TRANSLATIONS[item["id"]]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_kb(folder)


@pytest.fixture
async def english_bot(
    emulator: BotApiEmulator, translated_kb: KnowledgeBase, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    running = await start_bot(emulator, translated_kb, tmp_path)
    try:
        yield running
    finally:
        await stop_bot(running)


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def set_clock(running: RunningBot) -> FakeClock:
    clock = FakeClock()
    services: Services = running.application.bot_data[SERVICES_KEY]
    services.clock = clock
    return clock


async def one(running: RunningBot, chat: int, text: str, **kwargs: Any) -> SentMessage:
    (reply,) = await running.say(chat, text, **kwargs)
    return reply


async def press(running: RunningBot, chat: int, message: SentMessage, data: str) -> SentMessage:
    assert data in message.callback_data, message.callback_data
    before = len(running.bot_messages(chat))
    running.emulator.callback_query(chat, chat, message.message_id, data)
    (reply,) = await running.wait_messages(chat, before + 1)
    return reply


def text_of(message: SentMessage) -> str:
    return message.plain or ""


# ------------------------------------------------------------------------------ Simplified


async def test_simplified_month_follow_up_pick_details_and_more(running_bot: RunningBot) -> None:
    may = await one(running_bot, USER, "5月有哪些活动")
    assert "梁振英" in text_of(may)
    november = await one(running_bot, USER, "那11月呢？")
    assert "龙明彪" in text_of(november) and "梁振英" not in text_of(november)
    second = await one(running_bot, USER, "第二条")
    assert "王瑞军" in text_of(second) and "龙明彪" not in text_of(second)
    assert "本专题第 7/11 条" in text_of(second)
    # Neighbours in its topic, as buttons.
    assert {"ITEM visits-06", "ITEM visits-08"} <= set(second.callback_data)
    details = await one(running_bot, USER, "详细说说")
    assert "王瑞军" in text_of(details)
    following = await press(running_bot, USER, details, "ITEM visits-08")
    assert "钟挥锷" in text_of(following)
    assert "第 8/11 条" in text_of(following)


async def test_simplified_pick_after_a_topic_counts_the_list(running_bot: RunningBot) -> None:
    await one(running_bot, USER, "/awards")
    third = await one(running_bot, USER, "第三条")
    assert "2部对台宣传精品" in text_of(third)  # awards-03, not the 第三届 of awards-02
    assert "哩贺" not in text_of(third)
    page = await one(running_bot, USER, "更多")
    assert "汇龙科技信息产业园" in text_of(page) and "第 2/2 页" in text_of(page)
    end = await one(running_bot, USER, "还有吗")
    assert "已经全部列出了，共 7 条" in text_of(end)
    out = await one(running_bot, USER, "第九条")
    assert "只有 7 条" in text_of(out)


async def test_simplified_person_and_item_follow_ups(running_bot: RunningBot) -> None:
    await one(running_bot, USER, "宋涛什么时候来广州考察")
    zhang = await one(running_bot, USER, "那张志军呢？")
    assert "2023年12月27日，海峡两岸关系协会会长张志军到广州考察" in text_of(zhang)
    again = await one(running_bot, USER, "他还去了哪里？")
    assert "关于张志军的内容只有上面这一条" in text_of(again)
    how_many = await one(running_bot, USER, "这个活动有多少人参加？")
    assert "没有找到与“海协会会长张志军到广州考察有多少人参加”" in text_of(how_many)
    assert "ITEM visits-03" in how_many.callback_data  # the item, offered as "maybe"
    await one(running_bot, USER, "妇女会成立几周年")
    attended = await one(running_bot, USER, "这个活动有多少人参加？")
    assert "各界嘉宾约400人参加" in text_of(attended)


async def test_long_search_list_continues_with_more(running_bot: RunningBot) -> None:
    question = "台湾青年参加了哪些活动"
    services: Services = running_bot.application.bot_data[SERVICES_KEY]
    hits = services.index.search(question).hits
    assert len(hits) > LIST_PAGE  # the premise: a list longer than one message
    first = await one(running_bot, USER, question)
    assert f"还有 {len(hits) - LIST_PAGE} 条，发送“更多”继续看" in text_of(first)
    assert f"{LIST_PAGE + 1}. " not in text_of(first)
    rest = await one(running_bot, USER, "更多")
    assert f"第 {LIST_PAGE + 1}–{len(hits)} 条（共 {len(hits)} 条）" in text_of(rest)
    assert hits[LIST_PAGE].item.text in text_of(rest)
    end = await one(running_bot, USER, "更多")
    assert f"共 {len(hits)} 条" in text_of(end)
    picked = await one(running_bot, USER, f"第{LIST_PAGE + 1}条")
    assert hits[LIST_PAGE].item.text in text_of(picked)


async def test_new_question_wins_and_bare_numbers(running_bot: RunningBot) -> None:
    await one(running_bot, USER, "5月有哪些活动")
    fresh = await one(running_bot, USER, "台青创业基地入驻了多少团队")
    assert "189家" in text_of(fresh)
    await one(running_bot, USER, "11月有哪些活动")
    picked = await one(running_bot, USER, "3")
    assert "朱凤莲" in text_of(picked)
    # After an item, a bare number is no pick: it is searched, and the report has no "3".
    searched = await one(running_bot, USER, "3")
    assert "朱凤莲" not in text_of(searched)


async def test_follow_up_without_context_gets_a_hint(running_bot: RunningBot) -> None:
    for text in ("还有吗", "第二条", "原文"):
        reply = await one(running_bot, OTHER, text)
        assert "我不确定你指的是什么" in text_of(reply), text


# ------------------------------------------------------------------------------ Traditional


async def test_traditional_follow_ups(running_bot: RunningBot) -> None:
    await one(running_bot, USER, "5月有哪些活動")
    november = await one(running_bot, USER, "那11月呢？")
    assert "龍明彪" in text_of(november) and "梁振英" not in text_of(november)
    second = await one(running_bot, USER, "2")
    assert "王瑞軍" in text_of(second) and "本專題第 7/11 條" in text_of(second)
    await one(running_bot, USER, "宋濤什麼時候來廣州考察")
    zhang = await one(running_bot, USER, "那張志軍呢？")
    assert "海峽兩岸關係協會會長張志軍" in text_of(zhang)
    again = await one(running_bot, USER, "他還去了哪裡？")
    assert "關於張志軍的內容只有上面這一條" in text_of(again)
    how_many = await one(running_bot, USER, "這個活動有多少人參加？")
    assert "沒有找到與“海協會會長張志軍到廣州考察有多少人參加”" in text_of(how_many)
    await one(running_bot, USER, "/awards")
    third = await one(running_bot, USER, "第三個")
    assert "2部對臺宣傳精品" in text_of(third)
    assert "第 3/7 條" in text_of(third)
    details = await one(running_bot, USER, "詳細一點")
    assert "2部對臺宣傳精品" in text_of(details)  # the last item shown on its own
    page = await one(running_bot, USER, "還有嗎")
    assert "第 2/2 頁" in text_of(page)
    end = await one(running_bot, USER, "還有嗎")
    assert "已經全部列出了" in text_of(end)
    which = await one(running_bot, USER, "具體呢")
    assert "想看哪一條" in text_of(which)  # after a list, details of which one?


# ------------------------------------------------------------------------------ English


async def test_english_question_gets_the_translation_and_the_chinese_original(
    english_bot: RunningBot,
) -> None:
    answer = await one(english_bot, USER, "When did Song Tao visit Guangzhou?", language_code="en")
    text = text_of(answer)
    assert "Translation:" in text and TRANSLATIONS["visits-02"] in text
    assert VISITS_TITLE_EN in text  # the section's English title
    assert "宋涛" not in text
    original = await press(english_bot, USER, answer, "ORIG visits-02")
    assert "中文原文" in text_of(original)
    assert "2023年7月，中央台办、国务院台办主任宋涛" in text_of(original)
    zhang = await one(english_bot, USER, "and Zhang Zhijun?", language_code="en")
    assert TRANSLATIONS["visits-03"] in text_of(zhang)
    again = await one(english_bot, USER, "where else did he go?", language_code="en")
    assert "That is all the report says about Zhang Zhijun" in text_of(again)
    how_many = await one(english_bot, USER, "how many people attended it?", language_code="en")
    assert "has nothing on" in text_of(how_many)


@pytest.fixture(scope="module")
def untranslated_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    folder = tmp_path_factory.mktemp("data")
    shutil.copytree(DEFAULT_DATA_DIR, folder, dirs_exist_ok=True)
    path = folder / "reports" / "gz2023.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    def strip(section: dict[str, Any]) -> None:
        section.pop("title_en", None)
        for item in section.get("items", []):
            item.pop("text_en", None)
        for child in section.get("highlights", []):
            strip(child)

    for topic in data["topics"]:
        strip(topic)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_kb(folder)


async def test_english_readers_are_told_an_untranslated_report_is_chinese_only(
    emulator: BotApiEmulator, untranslated_kb: KnowledgeBase, tmp_path: Path
) -> None:
    running = await start_bot(emulator, untranslated_kb, tmp_path)
    try:
        november = await one(running, USER, "What happened in November?", language_code="en")
        assert "The report's text is in Chinese only" in text_of(november)
        await one(running, USER, "/youth", language_code="en")
        second = await one(running, USER, "the second one", language_code="en")
        text = text_of(second)
        assert untranslated_kb.items["youth-02"].text in text  # quoted in Chinese, and said so
        assert "The report's text is in Chinese only" in text
        assert not any(d.startswith("ORIG ") for d in second.callback_data)
    finally:
        await stop_bot(running)


async def test_english_lists_and_picks(english_bot: RunningBot) -> None:
    november = await one(english_bot, USER, "What happened in November?", language_code="en")
    assert "Matching items (5)" in text_of(november)
    assert "Translated from the Chinese original" in text_of(november)
    december = await one(english_bot, USER, "what about December?", language_code="en")
    assert TRANSLATIONS["visits-03"] in text_of(december)
    assert "Translated from the Chinese original" in text_of(december)
    first = await one(english_bot, USER, "the first one", language_code="en")
    assert (
        "item 3 of 11 in this topic" in text_of(first) and "ORIG visits-03" in first.callback_data
    )
    await one(english_bot, USER, "/youth", language_code="en")
    second = await one(english_bot, USER, "the second one", language_code="en")
    text = text_of(second)
    assert "Guangzhou internship programme" in text
    assert "Translation:" in text
    assert any(d.startswith("ORIG ") for d in second.callback_data)
    more = await one(english_bot, USER, "more", language_code="en")
    assert "That's all" in text_of(more)


async def test_language_command_sets_english_for_chinese_questions(
    english_bot: RunningBot,
) -> None:
    usage = await one(english_bot, USER, "/language")
    assert "自动" in text_of(usage) and "LANG en" in usage.callback_data
    done = await press(english_bot, USER, usage, "LANG en")
    assert "English" in text_of(done)
    answer = await one(english_bot, USER, "宋涛什么时候来广州考察")
    assert TRANSLATIONS["visits-02"] in text_of(answer)
    await one(english_bot, USER, "/language auto")
    chinese = await one(english_bot, USER, "宋涛什么时候来广州考察")
    assert "2023年7月，中央台办" in text_of(chinese) and "Translation" not in text_of(chinese)
    bad = await one(english_bot, USER, "/language klingon")
    assert "/language zh-hans" in text_of(bad)


# ------------------------------------------------------------------------------ expiry, groups


@dataclass(frozen=True)
class Script:
    """One language's words for the same conversation."""

    code: str  # the person's Telegram language_code
    may: str  # a question listing May's work
    second: str
    third: str
    more: str
    no_context: str  # part of the hint when there is nothing to follow


SCRIPTS = [
    Script("zh-hans", "5月有哪些活动", "第二条", "第三条", "更多", "我不确定你指的是什么"),
    Script("zh-hant", "5月有哪些活動", "第二條", "第三個", "還有嗎", "我不確定你指的是什麼"),
    Script("en", "What events were in July?", "the second one", "the third one", "more",
           "I'm not sure what you mean"),
]  # fmt: skip


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.code)
async def test_context_expires_after_fifteen_minutes_and_on_start(
    running_bot: RunningBot, script: Script
) -> None:
    clock = set_clock(running_bot)
    services: Services = running_bot.application.bot_data[SERVICES_KEY]
    listed = [h.item for h in services.index.search(script.may).hits]
    assert len(listed) >= 3
    say = partial(one, running_bot, USER, language_code=script.code)
    await say(script.may)
    clock.now += CONTEXT_TTL - timedelta(seconds=1)
    still = await say(script.second)
    assert to_script(listed[1], script) in text_of(still)  # a message keeps it alive
    clock.now += CONTEXT_TTL + timedelta(seconds=1)
    expired = await say(script.third)
    assert script.no_context in text_of(expired)
    await say(script.may)
    await say("/start")
    after_start = await say(script.more)
    assert script.no_context in text_of(after_start)


def to_script(item: Item, script: Script) -> str:
    """The item's text as the bot quotes it in that script (English: its translation)."""
    if script.code == "en":
        return item.text_en or item.text
    return to_traditional(item.text) if script.code == "zh-hant" else item.text


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.code)
async def test_two_people_in_a_group_keep_their_own_context(
    running_bot: RunningBot, script: Script
) -> None:
    emulator = running_bot.emulator
    emulator.add_chat(GROUP, "supergroup", title="穗台交流群")
    services: Services = running_bot.application.bot_data[SERVICES_KEY]
    listed = [h.item for h in services.index.search(script.may).hits]
    awards = running_bot.application.bot_data[SERVICES_KEY].kb.sections["awards"].all_items()
    say = partial(one, running_bot, GROUP, language_code=script.code)
    alice_list = await say(f"@gz_report_bot {script.may}", user_id=ALICE)
    bob_list = await say("/awards", user_id=BOB)
    alice = await say(script.third, user_id=ALICE, reply_to_message_id=alice_list.message_id)
    assert to_script(listed[2], script) in text_of(alice)  # the third of Alice's list
    bob = await say(script.third, user_id=BOB, reply_to_message_id=bob_list.message_id)
    assert to_script(awards[2], script) in text_of(bob)  # the third award, for Bob
    bob_more = await say(script.more, user_id=BOB, reply_to_message_id=bob.message_id)
    assert "2/2" in text_of(bob_more)  # Bob's topic goes on; Alice's list is untouched
    carol = await say(script.third, user_id=ALICE + 9, reply_to_message_id=alice_list.message_id)
    assert script.no_context in text_of(carol)  # replying to a list isn't having read it


async def test_only_group_admins_change_the_group_language(running_bot: RunningBot) -> None:
    emulator = running_bot.emulator
    emulator.add_chat(GROUP, "supergroup", title="穗台交流群")
    emulator.set_admins(GROUP, [ALICE])
    refused = await one(running_bot, GROUP, "/language en", user_id=BOB)
    assert "只有本群管理员" in text_of(refused)
    done = await one(running_bot, GROUP, "/language en", user_id=ALICE)
    assert "English" in text_of(done)
    answer = await one(running_bot, GROUP, "@gz_report_bot 宋涛什么时候来广州考察", user_id=BOB)
    assert "Song Tao inspects the Huilong tech park" in text_of(answer)
    record = running_bot.storage.get_chat(GROUP)
    assert record is not None and record.language == "en"


async def test_restart_loses_the_context_and_keeps_the_language(
    emulator: BotApiEmulator, translated_kb: KnowledgeBase, tmp_path: Path
) -> None:
    running = await start_bot(emulator, translated_kb, tmp_path)
    try:
        await one(running, USER, "/language zh-hant")
        listing = await one(running, USER, "5月有哪些活动")
        assert "梁振英在穗接受臺灣媒體採訪" in text_of(listing)
    finally:
        await stop_bot(running)
    running = await start_bot(emulator, translated_kb, tmp_path)
    try:
        lost = await one(running, USER, "第二条")
        assert "我不確定你指的是什麼" in text_of(lost)  # no context, still Traditional
        usage = await one(running, USER, "/language")
        assert "繁體中文" in text_of(usage)
    finally:
        await stop_bot(running)


async def test_digest_follows_the_chat_language(running_bot: RunningBot) -> None:
    await one(running_bot, USER, "/language en")
    await one(running_bot, USER, "/subscribe")
    assert await send_digest(running_bot.application, USER)
    digest = running_bot.bot_messages(USER)[-1]
    assert "Report digest" in text_of(digest)
