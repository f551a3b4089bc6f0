"""/subscribe, /unsubscribe, /subscription and the scheduled digest jobs.

Schedules live in the database and are turned into JobQueue jobs at start (`schedule_all`), so
a restart loses none. In groups only chat administrators may change them (anonymous admins
included); in private chats the user; in channels, whoever can post (the channel's admins).
"""

from __future__ import annotations

import logging
from datetime import datetime, time

from telegram import Chat, ChatMember, Update
from telegram.error import ChatMigrated, Forbidden
from telegram.ext import CommandHandler, ContextTypes, Job, filters

from bot.digest import build_digest, describe_schedule, parse_schedule, render_digest
from bot.render import split_message
from bot.storage import Schedule
from bot.texts import LANGUAGES, texts_for
from handlers.common import (
    LANGUAGE_KEY,
    App,
    Context,
    app_services,
    reply_html,
    services,
    texts_of,
)

log = logging.getLogger(__name__)
JOB_PREFIX = "digest:"
ADMIN_STATUSES = {ChatMember.ADMINISTRATOR, ChatMember.OWNER}


def job_name(chat_id: int) -> str:
    return f"{JOB_PREFIX}{chat_id}"


def _jobs(application: App, chat_id: int) -> tuple[Job, ...]:
    if application.job_queue is None:
        return ()
    return application.job_queue.get_jobs_by_name(job_name(chat_id))


def remove_digest_job(application: App, chat_id: int) -> None:
    for job in _jobs(application, chat_id):
        job.schedule_removal()


def schedule_digest(application: App, chat_id: int, schedule: Schedule) -> None:
    remove_digest_job(application, chat_id)
    queue = application.job_queue
    if queue is None:
        return
    tz = app_services(application).settings.timezone
    at = time(schedule.hour, schedule.minute, tzinfo=tz)
    # JobQueue counts days from Sunday = 0; our schedules from Monday = 0.
    days = (0, 1, 2, 3, 4, 5, 6) if schedule.weekday is None else ((schedule.weekday + 1) % 7,)
    queue.run_daily(digest_job, at, days=days, chat_id=chat_id, name=job_name(chat_id))


def move_digest_job(application: App, old_id: int, new_id: int) -> None:
    remove_digest_job(application, old_id)
    subscription = app_services(application).storage.get_subscription(new_id)
    if subscription is not None:
        schedule_digest(application, new_id, subscription.schedule)


def migrate_chat(application: App, old_id: int, new_id: int) -> None:
    """A group became a supergroup: re-key its records and move its digest schedule."""
    app_services(application).storage.migrate_chat(old_id, new_id, new_type=Chat.SUPERGROUP)
    move_digest_job(application, old_id, new_id)
    log.info("chat=%s migrated to %s", old_id, new_id)


def schedule_all(application: App) -> int:
    subscriptions = app_services(application).storage.all_subscriptions()
    for subscription in subscriptions:
        schedule_digest(application, subscription.chat_id, subscription.schedule)
    log.info("scheduled %d digest(s)", len(subscriptions))
    return len(subscriptions)


async def may_manage(update: Update, context: Context) -> bool:
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None:
        return False
    if chat.type in (Chat.PRIVATE, Chat.CHANNEL):
        return True
    if (
        message is not None
        and message.sender_chat is not None
        and message.sender_chat.id == chat.id
    ):
        return True  # an anonymous administrator posts as the group itself
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in ADMIN_STATUSES


async def subscribe_command(update: Update, context: Context) -> None:
    svc = services(context)
    texts = texts_of(update, context)
    chat = update.effective_chat
    if chat is None:
        return
    default = svc.settings.digest_time
    schedule = parse_schedule(context.args or [], default)
    if schedule is None:
        await reply_html(
            update, texts.get("subscribe_usage", default_time=default.strftime("%H:%M"))
        )
        return
    if not await may_manage(update, context):
        await reply_html(update, texts.get("subscribe_admins_only"))
        return
    user = update.effective_user
    svc.storage.upsert_chat(
        chat.id, chat.type, chat.title or chat.full_name, language=texts.language
    )
    svc.storage.set_subscription(chat.id, schedule, user.id if user else chat.id)
    schedule_digest(context.application, chat.id, schedule)
    await reply_html(
        update,
        texts.get(
            "subscribe_done",
            schedule=describe_schedule(schedule, texts),
            timezone=svc.settings.timezone.key,
        ),
    )


async def unsubscribe_command(update: Update, context: Context) -> None:
    svc = services(context)
    texts = texts_of(update, context)
    chat = update.effective_chat
    if chat is None:
        return
    if not await may_manage(update, context):
        await reply_html(update, texts.get("subscribe_admins_only"))
        return
    removed = svc.storage.remove_subscription(chat.id)
    remove_digest_job(context.application, chat.id)
    await reply_html(update, texts.get("unsubscribe_done" if removed else "unsubscribe_none"))


async def subscription_command(update: Update, context: Context) -> None:
    svc = services(context)
    texts = texts_of(update, context)
    chat = update.effective_chat
    subscription = svc.storage.get_subscription(chat.id) if chat else None
    if subscription is None:
        await reply_html(update, texts.get("subscription_none"))
        return
    await reply_html(
        update,
        texts.get(
            "subscription_show",
            schedule=describe_schedule(subscription.schedule, texts),
            timezone=svc.settings.timezone.key,
        ),
    )


async def digest_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    job = context.job
    if job is None or job.chat_id is None:
        return
    await send_digest(context.application, job.chat_id)


async def send_digest(application: App, chat_id: int, now: datetime | None = None) -> bool:
    """Post the next digest to a chat; True when something was sent."""
    svc = app_services(application)
    record = svc.storage.get_chat(chat_id)
    # The chat's /language; under "auto", the script a private chat's person last wrote in.
    remembered = application.user_data.get(chat_id, {}).get(LANGUAGE_KEY)
    language = next(
        (lang for lang in LANGUAGES if lang == (record.language if record else None)),
        remembered if remembered in LANGUAGES else "zh-hans",
    )
    texts = texts_for(language)
    today = (now or datetime.now(svc.settings.timezone)).date()
    digest = build_digest(svc.kb, svc.storage.sent_digest_items(chat_id), today)
    if digest.empty:
        return False
    if digest.restarted:
        svc.storage.reset_digest(chat_id)
    try:
        for part in split_message(render_digest(svc.kb, digest, texts, today)):
            await application.bot.send_message(chat_id, part)
    except Forbidden:
        log.info("chat=%s digest: bot was removed; unsubscribing", chat_id)
        svc.storage.set_chat_active(chat_id, False)
        remove_digest_job(application, chat_id)
        return False
    except ChatMigrated as exc:
        migrate_chat(application, chat_id, exc.new_chat_id)
        return await send_digest(application, exc.new_chat_id, now)
    svc.storage.mark_digest_sent(chat_id, [i.id for i in digest.items])
    log.info("chat=%s digest sent: %s", chat_id, ", ".join(i.id for i in digest.items))
    return True


def register(application: App) -> None:
    # Channel posts too: in a channel only its administrators can post, so they may subscribe.
    where = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
    application.add_handler(CommandHandler("subscribe", subscribe_command, filters=where))
    application.add_handler(CommandHandler("unsubscribe", unsubscribe_command, filters=where))
    application.add_handler(CommandHandler("subscription", subscription_command, filters=where))
