"""Small helpers shared by the handler modules: services, language, replies, keyboards."""

from __future__ import annotations

from typing import Any, TypeAlias

from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.ext import Application, ContextTypes

from bot.normalize import detect_script
from bot.render import item_title, report_title, split_message
from bot.report import Item, KnowledgeBase, Section
from bot.search import SearchResult
from bot.services import SERVICES_KEY, Services
from bot.texts import Html, Language, Texts, choose_language, texts_for

App: TypeAlias = Application[Any, Any, Any, Any, Any, Any]
Context: TypeAlias = ContextTypes.DEFAULT_TYPE
LANGUAGE_KEY = "language"


def services(context: Context) -> Services:
    result: Services = context.bot_data[SERVICES_KEY]
    return result


def app_services(application: App) -> Services:
    result: Services = application.bot_data[SERVICES_KEY]
    return result


def language_of(update: Update, context: Context, text: str | None = None) -> Language:
    """The script the person last wrote in, else their Telegram language setting."""
    user = update.effective_user
    code = user.language_code if user else None
    user_data = context.user_data if user else None
    if text:
        script = detect_script(text)
        if script in ("hans", "hant", "latin"):
            language = choose_language(code, script)
            if user_data is not None:
                user_data[LANGUAGE_KEY] = language
            return language
    if user_data is not None and user_data.get(LANGUAGE_KEY):
        remembered: Language = user_data[LANGUAGE_KEY]
        return remembered
    return choose_language(code, None)


def texts_of(update: Update, context: Context, text: str | None = None) -> Texts:
    return texts_for(language_of(update, context, text))


def is_group(chat: Chat | None) -> bool:
    return chat is not None and chat.type in (Chat.GROUP, Chat.SUPERGROUP)


async def reply_html(
    update: Update,
    html: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Reply in the update's chat; long texts are split, the keyboard goes on the last part."""
    chat = update.effective_chat
    if chat is None:
        return None
    message = update.effective_message
    parts = split_message(html)
    sent: Message | None = None
    for number, part in enumerate(parts, start=1):
        keyboard = markup if number == len(parts) else None
        if message is not None and number == 1:
            # Quote the question in groups so the answer is clearly tied to it.
            sent = await message.reply_html(part, reply_markup=keyboard, do_quote=is_group(chat))
        else:
            sent = await chat.send_message(part, reply_markup=keyboard)
    return sent


def callback(*parts: object) -> str:
    """Callback data such as "SEC youth 2"; Telegram allows 64 bytes."""
    data = " ".join(str(p) for p in parts)
    if len(data.encode()) > 64:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def section_label(section: Section, texts: Texts) -> str:
    if texts.language == "en":
        return section.description_en
    title = texts.convert(section.title)
    return title if section.kind == "topic" else f"{section.number}. {title}"


def topics_keyboard(kb: KnowledgeBase, texts: Texts) -> InlineKeyboardMarkup:
    """Every topic on its own row, its highlights two by two beneath it."""
    rows: list[list[InlineKeyboardButton]] = []
    for report in kb.reports:
        for topic in report.topics:
            rows.append(
                [
                    InlineKeyboardButton(
                        section_label(topic, texts), callback_data=callback("SEC", topic.id, 1)
                    )
                ]
            )
            buttons = [
                InlineKeyboardButton(
                    section_label(child, texts), callback_data=callback("SEC", child.id, 1)
                )
                for child in topic.children
            ]
            rows.extend(buttons[i : i + 2] for i in range(0, len(buttons), 2))
    return InlineKeyboardMarkup(rows)


def topics_menu(kb: KnowledgeBase, texts: Texts) -> tuple[Html, InlineKeyboardMarkup]:
    """The topic menu: the report's title over every topic's button."""
    header = texts.get(
        "topics_header", report=report_title(kb, texts), report_en=kb.reports[0].title_en
    )
    return header, topics_keyboard(kb, texts)


async def expired_button(update: Update, context: Context) -> None:
    """A button nobody can serve: data from an old keyboard, forged data, or an item or section
    that no longer exists. The press is answered (so the client stops spinning) and the topic
    menu comes as a new message, leaving the old one as it was."""
    query = update.callback_query
    if query is None:
        return
    texts = texts_of(update, context)
    await query.answer(texts.plain("button_expired"))
    await reply_html(update, *topics_menu(services(context).kb, texts))


def suggestions_keyboard(result: SearchResult, texts: Texts) -> InlineKeyboardMarkup:
    """Under "not in the report": items that came close (never given as the answer), the
    nearest topics, and the full topic list."""
    rows = [
        [
            InlineKeyboardButton(
                texts.plain("button_maybe", title=item_title(hit.item, texts)),
                callback_data=callback("ITEM", hit.item.id),
            )
        ]
        for hit in result.near_misses
    ]
    rows += [
        [
            InlineKeyboardButton(
                section_label(s, texts), callback_data=callback("SEC", s.id, 1, "new")
            )
        ]
        for s in result.suggestions
    ]
    rows.append([InlineKeyboardButton(texts.plain("button_topics"), callback_data="MENU new")])
    return InlineKeyboardMarkup(rows)


def answer_keyboard(
    result: SearchResult, texts: Texts, private: bool
) -> InlineKeyboardMarkup | None:
    """Under an answer: more in the topic, share, and (in private chats) feedback."""
    if result.kind == "none":
        return suggestions_keyboard(result, texts)
    if result.kind == "list":
        return None
    item = result.hits[0].item
    return item_keyboard(item, texts, private)


def item_keyboard(item: Item, texts: Texts, private: bool) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                texts.plain("button_more"), callback_data=callback("SEC", item.section_id, 1, "new")
            ),
            InlineKeyboardButton(texts.plain("button_share"), switch_inline_query=f"#{item.id}"),
        ]
    ]
    if private:
        rows.append(
            [
                InlineKeyboardButton(
                    texts.plain("button_useful"), callback_data=callback("FB", item.id, 1)
                ),
                InlineKeyboardButton(
                    texts.plain("button_not_useful"), callback_data=callback("FB", item.id, -1)
                ),
            ]
        )
    return InlineKeyboardMarkup(rows)
