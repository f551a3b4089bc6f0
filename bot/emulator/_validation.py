"""Checks Telegram applies to outgoing texts and keyboards."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.emulator._entities import parse_entities
from bot.emulator._records import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    JSONDict,
    _bad,
)
from bot.emulator._utf16 import _trim

_INLINE_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)


def format_text(
    text: str,
    parse_mode: Any,
    entities: Any,
    *,
    caption: bool = False,
    strict_ampersand: bool = True,
) -> tuple[str, list[JSONDict]]:
    """Plain text and entities of a text or caption as Telegram stores it; checks its length."""
    mode = str(parse_mode) if parse_mode else None
    if mode:
        plain, parsed = parse_entities(text, mode, strict_ampersand=strict_ampersand)
    else:
        plain = text
        parsed = [dict(e) for e in entities] if isinstance(entities, list) else []
        plain, parsed = _trim(plain, parsed)
    limit = MAX_CAPTION_LENGTH if caption else MAX_TEXT_LENGTH
    if len(plain) > limit:
        raise _bad("message caption is too long" if caption else "message is too long")
    return plain, parsed


def check_markup(markup: Any) -> JSONDict | None:
    if markup is None or markup == "":
        return None
    if isinstance(markup, str):
        try:
            markup = json.loads(markup)
        except ValueError:
            raise _bad("can't parse reply keyboard markup JSON object") from None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
        if sum(len(r) for r in rows) > 100:
            raise _bad("reply markup is too long")
        for row in rows:
            for button in row:
                check_inline_button(button)
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
    elif not markup.get("remove_keyboard") and not markup.get("force_reply"):
        raise _bad("can't parse reply keyboard markup JSON object")
    return markup


def check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if not button.get("text"):
        raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
    if not _INLINE_BUTTON_ACTIONS & button.keys():
        raise _bad(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None:
        size = len(str(data).encode("utf-8"))
        if size == 0 or size > MAX_CALLBACK_DATA_BYTES:
            raise _bad("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None:
        url = str(url)
        scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", url)
        if (
            not url
            or any(ch.isspace() for ch in url)
            or (scheme and scheme.group(1).lower() not in ("http", "https", "tg", "ton"))
        ):
            raise _bad("BUTTON_URL_INVALID")
