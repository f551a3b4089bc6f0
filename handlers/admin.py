"""Commands for the bot's administrators: /stats and /reload (also on SIGHUP)."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import datetime

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CommandHandler, filters

from bot.texts import Html, escape, texts_for
from bot.yamlsource import DataError
from handlers.common import (
    App,
    Context,
    app_services,
    publish_command_menus,
    reply_html,
    services,
    texts_of,
)

log = logging.getLogger(__name__)
MAX_ERRORS_SHOWN = 20


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


async def reload_data(application: App) -> list[DataError]:
    """Validate the data folder and swap in the new reports; the command menus follow. On
    errors the old data keeps serving."""
    svc = app_services(application)
    errors = await svc.reload()
    if errors:
        log.error("reload refused, old data kept: %s", "; ".join(map(str, errors)))
        return errors
    log.info("reloaded: %d reports, %d items", len(svc.kb.reports), len(svc.kb.items))
    try:
        await publish_command_menus(application.bot, svc.kb)
    except TelegramError as exc:  # the data is live; the menu catches up at the next start
        log.warning("command menus not updated after reload: %s", exc)
    return []


def render_reload(application: App, errors: list[DataError], language: str) -> Html:
    texts = texts_for("en" if language == "en" else "zh-hans")
    svc = app_services(application)
    if not errors:
        titles = "\n".join(f"• {escape(r.title)} ({len(list(r.items()))})" for r in svc.kb.reports)
        return texts.get("reload_done", reports=Html(titles), items=len(svc.kb.items))
    shown = "\n".join(f"• <code>{escape(e)}</code>" for e in errors[:MAX_ERRORS_SHOWN])
    more = len(errors) - MAX_ERRORS_SHOWN
    if more > 0:
        shown += "\n" + texts.get("reload_more_errors", count=more)
    return texts.get("reload_failed", count=len(errors), errors=Html(shown))


async def reload_command(update: Update, context: Context) -> None:
    svc = services(context)
    texts = texts_of(update, context)
    user = update.effective_user
    if not svc.is_admin(user.id if user else None):
        await reply_html(update, texts.get("admins_only"))
        return
    errors = await reload_data(context.application)
    await reply_html(update, render_reload(context.application, errors, texts.language))


async def reload_on_signal(application: App) -> None:
    """SIGHUP: reload, and tell the admins when the new data was refused."""
    errors = await reload_data(application)
    if not errors:
        return
    message = render_reload(application, errors, "zh-hans")
    for admin_id in app_services(application).settings.admin_ids:
        try:
            await application.bot.send_message(admin_id, message)
        except TelegramError as exc:
            log.warning("could not tell admin %s about the failed reload: %s", admin_id, exc)


def install_reload_signal(application: App) -> None:
    """`kill -HUP <pid>` reloads the data (polling and webhook modes; not on Windows)."""
    if not hasattr(signal, "SIGHUP"):
        return
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(
        signal.SIGHUP, lambda: application.create_task(reload_on_signal(application))
    )


def register(application: App) -> None:
    application.add_handler(
        CommandHandler("stats", stats_command, filters=filters.ChatType.PRIVATE)
    )
    application.add_handler(
        CommandHandler("reload", reload_command, filters=filters.ChatType.PRIVATE)
    )
