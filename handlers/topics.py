"""The topic menu, one command per topic and highlight (from the data), and paging.

Callback data: "MENU" (topic list), "SEC <section> <page>" (edit in place) and
"SEC <section> <page> new" (send as a new message, used under answers). A press with data no
handler knows, or naming a section or item that is gone, is answered by `expired_button`.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.render import render_item, render_section
from bot.report import KnowledgeBase, Section
from bot.texts import Texts
from handlers.common import (
    App,
    Context,
    callback,
    expired_button,
    item_keyboard,
    reply_html,
    section_label,
    services,
    texts_of,
    topics_menu,
)

PER_PAGE = 5


def section_keyboard(
    kb: KnowledgeBase, section: Section, page: int, pages: int, texts: Texts
) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if pages > 1:
        nav = []
        if page > 1:
            nav.append(
                InlineKeyboardButton(
                    texts.plain("button_prev"), callback_data=callback("SEC", section.id, page - 1)
                )
            )
        nav.append(
            InlineKeyboardButton(f"{page}/{pages}", callback_data=callback("SEC", section.id, page))
        )
        if page < pages:
            nav.append(
                InlineKeyboardButton(
                    texts.plain("button_next"), callback_data=callback("SEC", section.id, page + 1)
                )
            )
        rows.append(nav)
    children = [
        InlineKeyboardButton(
            section_label(child, texts), callback_data=callback("SEC", child.id, 1)
        )
        for child in section.children
    ]
    rows.extend(children[i : i + 2] for i in range(0, len(children), 2))
    if section.parent_id:
        parent = kb.sections[section.parent_id]
        rows.append(
            [
                InlineKeyboardButton(
                    section_label(parent, texts), callback_data=callback("SEC", parent.id, 1)
                )
            ]
        )
    rows.append([InlineKeyboardButton(texts.plain("button_back"), callback_data="MENU")])
    return InlineKeyboardMarkup(rows)


def section_message(
    kb: KnowledgeBase, section: Section, page: int, texts: Texts
) -> tuple[str, InlineKeyboardMarkup]:
    html, pages = render_section(kb, section, texts, page, PER_PAGE)
    page = min(max(page, 1), pages)
    return html, section_keyboard(kb, section, page, pages, texts)


async def send_section(update: Update, context: Context, section: Section, page: int) -> None:
    texts = texts_of(update, context)
    html, markup = section_message(services(context).kb, section, page, texts)
    await reply_html(update, html, markup)


async def topics_command(update: Update, context: Context) -> None:
    await reply_html(update, *topics_menu(services(context).kb, texts_of(update, context)))


async def section_command(update: Update, context: Context) -> None:
    """One handler for every topic command: the command's name says which section."""
    message = update.effective_message
    if message is None or not message.text:
        return
    name = message.text.split()[0][1:].split("@")[0].lower()
    section = services(context).kb.commands.get(name)
    if section is not None:
        await send_section(update, context, section, page=1)


async def section_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    parts = query.data.split()
    kb = services(context).kb
    texts = texts_of(update, context)
    section = kb.section(parts[1]) if len(parts) > 1 else None
    if section is None:
        await expired_button(update, context)
        return
    # isdecimal, not isdigit: int() refuses digits such as "²" that isdigit accepts.
    page = int(parts[2]) if len(parts) > 2 and parts[2].isdecimal() else 1
    await query.answer()
    if len(parts) > 3 and parts[3] == "new":
        await send_section(update, context, section, page)
        return
    html, markup = section_message(kb, section, page, texts)
    await _edit(update, html, markup)


async def item_button(update: Update, context: Context) -> None:
    """ "ITEM <id>": one item, sent as a new message (from the "maybe" buttons)."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    kb = services(context).kb
    texts = texts_of(update, context)
    item = kb.item(query.data.removeprefix("ITEM "))
    if item is None:
        await expired_button(update, context)
        return
    await query.answer()
    chat = update.effective_chat
    private = chat is not None and chat.type == chat.PRIVATE
    await reply_html(update, render_item(kb, item, texts), item_keyboard(item, texts, private))


async def menu_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    header, markup = topics_menu(services(context).kb, texts_of(update, context))
    if query.data and query.data.endswith("new"):
        await reply_html(update, header, markup)
        return
    await _edit(update, header, markup)


async def _edit(update: Update, html: str, markup: InlineKeyboardMarkup) -> None:
    query = update.callback_query
    if query is None:
        return
    try:
        await query.edit_message_text(html, reply_markup=markup)
    except BadRequest as exc:
        # Pressing the page you are on ("2/3") changes nothing; Telegram says so.
        if "not modified" not in str(exc).lower():
            raise


def register(application: App, kb: KnowledgeBase) -> None:
    application.add_handler(CommandHandler("topics", topics_command))
    commands = sorted(kb.commands)
    if commands:
        application.add_handler(CommandHandler(commands, section_command))
    application.add_handler(CallbackQueryHandler(section_button, pattern=r"^SEC "))
    application.add_handler(CallbackQueryHandler(menu_button, pattern=r"^MENU( new)?$"))
    application.add_handler(CallbackQueryHandler(item_button, pattern=r"^ITEM "))


def register_expired(application: App) -> None:
    """After every other button handler: any press they did not take is answered."""
    application.add_handler(CallbackQueryHandler(expired_button))
