"""Telegram's MarkdownV2 and legacy Markdown parse modes."""

from __future__ import annotations

from bot.emulator._records import JSONDict, _entity_error
from bot.emulator._utf16 import _byte_offset, utf16_len

_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")


_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _parse_markdown_v2(text: str) -> tuple[str, list[JSONDict]]:
    """Telegram's MarkdownV2 (mirrors tdlib's ``parse_markdown_v2``; blockquote '>' is skipped)."""
    out: list[str] = []
    u16 = 0
    stack: list[tuple[str, int, int, int, str]] = []  # type, u16 start, text index, out len, arg
    entities: list[JSONDict] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.append(text[i + 1])
            u16 += 1
            i += 2
            continue
        top = stack[-1][0] if stack else None
        in_code = top in ("code", "pre")
        if c != "`" if in_code else c not in _MDV2_RESERVED:
            out.append(c)
            u16 += 2 if ord(c) > 0xFFFF else 1
            i += 1
            continue
        nxt = text[i + 1] if i + 1 < n else ""
        nxt2 = text[i + 2] if i + 2 < n else ""
        is_end = top is not None and (
            (top == "bold" and c == "*")
            or (top == "italic" and c == "_" and nxt != "_")
            or (top == "underline" and c == "_" and nxt == "_")
            or (top == "strikethrough" and c == "~")
            or (top == "spoiler" and c == "|" and nxt == "|")
            or (top == "code" and c == "`")
            or (top == "pre" and c == "`" and nxt == "`" and nxt2 == "`")
            or (top in ("text_link", "custom_emoji") and c == "]")
        )
        if not is_end:
            begin = i
            arg = ""
            if c == "_":
                kind = "underline" if nxt == "_" else "italic"
                i += 2 if nxt == "_" else 1
            elif c == "*":
                kind, i = "bold", i + 1
            elif c == "~":
                kind, i = "strikethrough", i + 1
            elif c == "|" and nxt == "|":
                kind, i = "spoiler", i + 2
            elif c == "[":
                kind, i = "text_link", i + 1
            elif c == "!" and nxt == "[":
                kind, i = "custom_emoji", i + 2
            elif c == "`" and nxt == "`" and nxt2 == "`":
                kind, i = "pre", i + 3
                newline = text.find("\n", i)
                if newline != -1:
                    language = text[i:newline]
                    if "`" not in language and not any(ch.isspace() for ch in language):
                        arg = language
                        i = newline + 1
            elif c == "`":
                kind, i = "code", i + 1
            elif c == ">" and (i == 0 or text[i - 1] == "\n"):
                i += 1  # blockquote line marker
                continue
            else:
                raise _entity_error(
                    f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
                )
            stack.append((kind, u16, begin, len(out), arg))
            continue
        kind, start, begin, out_start, arg = stack.pop()
        i += 3 if kind == "pre" else 2 if kind in ("underline", "spoiler") else 1
        entity: JSONDict = {"type": kind, "offset": start, "length": u16 - start}
        if kind in ("text_link", "custom_emoji"):
            if i < n and text[i] == "(":
                url_start = i
                i += 1
                url_parts: list[str] = []
                while i < n and text[i] != ")":
                    if text[i] == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
                        url_parts.append(text[i + 1])
                        i += 2
                    else:
                        url_parts.append(text[i])
                        i += 1
                if i >= n:
                    raise _entity_error(
                        f"Can't find end of a URL at byte offset {_byte_offset(text, url_start)}"
                    )
                i += 1
                url = "".join(url_parts)
            else:
                url = "".join(out[out_start:])
            if kind == "custom_emoji":
                emoji_id = url.removeprefix("tg://emoji?id=")
                if not emoji_id.isdigit():
                    raise _entity_error(
                        "Custom emoji entity must contain a valid custom emoji identifier"
                    )
                entity["custom_emoji_id"] = emoji_id
            elif url:
                entity["url"] = url
            else:
                continue
        elif kind == "pre" and arg:
            entity["language"] = arg
        if entity["length"] > 0:
            entities.append(entity)
    if stack:
        kind, _start, begin, _out_start, _arg = stack[-1]
        raise _entity_error(
            f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset "
            f"{_byte_offset(text, begin)}"
        )
    return "".join(out), entities


def _parse_markdown_legacy(text: str) -> tuple[str, list[JSONDict]]:
    """Telegram's legacy ``Markdown`` mode: *bold* _italic_ `code` ```pre``` [text](url)."""
    out: list[str] = []
    u16 = 0
    entities: list[JSONDict] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            u16 += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            u16 += 2 if ord(c) > 0xFFFF else 1
            i += 1
            continue
        if c == "`" and text.startswith("```", i):
            closing, kind, skip = "```", "pre", 3
        else:
            closing = "]" if c == "[" else c
            kind = {"_": "italic", "*": "bold", "`": "code", "[": "text_link"}[c]
            skip = 1
        end = text.find(closing, i + skip)
        if end == -1:
            raise _entity_error(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
            )
        inner = text[i + skip : end]
        entity: JSONDict = {"type": kind, "offset": u16, "length": utf16_len(inner)}
        i = end + len(closing)
        if kind == "text_link":
            if i < n and text[i] == "(":
                close = text.find(")", i)
                if close == -1:
                    raise _entity_error(
                        f"Can't find end of a URL at byte offset {_byte_offset(text, i)}"
                    )
                entity["url"] = text[i + 1 : close]
                i = close + 1
            else:
                entity["url"] = inner
        out.append(inner)
        u16 += entity["length"]
        if entity["length"] and entity.get("url", "x"):
            entities.append(entity)
    return "".join(out), entities
