"""/language zh-hans|zh-hant|en|auto: the chat's answer language, kept in SQLite.

"auto" (the default) follows the script of each question, then the person's Telegram language.
In groups only administrators may change it, as with the digest subscription. Buttons:
"LANG <choice>".
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.texts import texts_for
from handlers.common import (
    LANGUAGE_KEY,
    LANGUAGE_SETTING_KEY,
    App,
    Context,
    LanguageSetting,
    callback,
    language_setting,
    reply_html,
    services,
    texts_of,
)
from handlers.subscriptions import may_manage

CHOICES: dict[str, LanguageSetting] = {
    "zh-hans": "zh-hans",
    "zh_hans": "zh-hans",
    "zh-cn": "zh-hans",
    "简体": "zh-hans",
    "简体中文": "zh-hans",
    "zh-hant": "zh-hant",
    "zh_hant": "zh-hant",
    "zh-tw": "zh-hant",
    "繁体": "zh-hant",
    "繁體": "zh-hant",
    "繁體中文": "zh-hant",
    "繁体中文": "zh-hant",
    "en": "en",
    "english": "en",
    "英文": "en",
    "auto": "auto",
    "自动": "auto",
    "自動": "auto",
}
ORDER: tuple[LanguageSetting, ...] = ("zh-hans", "zh-hant", "en", "auto")


def language_keyboard(update: Update, context: Context) -> InlineKeyboardMarkup:
    texts = texts_of(update, context)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.plain(f"language_name_{choice}"), callback_data=callback("LANG", choice)
                )
                for choice in ORDER[:3]
            ],
            [
                InlineKeyboardButton(
                    texts.plain("language_name_auto"), callback_data=callback("LANG", "auto")
                )
            ],
        ]
    )


async def set_language(update: Update, context: Context, choice: LanguageSetting) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    if not await may_manage(update, context):
        await reply_html(update, texts_of(update, context).get("language_admins_only"))
        return
    services(context).storage.upsert_chat(
        chat.id, chat.type, chat.title or chat.full_name, language=choice
    )
    if context.chat_data is not None:
        context.chat_data[LANGUAGE_SETTING_KEY] = choice
    if choice == "auto" and context.user_data is not None:
        context.user_data.pop(LANGUAGE_KEY, None)  # follow the next question's script afresh
    texts = texts_for(choice) if choice != "auto" else texts_of(update, context)
    name = texts.plain(f"language_name_{choice}")
    await reply_html(update, texts.get("language_set", name=name))


async def language_command(update: Update, context: Context) -> None:
    argument = " ".join(context.args or []).strip().lower()
    choice = CHOICES.get(argument)
    if choice is None:
        texts = texts_of(update, context)
        current = texts.plain(f"language_name_{language_setting(update, context)}")
        await reply_html(
            update, texts.get("language_usage", current=current), language_keyboard(update, context)
        )
        return
    await set_language(update, context, choice)


async def language_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    choice = CHOICES.get(query.data.removeprefix("LANG "))
    await query.answer()
    if choice is not None:
        await set_language(update, context, choice)


def register(application: App) -> None:
    application.add_handler(CommandHandler("language", language_command))
    application.add_handler(CallbackQueryHandler(language_button, pattern=r"^LANG "))
