"""Small helpers shared by the handler modules: services, language, replies, keyboards."""

from __future__ import annotations

import asyncio
from typing import Any, Literal, TypeAlias

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.ext import Application, ContextTypes

from bot.commands import BUILTIN_COMMANDS
from bot.conversation import (
    CONTEXT_KEY,
    GROUP_CONTEXTS_KEY,
    Conversation,
    current,
)
from bot.normalize import detect_script, english_words, same_in_both_scripts
from bot.render import item_neighbours, item_title, report_title, reports_title_en, split_message
from bot.report import Item, KnowledgeBase, Section
from bot.search import SearchResult
from bot.services import SERVICES_KEY, Services
from bot.texts import LANGUAGES, Html, Language, Texts, choose_language, texts_for

App: TypeAlias = Application[Any, Any, Any, Any, Any, Any]
Context: TypeAlias = ContextTypes.DEFAULT_TYPE
LANGUAGE_KEY = "language"  # user_data: the script the person last wrote in
LANGUAGE_SETTING_KEY = "language_setting"  # chat_data: the chat's /language, cached from SQLite
LanguageSetting: TypeAlias = Language | Literal["auto"]


def services(context: Context) -> Services:
    result: Services = context.bot_data[SERVICES_KEY]
    return result


def app_services(application: App) -> Services:
    result: Services = application.bot_data[SERVICES_KEY]
    return result


def language_setting(update: Update, context: Context) -> LanguageSetting:
    """The chat's /language choice ("auto" unless set); read from SQLite once per chat."""
    chat = update.effective_chat
    chat_data = context.chat_data
    if chat is None or chat_data is None:
        return "auto"
    setting = chat_data.get(LANGUAGE_SETTING_KEY)
    if setting is None:
        record = services(context).storage.get_chat(chat.id)
        stored = record.language if record else None
        chosen: LanguageSetting = next((lang for lang in LANGUAGES if lang == stored), "auto")
        chat_data[LANGUAGE_SETTING_KEY] = setting = chosen
    result: LanguageSetting = setting
    return result


def language_of(update: Update, context: Context, text: str | None = None) -> Language:
    """The chat's /language choice; under "auto", the script of the question, else the one the
    person last wrote in, else their Telegram language setting."""
    setting = language_setting(update, context)
    if setting != "auto":
        return setting
    user = update.effective_user
    code = user.language_code if user else None
    user_data = context.user_data if user else None
    remembered_chinese = user_data is not None and user_data.get(LANGUAGE_KEY) in (
        "zh-hans",
        "zh-hant",
    )
    if text:
        script = detect_script(text)
        if script == "hans" and remembered_chinese and same_in_both_scripts(text):
            script = "none"  # "那11月呢" reads the same in both scripts: keep the last one
        if script == "latin" and len(english_words(text)) < 2:
            script = "none"  # "TVBS", "4K": a name, not English; the setting decides
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


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == Chat.PRIVATE


def conversation_of(update: Update, context: Context) -> Conversation:
    """The follow-up context: one per private chat, one per person in a group (their thread of
    replies to the bot). Expired contexts start afresh; using one keeps it alive."""
    chat_data = context.chat_data
    if chat_data is None:
        return Conversation()
    now = services(context).clock()
    if is_group(update.effective_chat):
        user = update.effective_user
        store: dict[Any, Any] = chat_data.setdefault(GROUP_CONTEXTS_KEY, {})
        for key in [k for k, c in store.items() if c.expired(now)]:
            del store[key]  # a busy group does not keep every passer-by's context
        conversation = current(store, user.id if user else 0, now)
    else:
        conversation = current(chat_data, CONTEXT_KEY, now)
    conversation.touch(now)
    return conversation


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


def topics_keyboard(
    kb: KnowledgeBase, texts: Texts, report_id: str | None = None
) -> InlineKeyboardMarkup:
    """Every topic (of one report, or of all) on its own row, its highlights two by two
    beneath it; then the timeline."""
    rows: list[list[InlineKeyboardButton]] = []
    for report in kb.reports:
        if report_id is not None and report.id != report_id:
            continue
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
    rows.append([InlineKeyboardButton(texts.plain("button_timeline"), callback_data="TL")])
    return InlineKeyboardMarkup(rows)


def topics_menu(kb: KnowledgeBase, texts: Texts) -> tuple[Html, InlineKeyboardMarkup]:
    """The topic menu: the report's title over every topic's button."""
    header = texts.get(
        "topics_header", report=report_title(kb, texts), report_en=reports_title_en(kb)
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
    if result.kind in ("none", "closest"):
        return suggestions_keyboard(result, texts)
    if result.kind == "list":
        return None
    item = result.hits[0].item
    return item_keyboard(item, texts, private)


def item_keyboard(
    item: Item, texts: Texts, private: bool, kb: KnowledgeBase | None = None
) -> InlineKeyboardMarkup:
    """Under one item: (with `kb`) the previous and next items of its topic, the Chinese
    original for English readers of a translation, more in the topic, share, feedback."""
    rows: list[list[InlineKeyboardButton]] = []
    if kb is not None:
        _, number, items = item_neighbours(kb, item)
        nav = []
        if number > 1:
            nav.append(
                InlineKeyboardButton(
                    texts.plain("button_prev_item"),
                    callback_data=callback("ITEM", items[number - 2].id),
                )
            )
        if number < len(items):
            nav.append(
                InlineKeyboardButton(
                    texts.plain("button_next_item"),
                    callback_data=callback("ITEM", items[number].id),
                )
            )
        if nav:
            rows.append(nav)
    if texts.language == "en" and item.text_en:
        rows.append(
            [
                InlineKeyboardButton(
                    texts.plain("button_original"), callback_data=callback("ORIG", item.id)
                )
            ]
        )
    rows += [
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


def command_menu(kb: KnowledgeBase, language: Language, groups: bool) -> list[BotCommand]:
    """The `/` menu: built-in commands, then one per topic and highlight, from the data."""
    texts = texts_for(language)
    menu = [
        BotCommand(c.name, texts.plain(c.menu_key))
        for c in BUILTIN_COMMANDS
        if (c.in_groups if groups else c.in_private) and c.audience == "everyone"
    ]
    for section in kb.sections.values():
        description = section.description_en if language == "en" else section.description_zh
        menu.append(BotCommand(section.command, description[:256]))
    return menu


async def publish_command_menus(bot: Bot, kb: KnowledgeBase) -> None:
    """Register the menus with Telegram: private chats and groups, Chinese and English."""
    menus = [bot.set_my_commands(command_menu(kb, "zh-hans", False))]
    for scope, groups in ((BotCommandScopeAllPrivateChats(), False),
                          (BotCommandScopeAllGroupChats(), True)):  # fmt: skip
        menus.append(bot.set_my_commands(command_menu(kb, "zh-hans", groups), scope=scope))
        menus.append(
            bot.set_my_commands(command_menu(kb, "en", groups), scope=scope, language_code="en")
        )
    await asyncio.gather(*menus)  # five menus, one round trip
