"""Questions in any words: private messages, mentions and replies in groups, /search, /month.

Each message goes through the conversation core (`bot.conversation.Dialogue`): a follow-up
("还有吗", "第二条", "详细说说", "那11月呢？") is answered in the context of the last one, anything
else is searched. Registered last in its group: it also answers unknown commands and non-text
messages.
"""

from __future__ import annotations

import logging
import re

from telegram import MessageEntity, Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.conversation import Conversation, Reply
from bot.normalize import MAX_QUERY_CHARS, clean_text, normalize
from bot.render import (
    LIST_PAGE,
    MONTH_NAMES,
    render_answer,
    render_list,
    render_list_page,
)
from bot.search import SearchResult
from bot.texts import Html, Texts
from handlers.common import (
    App,
    Context,
    answer_keyboard,
    conversation_of,
    is_group,
    is_private,
    reply_html,
    services,
    texts_of,
)
from handlers.topics import PER_PAGE, section_message, send_item

log = logging.getLogger(__name__)
MONTH_ARGUMENT = re.compile(r"^(1[0-2]|0?[1-9])(月份?)?$")


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Answer a message: a follow-up in its context, anything else by searching the report."""
    svc = services(context)
    texts = texts_of(update, context, question)
    cleaned = clean_text(question, limit=None)
    if not normalize(cleaned[:MAX_QUERY_CHARS]):
        await reply_html(update, texts.get("empty_question"))
        return
    conversation = conversation_of(update, context)
    reply = svc.dialogue.respond(cleaned, conversation)
    if reply.kind == "answer" and reply.result is not None:
        await send_answer(update, context, cleaned, reply, conversation, texts)
    else:
        await send_follow_up(update, context, reply, conversation, texts)


async def send_follow_up(
    update: Update, context: Context, reply: Reply, conversation: Conversation, texts: Texts
) -> None:
    """Everything but a search result: the next page, one item, or why there is none."""
    kb = services(context).kb
    if reply.kind == "item" and reply.item is not None:
        await send_item(update, context, reply.item, texts)
    elif reply.kind == "section_page" and reply.section is not None:
        html, markup = section_message(kb, reply.section, reply.page, texts)
        await reply_html(update, html, markup)
        conversation.saw_section(reply.section, reply.page, PER_PAGE)
    elif reply.kind == "page":
        html = render_list_page(kb, reply.items, texts, reply.start, reply.total)
        await reply_html(update, html)
        conversation.saw_page(reply.start - 1 + len(reply.items))
    elif reply.kind == "end":
        await reply_html(update, texts.get("list_end", total=reply.total))
    elif reply.kind == "out_of_range":
        await reply_html(update, texts.get("pick_out_of_range", total=reply.total))
    elif reply.kind == "which":
        await reply_html(update, texts.get("pick_which", total=reply.total))
    elif reply.kind == "nothing_more":
        english = services(context).dialogue.vocabulary.english
        name = (
            english.get(reply.subject, reply.subject) if texts.language == "en" else reply.subject
        )
        await reply_html(update, texts.get("nothing_more", subject=texts.convert(name)))
    else:
        await reply_html(update, texts.get("followup_no_context"))
    log.info(
        "follow-up chat=%s update=%s kind=%s",
        update.effective_chat.id if update.effective_chat else None,
        update.update_id,
        reply.kind,
    )


async def send_answer(
    update: Update,
    context: Context,
    cleaned: str,
    reply: Reply,
    conversation: Conversation,
    texts: Texts,
) -> None:
    """A search result (of the message, or of the question it completes): the item, the list,
    or "not in the report"."""
    svc = services(context)
    result: SearchResult | None = reply.result
    if result is None:
        return
    html = render_answer(svc.kb, result, texts)
    if len(cleaned) > MAX_QUERY_CHARS:
        html = Html(f"{texts.get('question_truncated', limit=MAX_QUERY_CHARS)}\n\n{html}")
    await reply_html(update, html, answer_keyboard(result, texts, is_private(update)))
    conversation.saw_answer(reply.question, result, svc.dialogue.vocabulary)
    chat = update.effective_chat
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
        "answered chat=%s update=%s kind=%s top=%s score=%.2f follow-up=%s",
        chat.id if chat else None,
        update.update_id,
        result.kind,
        best.item.id if best else "-",
        result.confidence,
        reply.follow_up.kind if reply.follow_up else "-",
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
    header = texts.get(
        "month_header", month=month, month_name=MONTH_NAMES[month - 1], count=len(items)
    )
    html = render_list(svc.kb, items[:LIST_PAGE], texts, header, total=len(items))
    await reply_html(update, html)
    conversation_of(update, context).saw_month(month, tuple(items))


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
