"""The topic menu, one command per topic and highlight (from the data), and paging.

Callback data: "MENU" (topic list), "SEC <section> <page>" (edit in place),
"SEC <section> <page> new" (send as a new message, used under answers), "ITEM <id>" (one item
with its neighbours) and "ORIG <id>" (the Chinese original of a translated item).

Every page and item shown becomes the follow-up context ("更多", "第二条", "详细说说").
The menu and each section also offer their timeline picture ("TL", "TL <section>", handled in
handlers/timeline.py); "REP <report>" opens one report's topics.
A press with data no handler knows, or naming a section or item that is gone, is answered
by `expired_button`.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.conversation import SECTION_PAGE
from bot.render import (
    render_item_detail,
    render_original,
    render_section,
)
from bot.report import Item, KnowledgeBase, Section
from bot.services import Services
from bot.texts import Html, Texts
from handlers.common import (
    App,
    Context,
    app_services,
    callback,
    conversation_of,
    expired_button,
    is_private,
    item_keyboard,
    reply_html,
    section_label,
    services,
    texts_of,
    topics_keyboard,
    topics_menu,
)

PER_PAGE = SECTION_PAGE


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
    rows.append(
        [
            InlineKeyboardButton(
                texts.plain("button_timeline_topic"), callback_data=callback("TL", section.id)
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
    conversation_of(update, context).saw_section(section, page, PER_PAGE)


async def send_item(update: Update, context: Context, item: Item, texts: Texts) -> None:
    """One item in full, with its place in its topic and buttons to its neighbours."""
    kb = services(context).kb
    markup = item_keyboard(item, texts, is_private(update), kb)
    await reply_html(update, render_item_detail(kb, item, texts), markup)
    conversation_of(update, context).saw_item(item)


async def topics_command(update: Update, context: Context) -> None:
    await reply_html(update, *topics_menu(services(context).kb, texts_of(update, context)))


def reports_keyboard(kb: KnowledgeBase) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"{r.year} · {r.title}"[:64], callback_data=callback("REP", r.id))]
         for r in kb.reports]
    )  # fmt: skip


async def reports_command(update: Update, context: Context) -> None:
    """Every loaded report, newest first in the list, each a button to its topics."""
    kb = services(context).kb
    texts = texts_of(update, context)
    lines = [
        texts.get(
            "report_line",
            title=r.title_en if texts.language == "en" else texts.convert(r.title),
            year=r.year,
            items=len(list(r.items())),
        )
        for r in sorted(kb.reports, key=lambda r: -r.year)
    ]
    body = "\n".join([texts.get("reports_header", count=len(kb.reports)), *lines])
    await reply_html(update, Html(body), reports_keyboard(kb))


async def report_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    kb = services(context).kb
    texts = texts_of(update, context)
    report = next((r for r in kb.reports if r.id == query.data.removeprefix("REP ")), None)
    if report is None:
        await query.answer(texts.plain("button_expired"))
        await reply_html(update, texts.get("reports_header", count=len(kb.reports)),
                         reports_keyboard(kb))  # fmt: skip
        return
    await query.answer()
    title = report.title_en if texts.language == "en" else texts.convert(report.title)
    header = texts.get("topics_header", report=title, report_en=report.title_en)
    await reply_html(update, header, topics_keyboard(kb, texts, report.id))


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
    conversation_of(update, context).saw_section(section, page, PER_PAGE)


async def item_button(update: Update, context: Context) -> None:
    """ "ITEM <id>": one item, sent as a new message (the "maybe" and neighbour buttons)."""
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
    await send_item(update, context, item, texts)


async def original_button(update: Update, context: Context) -> None:
    """ "ORIG <id>": the Chinese original under an English translation."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    kb = services(context).kb
    texts = texts_of(update, context)
    item = kb.item(query.data.removeprefix("ORIG "))
    if item is None:
        await query.answer(texts.plain("unknown_item"), show_alert=True)
        return
    await query.answer()
    await reply_html(update, render_original(kb, item, texts))


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


class TopicCommand(filters.MessageFilter):
    """A /command naming a topic of the reports loaded *now*: the set changes on /reload, so a
    fixed CommandHandler list would miss a new report's topics until a restart."""

    def __init__(self, svc: Services) -> None:
        super().__init__(name="TopicCommand")
        self.svc = svc

    def filter(self, message: Message) -> bool:
        if not message.text or not message.text.startswith("/"):
            return False
        name, _, addressee = message.text.split()[0][1:].partition("@")
        if addressee and addressee.lower() != (message.get_bot().username or "").lower():
            return False
        return name.lower() in self.svc.kb.commands


def register(application: App) -> None:
    application.add_handler(CommandHandler("topics", topics_command))
    application.add_handler(CommandHandler("reports", reports_command))
    application.add_handler(CallbackQueryHandler(report_button, pattern=r"^REP "))
    application.add_handler(
        MessageHandler(TopicCommand(app_services(application)), section_command)
    )
    application.add_handler(CallbackQueryHandler(section_button, pattern=r"^SEC "))
    application.add_handler(CallbackQueryHandler(menu_button, pattern=r"^MENU( new)?$"))
    application.add_handler(CallbackQueryHandler(item_button, pattern=r"^ITEM "))
    application.add_handler(CallbackQueryHandler(original_button, pattern=r"^ORIG "))


class DatalessButton(CallbackQueryHandler[Context, None]):
    """A press that carries no data at all. python-telegram-bot hands such a press to *every*
    pattern handler (a pattern is only tried on data), so it is caught before them."""

    def check_update(self, update: object) -> bool:
        query = update.callback_query if isinstance(update, Update) else None
        return query is not None and not query.data and not query.game_short_name


def register_dataless(application: App) -> None:
    """Before every other button handler."""
    application.add_handler(DatalessButton(expired_button))


def register_expired(application: App) -> None:
    """After every other button handler: any press they did not take is answered."""
    application.add_handler(CallbackQueryHandler(expired_button))
