"""Groups end to end: joining and leaving, who the bot answers, digest subscriptions and jobs,
restarts and group → supergroup migrations. The bot polls the local emulator throughout."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import Job

from bot.digest import build_digest, report_order
from bot.emulator import BotApiEmulator, SentMessage
from bot.report import KnowledgeBase
from bot.storage import Schedule
from handlers.subscriptions import send_digest
from tests.conftest import RunningBot, eventually, start_bot, stop_bot

SHANGHAI = ZoneInfo("Asia/Shanghai")
GROUP = -1001234567890  # a supergroup
OLD_GROUP = -4012345  # a basic group, to be upgraded
NEW_GROUP = -1009876543210
GROUP_ADMIN = 5001
MEMBER = 5002
PRIVATE_USER = 6001
ANONYMOUS_ADMIN_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


# --------------------------------------------------------------------------------------------
# helpers


def digest_jobs(running: RunningBot, chat_id: int) -> tuple[Job[Any], ...]:
    return running.application.job_queue.get_jobs_by_name(f"digest:{chat_id}")


def only_job(running: RunningBot, chat_id: int) -> Job[Any]:
    jobs = digest_jobs(running, chat_id)
    assert len(jobs) == 1, jobs
    assert jobs[0].chat_id == chat_id
    return jobs[0]


def trigger_fields(job: Job[Any]) -> dict[str, str]:
    trigger = job.job.trigger
    return {field.name: str(field) for field in trigger.fields}


def assert_schedule(job: Job[Any], hour: int, minute: int, weekday: int | None) -> None:
    """The job runs at hour:minute Shanghai time, daily or on `weekday` (0 = Monday)."""
    trigger = job.job.trigger
    assert str(trigger.timezone) == "Asia/Shanghai"
    fields = trigger_fields(job)
    assert (fields["hour"], fields["minute"], fields["second"]) == (str(hour), str(minute), "0")
    next_run = job.next_t
    assert next_run is not None
    local = next_run.astimezone(SHANGHAI)
    assert (local.hour, local.minute) == (hour, minute)
    if weekday is None:
        assert fields["day_of_week"] in ("*", "sun,mon,tue,wed,thu,fri,sat"), fields
    else:
        assert local.weekday() == weekday
        assert fields["day_of_week"] == ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[weekday]


async def say_in_group(
    running: RunningBot, text: str, user_id: int, chat_id: int = GROUP, **kwargs: Any
) -> SentMessage:
    (reply,) = await running.say(chat_id, text, user_id=user_id, **kwargs)
    return reply


async def expect_silence_then(
    running: RunningBot, chat_id: int, texts: list[str], user_id: int
) -> None:
    """Send `texts` the bot must ignore, then a sentinel it answers: updates are processed in
    order, so when the sentinel's answer arrives the others were handled, silently."""
    before = len(running.bot_messages(chat_id))
    for text in texts:
        running.emulator.user_message(chat_id, text, user_id=user_id)
    sentinel = running.emulator.user_message(chat_id, "/subscription", user_id=user_id)
    (answer,) = await running.wait_messages(chat_id, before + 1)
    assert answer.message["reply_to_message"]["message_id"] == sentinel["message"]["message_id"]
    await running.settle()
    assert len(running.bot_messages(chat_id)) == before + 1


def add_group(emulator: BotApiEmulator, chat_id: int = GROUP, kind: str = "supergroup") -> None:
    emulator.add_chat(chat_id, kind, title="穗台交流群")
    emulator.set_admins(chat_id, [GROUP_ADMIN])


def anonymous_admin_message(emulator: BotApiEmulator, chat_id: int, text: str) -> int:
    """A message an anonymous administrator posts: Telegram sends it as the group itself."""
    update = emulator.user_message(chat_id, text, user_id=MEMBER)
    # The queued update and the stored message share this dict; no await happened since it was
    # queued, so the bot has not fetched it yet.
    message = update["message"]
    message["from"] = dict(ANONYMOUS_ADMIN_BOT)
    message["sender_chat"] = dict(message["chat"])
    return int(message["message_id"])


def digest_item_ids(kb: KnowledgeBase, text: str) -> list[str]:
    return [item.id for item in report_order(kb) if item.title in text]


# --------------------------------------------------------------------------------------------
# membership


async def test_added_to_group_introduces_itself_and_removal_deactivates(
    running_bot: RunningBot,
) -> None:
    emu, storage = running_bot.emulator, running_bot.storage
    emu.my_chat_member(
        chat_id=GROUP,
        chat_type="supergroup",
        from_user_id=GROUP_ADMIN,
        old_status="left",
        new_status="member",
        title="穗台交流群",
    )
    (intro,) = await running_bot.wait_messages(GROUP, 1)
    assert intro.plain is not None
    assert "@gz_report_bot" in intro.plain and "/topics" in intro.plain
    assert "/subscribe" in intro.plain
    await eventually(lambda: storage.get_chat(GROUP) is not None)
    record = storage.get_chat(GROUP)
    assert record is not None and record.active
    assert record.type == "supergroup" and record.title == "穗台交流群"

    # Promoted to administrator: still a member, no second introduction.
    emu.set_admins(GROUP, [GROUP_ADMIN])
    emu.my_chat_member(GROUP, old_status="member", new_status="administrator")
    await say_in_group(running_bot, "/subscribe daily 07:30", GROUP_ADMIN)
    assert storage.get_subscription(GROUP) is not None
    only_job(running_bot, GROUP)
    assert len(running_bot.bot_messages(GROUP)) == 2  # the intro and the confirmation

    # Kicked: inactive, the digest job is gone, nothing is said (it could not be anyway).
    emu.my_chat_member(GROUP, old_status="administrator", new_status="kicked")
    await running_bot.settle()
    await eventually(lambda: not storage.get_chat(GROUP).active)  # type: ignore[union-attr]
    await eventually(lambda: not digest_jobs(running_bot, GROUP))
    assert storage.all_subscriptions() == []

    # Added back: active again, introduced again, and the kept subscription runs again.
    emu.my_chat_member(GROUP, old_status="kicked", new_status="member")
    (intro_again,) = await running_bot.wait_messages(GROUP, 3)
    assert "@gz_report_bot" in (intro_again.plain or "")
    await eventually(lambda: storage.get_chat(GROUP).active)  # type: ignore[union-attr]
    assert_schedule(only_job(running_bot, GROUP), 7, 30, None)

    # Left (removed by an admin) works the same as kicked.
    emu.my_chat_member(GROUP, old_status="member", new_status="left")
    await eventually(lambda: not storage.get_chat(GROUP).active)  # type: ignore[union-attr]
    await eventually(lambda: not digest_jobs(running_bot, GROUP))


async def test_private_chat_blocked_marks_inactive(running_bot: RunningBot) -> None:
    storage = running_bot.storage
    await running_bot.say(PRIVATE_USER, "/subscribe")
    only_job(running_bot, PRIVATE_USER)
    running_bot.emulator.my_chat_member(PRIVATE_USER, old_status="member", new_status="kicked")
    await eventually(lambda: not storage.get_chat(PRIVATE_USER).active)  # type: ignore[union-attr]
    await eventually(lambda: not digest_jobs(running_bot, PRIVATE_USER))


# --------------------------------------------------------------------------------------------
# who the bot answers in a group


async def test_group_answers_mentions_and_replies_only(running_bot: RunningBot) -> None:
    emu = running_bot.emulator
    add_group(emu)

    mention = emu.user_message(GROUP, "@gz_report_bot 台青创业补贴", user_id=MEMBER)
    (answer,) = await running_bot.wait_messages(GROUP, 1)
    assert answer.message["reply_to_message"]["message_id"] == mention["message"]["message_id"]
    assert answer.plain and "没有找到" not in answer.plain
    assert "补贴" in answer.plain
    # no feedback buttons in groups (they are for private chats)
    assert not any(data.startswith("FB ") for data in answer.callback_data)

    # A reply to the bot's message is a question too, without any mention.
    question = emu.user_message(
        GROUP, "张志军什么时候来广州？", user_id=MEMBER, reply_to_message_id=answer.message_id
    )
    (followup,) = await running_bot.wait_messages(GROUP, 2)
    assert followup.message["reply_to_message"]["message_id"] == question["message"]["message_id"]
    assert "张志军" in (followup.plain or "")

    # Chatter, a reply to someone else, other bots' commands, bare unknown commands: silence.
    other = emu.user_message(GROUP, "今天开会吗", user_id=GROUP_ADMIN)
    await running_bot.settle()
    await expect_silence_then(
        running_bot,
        GROUP,
        ["大家好", "/topics@some_other_bot", "/foo", "@someone_else 台青创业补贴"],
        MEMBER,
    )
    emu.user_message(
        GROUP, "好的", user_id=MEMBER, reply_to_message_id=other["message"]["message_id"]
    )
    await expect_silence_then(running_bot, GROUP, [], MEMBER)

    # Commands addressed to us work; an unknown one addressed to us gets the hint.
    topics = await say_in_group(running_bot, "/topics@gz_report_bot", MEMBER)
    assert any(data.startswith("SEC ") for data in topics.callback_data)
    unknown = await say_in_group(running_bot, "/foo@gz_report_bot", MEMBER)
    assert "没有这个命令" in (unknown.plain or "")

    # In private the same chatter is a question.
    (private,) = await running_bot.say(PRIVATE_USER, "大家好")
    assert private.plain


# --------------------------------------------------------------------------------------------
# subscriptions


async def test_group_subscription_admins_only_with_weekly_job(running_bot: RunningBot) -> None:
    emu, storage = running_bot.emulator, running_bot.storage
    add_group(emu)

    refused = await say_in_group(running_bot, "/subscribe weekly mon 08:30", MEMBER)
    assert "只有本群管理员" in (refused.plain or "")
    assert storage.get_subscription(GROUP) is None
    assert digest_jobs(running_bot, GROUP) == ()

    done = await say_in_group(running_bot, "/subscribe weekly mon 08:30", GROUP_ADMIN)
    assert "已订阅" in (done.plain or "") and "周一 08:30" in (done.plain or "")
    subscription = storage.get_subscription(GROUP)
    assert subscription is not None
    assert subscription.schedule == Schedule("weekly", 8, 30, 0)
    assert subscription.created_by == GROUP_ADMIN
    assert_schedule(only_job(running_bot, GROUP), 8, 30, 0)

    shown = await say_in_group(running_bot, "/subscription", MEMBER)  # anyone may look
    assert "周一 08:30" in (shown.plain or "")

    # Changing the schedule replaces the job instead of adding a second one.
    await say_in_group(running_bot, "/subscribe@gz_report_bot 每周 周五 18:45", GROUP_ADMIN)
    assert storage.get_subscription(GROUP).schedule == Schedule("weekly", 18, 45, 4)  # type: ignore[union-attr]
    assert_schedule(only_job(running_bot, GROUP), 18, 45, 4)

    bad = await say_in_group(running_bot, "/subscribe weekly someday", GROUP_ADMIN)
    assert "用法" in (bad.plain or "")
    assert storage.get_subscription(GROUP).schedule.weekday == 4  # type: ignore[union-attr]

    refused = await say_in_group(running_bot, "/unsubscribe", MEMBER)
    assert "只有本群管理员" in (refused.plain or "")
    assert storage.get_subscription(GROUP) is not None
    only_job(running_bot, GROUP)

    gone = await say_in_group(running_bot, "/unsubscribe", GROUP_ADMIN)
    assert "已取消订阅" in (gone.plain or "")
    assert storage.get_subscription(GROUP) is None
    assert digest_jobs(running_bot, GROUP) == ()
    none = await say_in_group(running_bot, "/subscription", MEMBER)
    assert "当前没有订阅" in (none.plain or "")


async def test_anonymous_admin_and_private_user_may_subscribe(running_bot: RunningBot) -> None:
    emu, storage = running_bot.emulator, running_bot.storage
    add_group(emu)

    before = len(running_bot.bot_messages(GROUP))
    anonymous_admin_message(emu, GROUP, "/subscribe daily 07:15")
    (done,) = await running_bot.wait_messages(GROUP, before + 1)
    assert "已订阅" in (done.plain or "")
    subscription = storage.get_subscription(GROUP)
    assert subscription is not None and subscription.schedule == Schedule("daily", 7, 15)
    assert_schedule(only_job(running_bot, GROUP), 7, 15, None)

    # The same anonymous sender in another group is not that group's admin.
    other_group = -1005550001
    add_group(emu, other_group)
    update = emu.user_message(other_group, "/subscribe", user_id=MEMBER)
    update["message"]["from"] = dict(ANONYMOUS_ADMIN_BOT)
    update["message"]["sender_chat"] = {"id": -1007770001, "type": "channel", "title": "频道"}
    (refused,) = await running_bot.wait_messages(other_group, 1)
    assert "只有本群管理员" in (refused.plain or "")
    assert storage.get_subscription(other_group) is None

    # In a private chat the user decides; the default time is 09:00 Shanghai.
    (private,) = await running_bot.say(PRIVATE_USER, "/subscribe")
    assert "每天 09:00" in (private.plain or "")
    assert storage.get_subscription(PRIVATE_USER) is not None
    assert_schedule(only_job(running_bot, PRIVATE_USER), 9, 0, None)
    (shown,) = await running_bot.say(PRIVATE_USER, "/subscription")
    assert "每天 09:00" in (shown.plain or "")
    (gone,) = await running_bot.say(PRIVATE_USER, "/unsubscribe")
    assert "已取消订阅" in (gone.plain or "")
    assert digest_jobs(running_bot, PRIVATE_USER) == ()
    (again,) = await running_bot.say(PRIVATE_USER, "/unsubscribe")
    assert "当前没有订阅" in (again.plain or "")


# --------------------------------------------------------------------------------------------
# digests


async def test_digest_job_posts_new_items_until_all_were_sent(
    running_bot: RunningBot, kb: KnowledgeBase
) -> None:
    emu, storage, application = running_bot.emulator, running_bot.storage, running_bot.application
    add_group(emu)
    await say_in_group(running_bot, "/subscribe daily 08:00", GROUP_ADMIN)
    job = only_job(running_bot, GROUP)

    today = datetime.now(SHANGHAI).date()
    on_this_day = {i.id for i in build_digest(kb, set(), today).on_this_day}
    rotation = [i.id for i in report_order(kb) if i.id not in on_this_day]
    seen: list[str] = []
    count = len(running_bot.bot_messages(GROUP))
    while len(seen) < len(rotation):
        await job.run(application)
        count += 1
        (digest,) = await running_bot.wait_messages(GROUP, count)
        assert "报告摘要" in (digest.plain or "")
        sent_now = storage.sent_digest_items(GROUP)
        new = sorted(sent_now - set(seen), key=rotation.index)
        assert 1 <= len(new) <= 3
        assert sent_now == set(seen) | set(new)  # nothing forgotten, nothing repeated
        assert set(new) <= set(digest_item_ids(kb, digest.plain or ""))
        seen.extend(new)
    assert seen == rotation  # in report order, each exactly once
    assert len(running_bot.bot_messages(GROUP)) == count  # one message per run

    # Everything was sent: the next digest starts the round again from the first items.
    await job.run(application)
    (again,) = await running_bot.wait_messages(GROUP, count + 1)
    assert storage.sent_digest_items(GROUP) == set(rotation[:3])
    assert set(rotation[:3]) <= set(digest_item_ids(kb, again.plain or ""))


async def test_digest_on_this_day(running_bot: RunningBot, kb: KnowledgeBase) -> None:
    emu, storage, application = running_bot.emulator, running_bot.storage, running_bot.application
    add_group(emu)
    await say_in_group(running_bot, "/subscribe", GROUP_ADMIN)
    title = kb.items["visits-03"].title

    assert await send_digest(application, GROUP, now=datetime(2026, 12, 27, 9, 0, tzinfo=SHANGHAI))
    digest = running_bot.bot_messages(GROUP)[-1]
    text = digest.plain or ""
    assert "历年今日" in text and title in text and "2026-12-27" in text
    assert text.index("历年今日") < text.index(title) < text.index("亮点")
    # "On this day" is extra: the regular items went on from the start, without visits-03.
    regular = [i.id for i in report_order(kb) if i.id != "visits-03"]
    assert storage.sent_digest_items(GROUP) == set(regular[:3])

    assert await send_digest(application, GROUP, now=datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI))
    text = running_bot.bot_messages(GROUP)[-1].plain or ""
    assert "历年今日" not in text and title in text  # its regular turn, now
    assert "visits-03" in storage.sent_digest_items(GROUP)


async def test_digest_to_a_group_that_removed_the_bot_unsubscribes_it(
    running_bot: RunningBot,
) -> None:
    emu, storage = running_bot.emulator, running_bot.storage
    add_group(emu)
    await say_in_group(running_bot, "/subscribe", GROUP_ADMIN)
    job = only_job(running_bot, GROUP)
    emu.block_chat(GROUP, "kicked")
    before = len(running_bot.bot_messages(GROUP))
    await job.run(running_bot.application)
    assert not storage.get_chat(GROUP).active  # type: ignore[union-attr]
    assert digest_jobs(running_bot, GROUP) == ()
    assert storage.sent_digest_items(GROUP) == set()
    assert len(running_bot.bot_messages(GROUP)) == before


# --------------------------------------------------------------------------------------------
# restarts and migrations


async def test_schedules_survive_a_restart(
    restartable: list[RunningBot], emulator: BotApiEmulator, kb: KnowledgeBase, tmp_path: Path
) -> None:
    first = restartable[0]
    add_group(emulator)
    await say_in_group(first, "/subscribe weekly 3 21:05", GROUP_ADMIN)
    await first.say(PRIVATE_USER, "/subscribe daily 06:40")
    gone_group = -1005550002
    add_group(emulator, gone_group)
    await say_in_group(first, "/subscribe", GROUP_ADMIN, chat_id=gone_group)
    emulator.my_chat_member(gone_group, old_status="member", new_status="kicked")
    await eventually(lambda: not digest_jobs(first, gone_group))

    await stop_bot(first)
    second = await start_bot(emulator, kb, tmp_path)
    restartable.append(second)

    assert_schedule(only_job(second, GROUP), 21, 5, 2)
    assert_schedule(only_job(second, PRIVATE_USER), 6, 40, None)
    assert digest_jobs(second, gone_group) == ()  # inactive chats get no job
    jobs = second.application.job_queue.jobs()
    names = sorted(job.name for job in jobs if (job.name or "").startswith("digest:"))
    assert names == sorted([f"digest:{GROUP}", f"digest:{PRIVATE_USER}"])
    (shown,) = await second.say(GROUP, "/subscription", user_id=MEMBER)
    assert "周三 21:05" in (shown.plain or "")


async def test_group_migration_rekeys_subscription_and_job(
    running_bot: RunningBot, kb: KnowledgeBase
) -> None:
    emu, storage, application = running_bot.emulator, running_bot.storage, running_bot.application
    add_group(emu, OLD_GROUP, "group")
    await say_in_group(running_bot, "/subscribe daily 10:20", GROUP_ADMIN, chat_id=OLD_GROUP)
    await job_run_and_wait(running_bot, OLD_GROUP)
    history = storage.sent_digest_items(OLD_GROUP)
    assert len(history) == 3

    emu.group_migrated(OLD_GROUP, NEW_GROUP)
    await eventually(lambda: storage.get_subscription(NEW_GROUP) is not None)
    await running_bot.settle()
    assert storage.get_subscription(OLD_GROUP) is None
    assert storage.get_subscription(NEW_GROUP).schedule == Schedule("daily", 10, 20)  # type: ignore[union-attr]
    old, new = storage.get_chat(OLD_GROUP), storage.get_chat(NEW_GROUP)
    assert old is not None and not old.active
    assert new is not None and new.active and new.type == "supergroup"
    assert new.title == "穗台交流群"
    assert storage.sent_digest_items(NEW_GROUP) == history
    assert digest_jobs(running_bot, OLD_GROUP) == ()
    job = only_job(running_bot, NEW_GROUP)
    assert_schedule(job, 10, 20, None)

    # The renamed job posts to the supergroup and goes on where the group was.
    await job.run(application)
    (digest,) = await running_bot.wait_messages(NEW_GROUP, 1)
    assert not set(digest_item_ids(kb, digest.plain or "")) & history
    assert len(storage.sent_digest_items(NEW_GROUP)) == 6
    assert all(m.chat_id == NEW_GROUP for m in emu.sent_messages(NEW_GROUP))


async def test_digest_finds_out_about_a_migration_itself(running_bot: RunningBot) -> None:
    """No service message seen: the send fails with ChatMigrated and the digest follows it."""
    emu, storage = running_bot.emulator, running_bot.storage
    add_group(emu, OLD_GROUP, "group")
    await say_in_group(running_bot, "/subscribe weekly sun 19:00", GROUP_ADMIN, chat_id=OLD_GROUP)
    job = only_job(running_bot, OLD_GROUP)
    emu.migrate_chat(OLD_GROUP, NEW_GROUP)
    await job.run(running_bot.application)
    (digest,) = await running_bot.wait_messages(NEW_GROUP, 1)
    assert "报告摘要" in (digest.plain or "")
    assert storage.get_subscription(OLD_GROUP) is None
    assert storage.get_subscription(NEW_GROUP) is not None
    assert len(storage.sent_digest_items(NEW_GROUP)) == 3
    assert digest_jobs(running_bot, OLD_GROUP) == ()
    assert_schedule(only_job(running_bot, NEW_GROUP), 19, 0, 6)


async def job_run_and_wait(running: RunningBot, chat_id: int) -> SentMessage:
    count = len(running.bot_messages(chat_id))
    await only_job(running, chat_id).run(running.application)
    (message,) = await running.wait_messages(chat_id, count + 1)
    return message
