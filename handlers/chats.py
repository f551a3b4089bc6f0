"""Which chats the bot is in: joins, leaves, blocks and group → supergroup migrations.

Runs in the TRACKING group so it sees every update before the feature handlers do.
"""

from __future__ import annotations

import logging

from telegram import Chat, ChatMember, ChatMemberUpdated, Update
from telegram.ext import ChatMemberHandler, MessageHandler, TypeHandler, filters

from bot.render import report_title, reports_title_en
from handlers.common import App, Context, services, texts_of
from handlers.subscriptions import (
    migrate_chat,
    remove_digest_job,
    schedule_digest,
)

log = logging.getLogger(__name__)
PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}


def _was_and_is_member(change: ChatMemberUpdated) -> tuple[bool, bool]:
    old, new = change.old_chat_member, change.new_chat_member
    was = old.status in PRESENT and (
        old.status != ChatMember.RESTRICTED or bool(getattr(old, "is_member", False))
    )
    now = new.status in PRESENT and (
        new.status != ChatMember.RESTRICTED or bool(getattr(new, "is_member", False))
    )
    return was, now


async def my_chat_member(update: Update, context: Context) -> None:
    change = update.my_chat_member
    if change is None:
        return
    chat = change.chat
    svc = services(context)
    was_member, is_member = _was_and_is_member(change)
    if is_member:
        svc.storage.upsert_chat(chat.id, chat.type, chat.title or chat.full_name, active=True)
        log.info("chat=%s update=%s bot added (%s)", chat.id, update.update_id, chat.type)
        if not was_member:
            # Back after a removal: the kept subscription runs again, as after a restart.
            subscription = svc.storage.get_subscription(chat.id)
            if subscription is not None:
                schedule_digest(context.application, chat.id, subscription.schedule)
        if not was_member and chat.type in (Chat.GROUP, Chat.SUPERGROUP):
            texts = texts_of(update, context)
            kb = svc.kb
            await context.bot.send_message(
                chat.id,
                texts.get(
                    "group_intro",
                    report=report_title(kb, texts),
                    report_en=reports_title_en(kb),
                    username=context.bot.username,
                ),
            )
    elif was_member:
        svc.storage.set_chat_active(chat.id, False)
        remove_digest_job(context.application, chat.id)
        log.info(
            "chat=%s update=%s bot removed (%s)",
            chat.id,
            update.update_id,
            change.new_chat_member.status,
        )


async def group_migrated(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    old_id, new_id = message.chat.id, message.migrate_to_chat_id
    migrate_chat(context.application, old_id, new_id)


async def remember_private_chat(update: Update, context: Context) -> None:
    """Private chats count as active chats for "announce to all" once they wrote to us."""
    chat = update.effective_chat
    if chat is None or chat.type != Chat.PRIVATE or update.my_chat_member is not None:
        return
    known: set[int] = context.bot_data.setdefault("known_chats", set())
    if chat.id in known:
        return
    known.add(chat.id)
    # No language here: chats.language holds the chat's /language choice, not Telegram's code.
    services(context).storage.upsert_chat(chat.id, chat.type, chat.full_name)


def register(application: App, group: int) -> None:
    application.add_handler(
        ChatMemberHandler(my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER), group=group
    )
    application.add_handler(
        MessageHandler(filters.StatusUpdate.MIGRATE, group_migrated), group=group
    )
    application.add_handler(TypeHandler(Update, remember_private_chat), group=group)
