"""Announcements end to end: /announce preview and buttons, delivery to many chats through
flood control, blocks and migrations, restarts in the middle, and questions answered meanwhile."""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator, SentMessage
from bot.report import KnowledgeBase
from bot.storage import Schedule, Storage
from tests.conftest import ADMIN_ID, USER_ID, RunningBot, eventually, start_bot, stop_bot

DAILY = Schedule("daily", 9, 0)
REPORT = re.compile(
    r"公告发送完成\s*成功 (?P<sent>\d+)，失败 (?P<failed>\d+)，已移除 (?P<removed>\d+)，"
    r"结果不确定 (?P<uncertain>\d+)，共 (?P<total>\d+)。"
)


# --------------------------------------------------------------------------------------------
# helpers


def private_ids(count: int, start: int = 3_000_000) -> list[int]:
    return [start + i for i in range(count)]


def supergroup_ids(count: int, start: int = -1_003_000_000_000) -> list[int]:
    return [start - i for i in range(count)]


def group_ids(count: int, start: int = -5_000_000) -> list[int]:
    return [start - i for i in range(count)]


def add_subscribed(storage: Storage, emulator: BotApiEmulator, chat_ids: Iterable[int]) -> None:
    """Chats the bot is in and that subscribed: in the database and in the emulator."""
    for chat_id in chat_ids:
        kind = "private" if chat_id > 0 else "supergroup" if chat_id < -(10**12) else "group"
        storage.upsert_chat(chat_id, kind, f"chat {chat_id}")
        storage.set_subscription(chat_id, DAILY, ADMIN_ID)
        emulator.add_chat(chat_id, kind)


def copies(emulator: BotApiEmulator, chat_id: int, text: str) -> int:
    """How many times the announcement reached a chat (successful sendMessage calls)."""
    return sum(1 for m in emulator.sent_messages(chat_id) if m.plain == text)


def delivered(emulator: BotApiEmulator, text: str) -> int:
    return sum(1 for m in emulator.sent_messages() if m.plain == text and m.chat_id != ADMIN_ID)


async def preview(running: RunningBot, command: str) -> SentMessage:
    (message,) = await running.say(ADMIN_ID, command)
    return message


def press(running: RunningBot, message: SentMessage, data: str, user_id: int = ADMIN_ID) -> None:
    assert data in message.callback_data, message.callback_data
    running.emulator.callback_query(message.chat_id, user_id, message.message_id, data)


async def confirm(running: RunningBot, text: str) -> tuple[int, SentMessage]:
    """/announce `text`, press Confirm; returns the broadcast id and the progress message."""
    message = await preview(running, f"/announce {text}")
    ok = next(data for data in message.callback_data if data.endswith(" OK"))
    press(running, message, ok)
    return int(ok.split()[1]), message


async def final_report(
    running: RunningBot, progress: SentMessage, timeout: float = 20.0
) -> dict[str, int]:
    """Wait for the final report edited into the admin's progress message; its counts."""

    def done() -> bool:
        stored = running.emulator.message(progress.chat_id, progress.message_id)
        return stored is not None and REPORT.search(stored.plain or "") is not None

    await eventually(done, timeout)
    stored = running.emulator.message(progress.chat_id, progress.message_id)
    assert stored is not None
    match = REPORT.search(stored.plain or "")
    assert match is not None
    return {key: int(value) for key, value in match.groupdict().items()}


@pytest.fixture
def bot_folder(tmp_path: Path) -> Iterator[Path]:
    """The database folder, in memory when the system has a tmpfs: these tests commit a few
    thousand (fsynced) delivery states, which a busy disk turns into tens of seconds."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir=shm, prefix="broadcast-test-") as name:
        yield Path(name)


# --------------------------------------------------------------------------------------------
# /announce: who may, preview, cancel, confirm


async def test_announce_preview_cancel_and_confirm(running_bot: RunningBot) -> None:
    emu, storage = running_bot.emulator, running_bot.storage

    (refused,) = await running_bot.say(USER_ID, "/announce 大家好")
    assert "只有机器人管理员" in (refused.plain or "")
    nothing = await preview(running_bot, "/announce 大家好")
    assert "没有可以发送的聊天" in (nothing.plain or "")
    usage = await preview(running_bot, "/announce")
    assert "用法" in (usage.plain or "")

    chats = [*private_ids(2), *supergroup_ids(2), *group_ids(1)]
    add_subscribed(storage, emu, chats)
    storage.upsert_chat(-1_004_000_000_000, "supergroup", "not subscribed")
    storage.upsert_chat(3_900_000, "private", "gone", active=False)
    storage.set_subscription(3_900_000, DAILY, ADMIN_ID)

    first = await preview(running_bot, "/announce 明天 <停电> 通知 & 安排")
    assert "公告预览" in (first.plain or "") and "5 个订阅的聊天" in (first.plain or "")
    assert "明天 <停电> 通知 & 安排" in (first.plain or "")  # escaped, shown as typed
    broadcast_id = int(first.callback_data[0].split()[1])
    assert first.callback_data == [f"ANN {broadcast_id} OK", f"ANN {broadcast_id} NO"]

    # Another user cannot press the admin's buttons.
    press(running_bot, first, f"ANN {broadcast_id} OK", user_id=USER_ID)
    await running_bot.settle()
    await eventually(lambda: len(emu.callback_answers) == 1)
    assert "只有机器人管理员" in (emu.callback_answers[-1].text or "")
    assert storage.get_broadcast(broadcast_id).status == "draft"  # type: ignore[union-attr]

    press(running_bot, first, f"ANN {broadcast_id} NO")
    await eventually(lambda: "公告已取消" in (emu.message(ADMIN_ID, first.message_id).plain or ""))  # type: ignore[union-attr]
    assert storage.get_broadcast(broadcast_id).status == "cancelled"  # type: ignore[union-attr]
    # A late Confirm on the cancelled preview does nothing.
    emu.callback_query(ADMIN_ID, ADMIN_ID, first.message_id, f"ANN {broadcast_id} OK")
    await eventually(lambda: len(emu.callback_answers) == 3)
    assert "已经处理过" in (emu.callback_answers[-1].text or "")
    await running_bot.settle()
    assert delivered(emu, "明天 <停电> 通知 & 安排") == 0

    text = "第二条：\n周六上午九点开放日"
    second_id, progress = await confirm(running_bot, text)
    assert second_id != broadcast_id
    counts = await final_report(running_bot, progress)
    assert counts == {"sent": 5, "failed": 0, "removed": 0, "uncertain": 0, "total": 5}
    assert all(copies(emu, chat_id, text) == 1 for chat_id in chats)  # line break kept
    assert delivered(emu, text) == 5
    assert storage.get_broadcast(second_id).status == "done"  # type: ignore[union-attr]

    assert copies(emu, -1_004_000_000_000, text) == copies(emu, 3_900_000, text) == 0

    # Pressing Confirm again (a double tap) sends nothing more.
    answers = len(emu.callback_answers)
    emu.callback_query(ADMIN_ID, ADMIN_ID, progress.message_id, f"ANN {second_id} OK")
    await eventually(lambda: len(emu.callback_answers) == answers + 1)
    assert "已经处理过" in (emu.callback_answers[-1].text or "")
    await running_bot.settle()
    assert delivered(emu, text) == 5


# --------------------------------------------------------------------------------------------
# one thousand chats, with flood control, blocks and migrations


async def test_broadcast_to_a_thousand_chats_with_faults(running_bot: RunningBot) -> None:
    emu, storage = running_bot.emulator, running_bot.storage
    privates, supergroups, groups = private_ids(600), supergroup_ids(380), group_ids(20)
    chats = [*privates, *supergroups, *groups]
    assert len(chats) == 1000
    add_subscribed(storage, emu, chats)

    blocked = privates[10:15]
    kicked = [*supergroups[20:23], groups[0]]
    migrated = {old: -1_009_000_000_000 - i for i, old in enumerate(groups[5:9])}
    flooded = [privates[100], supergroups[200]]
    flooded_hard = privates[300]  # more 429s than the rate limiter retries: the run waits
    for chat_id in blocked:
        emu.block_chat(chat_id, "blocked")
    for chat_id in kicked:
        emu.block_chat(chat_id, "kicked")
    for old, new in migrated.items():
        emu.migrate_chat(old, new)
    for chat_id in flooded:
        emu.fail_next(chat_id, "retry_after", retry_after=1)
    emu.fail_next(flooded_hard, "retry_after", times=3, retry_after=1)

    text = "重要通知：系统维护"
    broadcast_id, progress = await confirm(running_bot, text)
    counts = await final_report(running_bot, progress, timeout=40.0)

    gone = {*blocked, *kicked}
    live = [c for c in chats if c not in gone and c not in migrated]
    for chat_id in live:
        assert copies(emu, chat_id, text) == 1, chat_id
    for old, new in migrated.items():
        assert copies(emu, old, text) == 0
        assert copies(emu, new, text) == 1, new
    for chat_id in gone:
        assert copies(emu, chat_id, text) == 0
    assert delivered(emu, text) == len(live) + len(migrated) == 1000 - len(gone)
    # the flooded chats were tried more than once, but got one copy
    attempts = [c for c in emu.calls if c.method == "sendMessage" and c.params["chat_id"]
                in (*flooded, flooded_hard)]  # fmt: skip
    assert len(attempts) == 2 * len(flooded) + 4

    assert counts == {
        "sent": 1000 - len(gone),
        "failed": 0,
        "removed": len(gone),
        "uncertain": 0,
        "total": 1000,
    }
    assert storage.delivery_counts(broadcast_id) == {
        "pending": 0,
        "sending": 0,
        "sent": 1000 - len(gone),
        "failed": 0,
        "removed": len(gone),
        "uncertain": 0,
    }
    assert storage.get_broadcast(broadcast_id).status == "done"  # type: ignore[union-attr]
    for chat_id in gone:
        assert not storage.get_chat(chat_id).active  # type: ignore[union-attr]
    for old, new in migrated.items():
        assert not storage.get_chat(old).active  # type: ignore[union-attr]
        assert storage.get_chat(new).active  # type: ignore[union-attr]
        assert storage.get_subscription(new) is not None
        assert storage.get_subscription(old) is None
        assert running_bot.application.job_queue.get_jobs_by_name(f"digest:{new}")
    assert len(storage.active_chats()) == 1000 - len(gone) + 1  # + the admin's private chat


# --------------------------------------------------------------------------------------------
# restarts


async def test_restart_in_the_middle_resumes_without_duplicates(
    restartable: list[RunningBot], emulator: BotApiEmulator, kb: KnowledgeBase, bot_folder: Path
) -> None:
    first = restartable[0]
    chats = [*private_ids(200), *supergroup_ids(100)]
    add_subscribed(first.storage, emulator, chats)
    emulator.set_delay(0.005, "sendMessage")

    text = "分两次发送的公告"
    broadcast_id, progress = await confirm(first, text)
    await eventually(lambda: delivered(emulator, text) >= 100)
    await stop_bot(first)  # graceful: the run ends after the message in flight
    sent_before = delivered(emulator, text)
    assert 100 <= sent_before < len(chats)

    with Storage(bot_folder / "bot.sqlite3") as storage:
        counts = storage.delivery_counts(broadcast_id)
        assert counts["sending"] == 0  # graceful: nothing left half-done
        assert counts["sent"] == sent_before
        assert counts["pending"] == len(chats) - sent_before
        assert storage.get_broadcast(broadcast_id).status == "running"  # type: ignore[union-attr]

    second = await start_bot(emulator, kb, bot_folder)
    restartable.append(second)
    report = await final_report(second, progress)
    assert report == {"sent": 300, "failed": 0, "removed": 0, "uncertain": 0, "total": 300}
    assert all(copies(emulator, chat_id, text) == 1 for chat_id in chats)
    assert delivered(emulator, text) == len(chats)
    assert second.storage.get_broadcast(broadcast_id).status == "done"  # type: ignore[union-attr]


async def test_crash_while_sending_is_reported_uncertain_not_resent(
    restartable: list[RunningBot], emulator: BotApiEmulator, kb: KnowledgeBase, bot_folder: Path
) -> None:
    first = restartable[0]
    chats = private_ids(10)
    add_subscribed(first.storage, emulator, chats)
    text = "崩溃前的公告"
    message = await preview(first, f"/announce {text}")
    broadcast_id = int(message.callback_data[0].split()[1])
    await stop_bot(first)

    # What a hard crash leaves behind: the broadcast was confirmed, two chats got it, one was
    # claimed for sending and then the process died before learning the outcome.
    with Storage(bot_folder / "bot.sqlite3") as storage:
        assert storage.start_broadcast(broadcast_id) == 10
        storage.set_progress_message(broadcast_id, ADMIN_ID, message.message_id)
        for chat_id in chats[:2]:
            assert storage.mark_sending(broadcast_id, chat_id)
            assert storage.mark_delivered(broadcast_id, chat_id, 1)
        assert storage.mark_sending(broadcast_id, chats[5])

    second = await start_bot(emulator, kb, bot_folder)
    restartable.append(second)
    report = await final_report(second, message)
    assert report == {"sent": 9, "failed": 0, "removed": 0, "uncertain": 1, "total": 10}
    assert copies(emulator, chats[5], text) == 0  # never resent
    assert [copies(emulator, c, text) for c in chats[:2]] == [0, 0]  # sent "before the crash"
    assert all(copies(emulator, c, text) == 1 for c in chats[2:] if c != chats[5])
    delivery = second.storage.get_delivery(broadcast_id, chats[5])
    assert delivery is not None and delivery.state == "uncertain"
    assert "interrupted" in (delivery.error or "")
    assert second.storage.get_broadcast(broadcast_id).status == "done"  # type: ignore[union-attr]


# --------------------------------------------------------------------------------------------
# no starvation


async def test_questions_are_answered_during_a_broadcast(running_bot: RunningBot) -> None:
    emu, storage = running_bot.emulator, running_bot.storage
    chats = [*private_ids(150), *supergroup_ids(100)]
    add_subscribed(storage, emu, chats)
    emu.set_delay(0.005, "sendMessage")

    text = "长时间发送的公告"
    broadcast_id, progress = await confirm(running_bot, text)
    await eventually(lambda: delivered(emu, text) >= 20)

    loop = asyncio.get_running_loop()
    asked = loop.time()
    (answer,) = await running_bot.say(USER_ID, "台青租金补贴", timeout=5.0)
    latency = loop.time() - asked
    assert "补贴" in (answer.plain or "")
    counts = storage.delivery_counts(broadcast_id)
    assert storage.get_broadcast(broadcast_id).status == "running"  # type: ignore[union-attr]
    assert counts["pending"] > 0
    assert delivered(emu, text) < len(chats)
    assert latency < 2.0, latency

    report = await final_report(running_bot, progress)
    assert report["sent"] == len(chats)
