"""/announce for the bot's administrators: preview, confirm, then background delivery.

Callback data: "ANN <id> OK" / "ANN <id> NO". Delivery state is in the database (see
`bot.broadcast`); running broadcasts resume at start (`resume_broadcasts`) and stop cleanly,
after the message in flight, at shutdown (`stop_broadcasts`).
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from datetime import timedelta

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.broadcast import (
    BroadcastRun,
    ChatGone,
    ChatMoved,
    DeliveryFailed,
    OutcomeUnknown,
    RetryLater,
    Sender,
)
from bot.storage import Audience
from bot.texts import Html, Texts, texts_for
from handlers.common import App, Context, app_services, callback, reply_html, services, texts_of
from handlers.subscriptions import migrate_chat

log = logging.getLogger(__name__)
RUNS_KEY = "broadcast_runs"
ANNOUNCE_MAX = 3500  # leaves room in the 4,096 limit for the preview frame


def telegram_sender(application: App) -> Sender:
    """Sends one announcement and translates Telegram's answers into delivery outcomes."""
    bot = application.bot

    async def send(chat_id: int, text: str, pin: bool) -> int:
        try:
            message = await bot.send_message(chat_id, text)
        except RetryAfter as exc:
            wait = exc.retry_after
            raise RetryLater(
                wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            ) from exc
        except ChatMigrated as exc:
            raise ChatMoved(exc.new_chat_id) from exc
        except Forbidden as exc:
            raise ChatGone(exc.message) from exc
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise ChatGone(exc.message) from exc
            raise DeliveryFailed(exc.message) from exc
        except TimedOut as exc:
            # The request may have reached Telegram; resending could duplicate it.
            raise OutcomeUnknown(str(exc)) from exc
        except NetworkError as exc:
            raise DeliveryFailed(str(exc), retryable=True) from exc
        if pin and message.chat.type in (Chat.GROUP, Chat.SUPERGROUP):
            try:
                await bot.pin_chat_message(chat_id, message.message_id, disable_notification=True)
            except (BadRequest, Forbidden):
                log.info("chat=%s announcement not pinned (no right to pin)", chat_id)
        return message.message_id

    return send


def _runs(application: App) -> dict[int, tuple[BroadcastRun, asyncio.Task[dict[str, int]]]]:
    runs: dict[int, tuple[BroadcastRun, asyncio.Task[dict[str, int]]]] = (
        application.bot_data.setdefault(RUNS_KEY, {})
    )
    return runs


def start_run(application: App, broadcast_id: int) -> None:
    svc = app_services(application)
    broadcast = svc.storage.get_broadcast(broadcast_id)
    if broadcast is None or broadcast_id in _runs(application):
        return
    texts = texts_for("zh-hans")

    async def progress(counts: dict[str, int], final: bool) -> None:
        current = svc.storage.get_broadcast(broadcast_id)
        if (
            current is None
            or current.progress_chat_id is None
            or current.progress_message_id is None
        ):
            return
        await application.bot.edit_message_text(
            render_progress(texts, counts, final),
            chat_id=current.progress_chat_id,
            message_id=current.progress_message_id,
        )

    async def moved(old_id: int, new_id: int) -> None:
        migrate_chat(application, old_id, new_id)

    async def gone(chat_id: int) -> None:
        svc.storage.set_chat_active(chat_id, False)

    run = BroadcastRun(
        svc.storage, broadcast_id, telegram_sender(application), progress, moved, gone
    )
    # Not `application.create_task`: `Application.stop()` awaits those tasks to the end, so a
    # shutdown would deliver the whole broadcast first; `stop_broadcasts` (post_stop) ends it
    # after the message in flight and the next start resumes it.
    task = asyncio.create_task(run.run(), name=f"broadcast-{broadcast_id}")
    _runs(application)[broadcast_id] = (run, task)
    task.add_done_callback(lambda done: _run_finished(application, broadcast_id, done))


def _run_finished(application: App, broadcast_id: int, task: asyncio.Task[dict[str, int]]) -> None:
    _runs(application).pop(broadcast_id, None)
    if not task.cancelled() and task.exception() is not None:
        log.error("broadcast %s stopped by an error", broadcast_id, exc_info=task.exception())


def render_progress(texts: Texts, counts: dict[str, int], final: bool) -> str:
    total = sum(counts.values())
    values = {k: counts.get(k, 0) for k in ("sent", "failed", "removed", "uncertain", "pending")}
    done = total - values["pending"] - counts.get("sending", 0)
    if final:
        return texts.get("announce_report", total=total, **values)
    return texts.get("announce_progress", done=done, total=total, **values)


def resume_broadcasts(application: App) -> int:
    running = app_services(application).storage.running_broadcasts()
    for broadcast in running:
        log.info("resuming broadcast %s", broadcast.id)
        start_run(application, broadcast.id)
    return len(running)


async def stop_broadcasts(application: App, grace: float = 10.0) -> None:
    runs = list(_runs(application).values())
    for run, _ in runs:
        run.stop()
    if runs:
        _, late = await asyncio.wait([task for _, task in runs], timeout=grace)
        for task in late:  # an unsettled delivery becomes "uncertain" at the next start
            task.cancel()
        if late:
            await asyncio.wait(late)


LEADING_FLAG = re.compile(r"^\s*(--all|--pin)(?=\s|$)")


def _parse_announcement(update: Update) -> tuple[str, bool, bool] | None:
    """(html text, to every active chat, pin) from the command or the message it replies to.

    Flags count only before the text (`/announce --all --pin 明天…`), so a "--pin" inside the
    announcement stays part of it.
    """
    message = update.effective_message
    if message is None:
        return None
    parts = (message.text or "").split(None, 1)
    rest = parts[1] if len(parts) > 1 else ""
    flags: set[str] = set()
    while match := LEADING_FLAG.match(rest):
        flags.add(match.group(1))
        rest = rest[match.end() :]
    reply = message.reply_to_message
    if reply is not None and (reply.text or reply.caption):
        text = reply.text_html if reply.text else reply.caption_html
    else:
        # The raw text keeps the admin's line breaks; it is plain text, so escape it.
        text = html.escape(rest.strip(), quote=False)
    return (text, "--all" in flags, "--pin" in flags) if text.strip() else None


async def announce_command(update: Update, context: Context) -> None:
    svc = services(context)
    texts = texts_of(update, context)
    user = update.effective_user
    if not svc.is_admin(user.id if user else None):
        await reply_html(update, texts.get("announce_admins_only"))
        return
    parsed = _parse_announcement(update)
    if parsed is None or len(parsed[0]) > ANNOUNCE_MAX:
        await reply_html(update, texts.get("announce_usage"))
        return
    text, to_all, pin = parsed
    audience: Audience = "active" if to_all else "subscribed"
    recipients = len(svc.storage.active_chats()) if to_all else len(svc.storage.all_subscriptions())
    if recipients == 0:
        await reply_html(update, texts.get("announce_nothing"))
        return
    broadcast = svc.storage.create_broadcast(text, user.id if user else 0, audience, pin)
    preview = texts.get(
        "announce_preview",
        count=recipients,
        audience=texts.plain(f"announce_audience_{audience}"),
        text=Html(text),
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.plain("announce_confirm"),
                    callback_data=callback("ANN", broadcast.id, "OK"),
                ),
                InlineKeyboardButton(
                    texts.plain("announce_cancel"),
                    callback_data=callback("ANN", broadcast.id, "NO"),
                ),
            ]
        ]
    )
    await reply_html(update, preview, keyboard)


async def announce_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    svc = services(context)
    texts = texts_of(update, context)
    if not svc.is_admin(query.from_user.id):
        await query.answer(texts.plain("announce_admins_only"), show_alert=True)
        return
    _, raw_id, action = query.data.split()
    broadcast = svc.storage.get_broadcast(int(raw_id))
    if broadcast is None or broadcast.status != "draft":
        await query.answer(texts.plain("announce_gone"), show_alert=True)
        return
    await query.answer()
    if action == "NO":
        svc.storage.cancel_broadcast(broadcast.id)
        await query.edit_message_text(texts.get("announce_cancelled"))
        return
    total = svc.storage.start_broadcast(broadcast.id)
    message = query.message
    if message is not None:
        svc.storage.set_progress_message(broadcast.id, message.chat.id, message.message_id)
        await query.edit_message_text(
            texts.get("announce_progress", done=0, total=total, sent=0, failed=0, removed=0)
        )
    start_run(context.application, broadcast.id)


def register(application: App) -> None:
    # Previews and progress reports are for the admin's eyes: private chats only.
    application.add_handler(
        CommandHandler("announce", announce_command, filters=filters.ChatType.PRIVATE)
    )
    application.add_handler(CallbackQueryHandler(announce_button, pattern=r"^ANN \d+ (OK|NO)$"))
