"""/stats for the bot's administrators."""

from __future__ import annotations

import asyncio
from datetime import datetime

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.texts import Html, escape
from handlers.common import App, Context, reply_html, services, texts_of


async def stats_command(update: Update, context: Context) -> None:
    svc = services(context)
    texts = texts_of(update, context)
    user = update.effective_user
    if not svc.is_admin(user.id if user else None):
        await reply_html(update, texts.get("stats_admins_only"))
        return
    midnight = datetime.now(svc.settings.timezone).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    await svc.flush_questions()
    stats = await asyncio.to_thread(svc.storage.stats, midnight)
    by_type = stats.active_chats_by_type
    unanswered = "\n".join(f"• {escape(text)} ({count})" for text, count in stats.top_unanswered)
    answered = round((stats.answered_ratio or 0.0) * stats.questions_since)
    await reply_html(
        update,
        texts.get(
            "stats",
            chats=stats.active_chats,
            private=by_type.get("private", 0),
            groups=by_type.get("group", 0) + by_type.get("supergroup", 0),
            channels=by_type.get("channel", 0),
            inactive=stats.inactive_chats,
            subscriptions=stats.subscriptions,
            questions_today=stats.questions_since,
            answered=answered,
            up=stats.feedback.get("up", 0),
            down=stats.feedback.get("down", 0),
            unanswered=Html(unanswered) if unanswered else texts.get("stats_no_unanswered"),
        ),
    )


def register(application: App) -> None:
    application.add_handler(
        CommandHandler("stats", stats_command, filters=filters.ChatType.PRIVATE)
    )
