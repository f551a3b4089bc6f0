"""Questions in any words: private messages, mentions and replies in groups, /search, /month.

Registered last in its group: it also answers unknown commands and non-text messages.
"""

from __future__ import annotations

import logging
import re

from telegram import MessageEntity, Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.normalize import MAX_QUERY_CHARS, clean_text, normalize
from bot.render import render_answer, render_list
from bot.search import SearchResult
from bot.texts import Html
from handlers.common import (
    App,
    Context,
    answer_keyboard,
    is_group,
    reply_html,
    services,
    texts_of,
)

log = logging.getLogger(__name__)
MONTH_ARGUMENT = re.compile(r"^(1[0-2]|0?[1-9])(月份?)?$")


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Search the report and reply with the answer, the list, or "not in the report"."""
    svc = services(context)
    texts = texts_of(update, context, question)
    cleaned = clean_text(question, limit=None)
    if not normalize(cleaned[:MAX_QUERY_CHARS]):
        await reply_html(update, texts.get("empty_question"))
        return
    result: SearchResult = svc.index.search(cleaned)
    html = render_answer(svc.kb, result, texts)
    if len(cleaned) > MAX_QUERY_CHARS:
        html = Html(f"{texts.get('question_truncated', limit=MAX_QUERY_CHARS)}\n\n{html}")
    chat = update.effective_chat
    private = chat is not None and chat.type == chat.PRIVATE
    await reply_html(update, html, answer_keyboard(result, texts, private))
    user = update.effective_user
    best = result.best
    svc.record_question(
        chat.id if chat else 0,
        user.id if user else None,
        cleaned,
        result.kind != "none",
        best.item.id if best else None,
    )
    log.info(
        "answered chat=%s update=%s kind=%s top=%s score=%.2f",
        chat.id if chat else None,
        update.update_id,
        result.kind,
        best.item.id if best else "-",
        result.confidence,
    )


async def private_message(update: Update, context: Context) -> None:
    message = update.effective_message
    if message and message.text is not None:
        await answer_question(update, context, message.text)


def _addressed_text(update: Update, username: str, bot_id: int) -> str | None:
    """The question in a group message meant for us (a mention or a reply), else None."""
    message = update.effective_message
    if message is None or not message.text:
        return None
    mention = f"@{username}".lower()
    for entity in message.entities:
        if entity.type == MessageEntity.MENTION and message.parse_entity(entity).lower() == mention:
            start = entity.offset
            # Offsets are in UTF-16 code units; slice the text the same way.
            encoded = message.text.encode("utf-16-le")
            before = encoded[: start * 2].decode("utf-16-le")
            after = encoded[(start + entity.length) * 2 :].decode("utf-16-le")
            return f"{before} {after}".strip()
    reply = message.reply_to_message
    if reply and reply.from_user and reply.from_user.id == bot_id:
        return message.text
    return None


async def group_message(update: Update, context: Context) -> None:
    question = _addressed_text(update, context.bot.username or "", context.bot.id)
    if question is not None:
        await answer_question(update, context, question)


async def search_command(update: Update, context: Context) -> None:
    if not context.args:
        await reply_html(update, texts_of(update, context).get("usage_search"))
        return
    await answer_question(update, context, " ".join(context.args))


async def month_command(update: Update, context: Context) -> None:
    argument = "".join(context.args or [])
    match = MONTH_ARGUMENT.match(argument)
    texts = texts_of(update, context)
    if not match:
        await reply_html(update, texts.get("usage_month"))
        return
    month = int(match.group(1))
    svc = services(context)
    items = sorted(
        (i for i in svc.kb.items.values() if i.date and i.date.month == month),
        key=lambda i: i.sort_key(),
    )
    if not items:
        await reply_html(update, texts.get("month_empty", month=month))
        return
    from bot.render import MONTH_NAMES

    header = texts.get(
        "month_header", month=month, month_name=MONTH_NAMES[month - 1], count=len(items)
    )
    await reply_html(update, render_list(svc.kb, items, texts, header))


async def unknown_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split()[0]
    if "@" in command and command.split("@", 1)[1].lower() != (context.bot.username or "").lower():
        return  # meant for another bot
    if is_group(update.effective_chat) and "@" not in command:
        return  # a bare unknown command in a group may belong to another bot
    await reply_html(update, texts_of(update, context).get("unknown_command"))


async def unsupported_message(update: Update, context: Context) -> None:
    await reply_html(update, texts_of(update, context).get("unsupported_message"))


async def edited_message(update: Update, context: Context) -> None:
    await reply_html(update, texts_of(update, context).get("edited_message"))


def register(application: App) -> None:
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    application.add_handler(CommandHandler("search", search_command))
    application.add_handler(CommandHandler("month", month_command))
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & private, edited_message)
    )
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & private & filters.TEXT & ~filters.COMMAND, private_message
        )
    )
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & groups & filters.TEXT & ~filters.COMMAND, group_message
        )
    )
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, unknown_command)
    )
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE
            & private
            & (
                filters.Sticker.ALL
                | filters.PHOTO
                | filters.VOICE
                | filters.AUDIO
                | filters.VIDEO
                | filters.Document.ALL
                | filters.LOCATION
                | filters.CONTACT
                | filters.ANIMATION
                | filters.VIDEO_NOTE
            ),
            unsupported_message,
        )
    )
