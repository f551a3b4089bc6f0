"""/timeline: the report's year as a picture; `/timeline <topic>` and "TL <section>" buttons
draw one topic or highlight.

The picture is drawn by `bot.timeline`. The first upload of a picture returns a Telegram
file_id; later sends of the same picture reuse it (keyed by the digest of the data drawn, so
a change in the data draws and uploads again). Callback data: "TL" (whole year) and
"TL <section id>".
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.report import KnowledgeBase, Section
from bot.texts import Html, Texts, escape
from bot.timeline import draw_timeline, render_caption, timeline_data
from handlers.common import (
    App,
    Context,
    callback,
    is_group,
    reply_html,
    section_label,
    services,
    texts_of,
)

log = logging.getLogger(__name__)
PHOTOS_KEY = "timeline_photos"


class PhotoCache:
    """Telegram file_ids of pictures already uploaded, by the digest of what they show."""

    def __init__(self) -> None:
        self._file_ids: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self._file_ids.get(key)

    def put(self, key: str, file_id: str) -> None:
        self._file_ids[key] = file_id

    def drop(self, key: str) -> None:
        self._file_ids.pop(key, None)

    def __len__(self) -> int:
        return len(self._file_ids)


def photo_cache(context: Context) -> PhotoCache:
    cache: PhotoCache = context.bot_data[PHOTOS_KEY]
    return cache


def timeline_keyboard(
    kb: KnowledgeBase, section: Section | None, texts: Texts
) -> InlineKeyboardMarkup:
    """Under the whole year: a button per topic and highlight to draw it alone. Under one
    topic: its items as text, and back to the whole year."""
    if section is not None:
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        texts.plain("button_more"),
                        callback_data=callback("SEC", section.id, 1, "new"),
                    )
                ],
                [InlineKeyboardButton(texts.plain("button_timeline"), callback_data="TL")],
            ]
        )
    rows: list[list[InlineKeyboardButton]] = []
    for report in kb.reports:
        for topic in report.topics:
            rows.append(
                [
                    InlineKeyboardButton(
                        section_label(topic, texts), callback_data=callback("TL", topic.id)
                    )
                ]
            )
            buttons = [
                InlineKeyboardButton(
                    section_label(child, texts), callback_data=callback("TL", child.id)
                )
                for child in topic.children
            ]
            rows.extend(buttons[i : i + 2] for i in range(0, len(buttons), 2))
    return InlineKeyboardMarkup(rows)


async def send_timeline(update: Update, context: Context, section: Section | None) -> None:
    """The picture of the whole year (or of one section) with its linked caption."""
    chat = update.effective_chat
    if chat is None:
        return
    kb = services(context).kb
    texts = texts_of(update, context)
    data = timeline_data(kb, texts, section)
    caption = render_caption(kb, data, texts, context.bot.username)
    markup = timeline_keyboard(kb, section, texts)
    cache = photo_cache(context)
    key = data.digest()
    command = update.message  # a command is answered as a reply; a button press is not
    quote = is_group(chat)

    async def send(photo: str | InputFile) -> Message:
        if command is not None:
            return await command.reply_photo(
                photo, caption=caption, reply_markup=markup, do_quote=quote
            )
        return await chat.send_photo(photo, caption=caption, reply_markup=markup)

    file_id = cache.get(key)
    if file_id is not None:
        try:
            await send(file_id)
            return
        except BadRequest as exc:
            if "file" not in str(exc).lower():
                raise
            # Telegram no longer knows the file: draw and upload it again.
            log.warning("cached timeline photo refused (%s); uploading again", exc)
            cache.drop(key)
    await chat.send_chat_action(ChatAction.UPLOAD_PHOTO)
    png = await asyncio.to_thread(draw_timeline, data)
    sent = await send(InputFile(png, filename="timeline.png"))
    if sent.photo:
        cache.put(key, sent.photo[-1].file_id)


def usage(kb: KnowledgeBase, texts: Texts, name: str) -> Html:
    commands = "\n".join(
        f"/timeline {section.command} — {escape(section_label(section, texts))}"
        for section in kb.sections.values()
    )
    return texts.get("timeline_unknown", name=name, commands=Html(commands))


async def timeline_command(update: Update, context: Context) -> None:
    kb = services(context).kb
    if not context.args:
        await send_timeline(update, context, None)
        return
    name = context.args[0].lstrip("/").split("@")[0][:32]
    section = kb.commands.get(name.lower()) or kb.section(name)
    if section is None:
        await reply_html(update, usage(kb, texts_of(update, context), name))
        return
    await send_timeline(update, context, section)


async def timeline_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    parts = query.data.split()
    section: Section | None = None
    if len(parts) > 1:
        section = services(context).kb.section(parts[1])
        if section is None:
            await query.answer(texts_of(update, context).plain("unknown_item"), show_alert=True)
            return
    await query.answer()
    await send_timeline(update, context, section)


def register(application: App) -> None:
    application.bot_data.setdefault(PHOTOS_KEY, PhotoCache())
    application.add_handler(CommandHandler("timeline", timeline_command))
    application.add_handler(CallbackQueryHandler(timeline_button, pattern=r"^TL( |$)"))
