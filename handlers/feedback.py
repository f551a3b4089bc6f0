"""👍/👎 under an answer: "FB <item> <1|-1>", stored per user and item."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from handlers.common import App, Context, conversation_of, expired_button, services, texts_of


async def feedback_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    _, item_id, vote = [*query.data.split(), "", ""][:3]
    svc = services(context)
    texts = texts_of(update, context)
    if svc.kb.item(item_id) is None or vote not in ("1", "-1"):
        await expired_button(update, context)
        return
    # The question the vote is about, so /stats can offer a 👎 answer for fixing.
    frame = conversation_of(update, context).frame
    question = frame.question if frame is not None and frame.item_id == item_id else None
    svc.storage.record_feedback(
        query.from_user.id,
        item_id,
        int(vote),
        question,
        chat_id=query.message.chat.id if query.message else None,
    )
    await query.answer(texts.plain("feedback_thanks"))


def register(application: App) -> None:
    application.add_handler(CallbackQueryHandler(feedback_button, pattern=r"^FB "))
