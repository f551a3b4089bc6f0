"""Commands for the bot's administrators: /stats and /reload (also on SIGHUP)."""

from __future__ import annotations

import asyncio
import logging
import signal
import warnings
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.render import item_title
from bot.report import Item
from bot.services import Services
from bot.texts import Html, escape, texts_for
from bot.yamlsource import DataError
from handlers.common import (
    App,
    Context,
    app_services,
    callback,
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
    disliked = await asyncio.to_thread(svc.storage.disliked_questions, FIX_CANDIDATES)
    # Questions to fix: the unanswered ones, then those whose answer got a 👎.
    to_fix = list(
        dict.fromkeys([text for text, _ in stats.top_unanswered] + [q for q, _, _ in disliked])
    )[:FIX_CANDIDATES]
    if context.user_data is not None:
        context.user_data[FIX_LIST_KEY] = to_fix
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.plain("button_fix", question=q[:40]), callback_data=f"FIX {n}"
                )
            ]
            for n, q in enumerate(to_fix)
        ]
    )
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
        keyboard if to_fix else None,
    )


# -- fixing an answer from the chat: /stats → "FIX n" → words or an id → "LEARN <item>"

FIX_WORDS = 0
FIX_CANDIDATES = 8
FIX_LIST_KEY = "fix_list"
FIXING_KEY = "fixing"
FIX_TIMEOUT_SECONDS = 600


async def fix_button(update: Update, context: Context) -> int:
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    texts = texts_of(update, context)
    listed: list[str] = (context.user_data or {}).get(FIX_LIST_KEY, [])
    number = query.data.removeprefix("FIX ")
    if not svc.is_admin(query.from_user.id) or not number.isdigit() or int(number) >= len(listed):
        await query.answer(texts.plain("button_expired"))
        return ConversationHandler.END
    await query.answer()
    question = listed[int(number)]
    if context.user_data is not None:
        context.user_data[FIXING_KEY] = question
    await reply_html(update, texts.get("fix_ask", question=question))
    return FIX_WORDS


def fix_candidates(svc: Services, words: str) -> list[Item]:
    """The items an admin may mean: an exact item id, else what the search finds."""
    words = words.strip()
    if (item := svc.kb.item(words)) is not None:
        return [item]
    result = svc.index.search(words)
    hits = [*result.hits, *result.related, *result.near_misses]
    return list(dict.fromkeys(h.item for h in hits))[:FIX_CANDIDATES]


async def fix_words(update: Update, context: Context) -> int:
    message = update.effective_message
    assert message is not None and message.text is not None
    texts = texts_of(update, context)
    candidates = fix_candidates(services(context), message.text)
    if not candidates:
        await reply_html(update, texts.get("fix_nothing"))
        return FIX_WORDS
    rows = [
        [
            InlineKeyboardButton(
                f"{i.id} · {item_title(i, texts)}"[:64], callback_data=callback("LEARN", i.id)
            )
        ]
        for i in candidates
    ]
    rows.append([InlineKeyboardButton(texts.plain("button_cancel"), callback_data="LEARN -")])
    keyboard = InlineKeyboardMarkup(rows)
    await reply_html(update, texts.get("fix_pick"), keyboard)
    return FIX_WORDS


async def learn_button(update: Update, context: Context) -> int:
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    texts = texts_of(update, context)
    question = (context.user_data or {}).pop(FIXING_KEY, None)
    item = svc.kb.item(query.data.removeprefix("LEARN "))
    if question is None or item is None or not svc.is_admin(query.from_user.id):
        await query.answer(texts.plain("fix_cancelled"))
        return ConversationHandler.END
    await svc.learn(question, item.id, query.from_user.id)
    await query.answer()
    await reply_html(
        update, texts.get("fix_learned", question=question, title=item_title(item, texts))
    )
    return ConversationHandler.END


async def fix_cancel(update: Update, context: Context) -> int:
    if context.user_data is not None:
        context.user_data.pop(FIXING_KEY, None)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await reply_html(update, texts_of(update, context).get("fix_cancelled"))
    return ConversationHandler.END


def fix_conversation() -> ConversationHandler[Context]:
    # Tracked per admin, not per message: the buttons belong to the admin's one fix in
    # progress, which is what PTB's warning about per_message=False is about.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
        return _fix_conversation()


def _fix_conversation() -> ConversationHandler[Context]:
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(fix_button, pattern=r"^FIX \d+$")],
        states={
            FIX_WORDS: [
                MessageHandler(
                    filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, fix_words
                ),
                CallbackQueryHandler(fix_cancel, pattern=r"^LEARN -$"),
                CallbackQueryHandler(learn_button, pattern=r"^LEARN "),
            ]
        },
        fallbacks=[CommandHandler("cancel", fix_cancel)],
        conversation_timeout=FIX_TIMEOUT_SECONDS,
        per_message=False,
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
    # Before the questions handler: while an admin fixes an answer, their words are search
    # words for the right item, not a question.
    application.add_handler(fix_conversation())
    application.add_handler(
        CommandHandler("stats", stats_command, filters=filters.ChatType.PRIVATE)
    )
    application.add_handler(
        CommandHandler("reload", reload_command, filters=filters.ChatType.PRIVATE)
    )
