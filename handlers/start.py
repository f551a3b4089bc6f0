"""/start (with deep links to an item or a topic) and /help. /start also ends the follow-up
context: whatever comes next is a new conversation."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.render import reports_title, reports_title_en
from handlers.common import (
    App,
    Context,
    conversation_of,
    reply_html,
    section_label,
    services,
    texts_of,
    topics_keyboard,
)
from handlers.topics import send_item, send_section


async def start_command(update: Update, context: Context) -> None:
    kb = services(context).kb
    texts = texts_of(update, context)
    payload = context.args[0] if context.args else ""
    conversation_of(update, context).reset()
    if payload.startswith("item_"):
        item = kb.item(payload.removeprefix("item_"))
        if item is None:
            await reply_html(update, texts.get("unknown_item"), topics_keyboard(kb, texts))
            return
        await send_item(update, context, item, texts)
        return
    if payload.startswith("topic_"):
        section = kb.commands.get(payload.removeprefix("topic_")) or kb.section(
            payload.removeprefix("topic_")
        )
        if section is not None:
            await send_section(update, context, section, page=1)
            return
    user = update.effective_user
    welcome = texts.get(
        "welcome",
        name=user.first_name if user else "",
        report=reports_title(kb, texts),
        report_en=reports_title_en(kb),
    )
    await reply_html(update, welcome, topics_keyboard(kb, texts))


async def help_command(update: Update, context: Context) -> None:
    kb = services(context).kb
    texts = texts_of(update, context)
    topic_commands = "\n".join(
        f"/{section.command} {section_label(section, texts)}" for section in kb.sections.values()
    )
    await reply_html(
        update,
        texts.get(
            "help",
            report=reports_title(kb, texts),
            report_en=reports_title_en(kb),
            topic_commands=topic_commands,
        ),
    )


def register(application: App) -> None:
    application.add_handler(CommandHandler("start", start_command))
    application.add_handler(CommandHandler("help", help_command))
