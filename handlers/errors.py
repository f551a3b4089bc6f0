"""The one error handler: log with the traceback, keep chat records right, tell the user.

A button press whose handler failed is answered here, so the person's client stops spinning.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import ChatMigrated, Forbidden, RetryAfter, TelegramError

from handlers.common import Context, services, texts_of
from handlers.subscriptions import migrate_chat

log = logging.getLogger(__name__)


async def answer_pending_button(update: Update, context: Context) -> None:
    """Answer the press if the failed handler had not; a second answer is refused by Telegram
    (the query is no longer open), which is harmless."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer(texts_of(update, context).plain("button_error"))
    except TelegramError as exc:
        log.debug("update=%s callback query not answered again: %s", update.update_id, exc)


async def error_handler(update: object, context: Context) -> None:
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(update, Update):
        await answer_pending_button(update, context)
    if isinstance(error, Forbidden) and chat is not None:
        log.info("chat=%s update=%s bot blocked or removed: %s", chat.id, update_id, error)
        services(context).storage.set_chat_active(chat.id, False)
        return
    if isinstance(error, ChatMigrated) and chat is not None:
        migrate_chat(context.application, chat.id, error.new_chat_id)
        return
    if isinstance(error, RetryAfter):
        log.warning(
            "chat=%s update=%s flood control: %s", chat.id if chat else None, update_id, error
        )
        return
    log.error(
        "chat=%s update=%s unhandled error", chat.id if chat else None, update_id, exc_info=error
    )
    if (
        isinstance(update, Update)
        and update.effective_message is not None
        and not isinstance(error, TelegramError)
    ):
        try:
            await update.effective_message.reply_html(
                texts_of(update, context).get("error_generic")
            )
        except TelegramError:
            log.warning("chat=%s could not send the error notice", chat.id if chat else None)
