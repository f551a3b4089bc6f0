"""Entities: parsing formatted texts (HTML, MarkdownV2, Markdown) and the entities Telegram adds
to incoming user texts."""

from __future__ import annotations

import re

from bot.emulator._html import _parse_html
from bot.emulator._markdown import _parse_markdown_legacy, _parse_markdown_v2
from bot.emulator._records import JSONDict, _bad
from bot.emulator._utf16 import _trim, utf16_len


def parse_entities(
    text: str, parse_mode: str | None, *, strict_ampersand: bool = True
) -> tuple[str, list[JSONDict]]:
    """Parse ``text`` like Telegram does; returns (plain text, entities with UTF-16 offsets).

    Raises :class:`ApiError` (400 "can't parse entities: ...") on invalid markup.
    """
    mode = (parse_mode or "").lower()
    entities: list[JSONDict]
    if not mode:
        plain, entities = text, []
    elif mode == "html":
        plain, entities = _parse_html(text, strict_ampersand)
    elif mode == "markdownv2":
        plain, entities = _parse_markdown_v2(text)
    elif mode == "markdown":
        plain, entities = _parse_markdown_legacy(text)
    else:
        raise _bad("unsupported parse_mode")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return _trim(plain, entities)


_AUTO_ENTITY_RE = re.compile(
    r"(?P<bot_command>(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/]))"
    r"|(?P<mention>(?<![\w@])@[A-Za-z0-9_]{5,32}(?![\w@]))"
    r"|(?P<url>\bhttps?://[^\s<>\"]+)"
)


def auto_entities(text: str) -> list[JSONDict]:
    """Entities Telegram adds to incoming user texts (bot_command, mention, url)."""
    entities: list[JSONDict] = []
    last_index = 0
    last_u16 = 0
    for match in _AUTO_ENTITY_RE.finditer(text):
        kind = match.lastgroup
        if kind is None:
            continue
        last_u16 += utf16_len(text[last_index : match.start()])
        last_index = match.start()
        value = match.group()
        if kind == "url":
            value = value.rstrip(".,;:!?)'")
        entities.append({"type": kind, "offset": last_u16, "length": utf16_len(value)})
    return entities
