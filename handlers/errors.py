"""The one error handler: log with the traceback, keep chat records right, tell the user."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import ChatMigrated, Forbidden, RetryAfter, TelegramError

from handlers.common import Context, services, texts_of
from handlers.subscriptions import migrate_chat

log = logging.getLogger(__name__)


async def error_handler(update: object, context: Context) -> None:
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    update_id = update.update_id if isinstance(update, Update) else None
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
