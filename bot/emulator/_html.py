"""Telegram's HTML parse mode (mirrors tdlib's ``parse_html``)."""

from __future__ import annotations

import re

from bot.emulator._records import ApiError, JSONDict, _entity_error
from bot.emulator._utf16 import _byte_offset, utf16_len

_HTML_SPECIAL = re.compile(r"[<&]")


_HTML_SPACES = frozenset(" \t\r\n\v\f")


_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "code",
        "pre",
        "span",
        "tg-spoiler",
        "blockquote",
        "tg-emoji",
    }
)


_HTML_SIMPLE_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
}


_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _decode_html_entity(text: str, pos: int, strict: bool) -> tuple[str | None, int]:
    """Decode ``&...;`` at ``pos``; returns (char or None, position after the entity)."""
    n = len(text)
    end = pos + 1
    char: str | None = None
    if end < n and text[end] == "#":
        end += 1
        base = 10
        if end < n and text[end] in "xX":
            base = 16
            end += 1
        start = end
        digits = "0123456789abcdefABCDEF" if base == 16 else "0123456789"
        while end < n and text[end] in digits:
            end += 1
        if end > start:
            code = int(text[start:end], base)
            if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                char = chr(code)
    else:
        start = end
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        char = _NAMED_ENTITIES.get(text[start:end])
    if char is None:
        return None, pos + 1
    if end < n and text[end] == ";":
        return char, end + 1
    if strict:
        return None, pos + 1
    return char, end


def _parse_html(text: str, strict_ampersand: bool) -> tuple[str, list[JSONDict]]:
    """Telegram's HTML parse mode (mirrors tdlib's ``parse_html``)."""
    out: list[str] = []
    u16 = 0
    stack: list[tuple[str, int, dict[str, str]]] = []
    entities: list[JSONDict] = []
    attrs: dict[str, str]
    n = len(text)
    i = 0

    def unclosed_start(begin: int) -> ApiError:
        return _entity_error(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")

    while i < n:
        match = _HTML_SPECIAL.search(text, i)
        j = match.start() if match else n
        if j > i:
            chunk = text[i:j]
            out.append(chunk)
            u16 += utf16_len(chunk)
            i = j
        if i >= n:
            break
        if text[i] == "&":
            char, after = _decode_html_entity(text, i, strict_ampersand)
            if char is None:
                if strict_ampersand:
                    raise _entity_error(
                        f'Character "&" at byte offset {_byte_offset(text, i)} does not start '
                        'an HTML entity; escape it as "&amp;"'
                    )
                char = "&"
            out.append(char)
            u16 += utf16_len(char)
            i = after
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            if not stack:
                raise _entity_error(
                    f"Unexpected end tag at byte offset {_byte_offset(text, begin)}"
                )
            i += 1
            name_start = i
            while i < n and text[i] not in _HTML_SPACES and text[i] != ">":
                i += 1
            end_name = text[name_start:i].lower()
            while i < n and text[i] in _HTML_SPACES:
                i += 1
            if i >= n or text[i] != ">":
                raise _entity_error(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            i += 1
            tag, start, attrs = stack.pop()
            if end_name and end_name != tag:
                raise _entity_error(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{tag}>", found "</{end_name}>"'
                )
            if u16 > start:
                _close_html_entity(entities, tag, attrs, start, u16 - start)
            continue
        name_start = i
        while i < n and text[i] not in _HTML_SPACES and text[i] != ">":
            i += 1
        if i >= n:
            raise unclosed_start(begin)
        tag = text[name_start:i].lower()
        if tag not in _HTML_TAGS:
            raise _entity_error(
                f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        attrs = {}
        while True:
            while i < n and text[i] in _HTML_SPACES:
                i += 1
            if i >= n:
                raise unclosed_start(begin)
            if text[i] == ">":
                i += 1
                break
            attr_start = i
            while i < n and text[i] not in _HTML_SPACES and text[i] not in "=>":
                i += 1
            attr = text[attr_start:i].lower()
            if not attr:
                raise _entity_error(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{_byte_offset(text, begin)}"
                )
            while i < n and text[i] in _HTML_SPACES:
                i += 1
            if i >= n:
                raise unclosed_start(begin)
            if text[i] != "=":
                if tag == "blockquote" and attr == "expandable":
                    attrs[attr] = ""
                    continue
                raise _entity_error(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" at '
                    f"byte offset {_byte_offset(text, begin)}"
                )
            i += 1
            while i < n and text[i] in _HTML_SPACES:
                i += 1
            if i >= n:
                raise unclosed_start(begin)
            quote = text[i]
            if quote in "\"'":
                i += 1
                value_parts: list[str] = []
                while i < n and text[i] != quote:
                    if text[i] == "&":
                        char, after = _decode_html_entity(text, i, False)
                        value_parts.append(char or "&")
                        i = after
                    else:
                        value_parts.append(text[i])
                        i += 1
                if i >= n:
                    raise unclosed_start(begin)
                i += 1
                value = "".join(value_parts)
            else:
                value_start = i
                while i < n and ((text[i].isascii() and text[i].isalnum()) or text[i] in ".-"):
                    i += 1
                if i >= n:
                    raise unclosed_start(begin)
                if text[i] not in _HTML_SPACES and text[i] != ">":
                    raise _entity_error(
                        f"Unexpected end of name token at byte offset {_byte_offset(text, i)}"
                    )
                value = text[value_start:i].lower()
            attrs[attr] = value
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise _entity_error(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise _entity_error("Custom emoji entity must contain a valid custom emoji identifier")
        stack.append((tag, u16, attrs))
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), entities


def _close_html_entity(
    entities: list[JSONDict], tag: str, attrs: dict[str, str], offset: int, length: int
) -> None:
    entity: JSONDict = {"offset": offset, "length": length}
    if tag == "a":
        href = attrs.get("href", "")
        if not href:
            return
        entity["type"] = "text_link"
        entity["url"] = href
    elif tag == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in attrs else "blockquote"
    elif tag == "tg-emoji":
        entity["type"] = "custom_emoji"
        entity["custom_emoji_id"] = attrs["emoji-id"]
    elif tag == "pre":
        entity["type"] = "pre"
        # <pre><code class="language-x">…</code></pre> becomes one pre entity with a language.
        if entities:
            last = entities[-1]
            if (
                last["type"] == "code"
                and last["offset"] == offset
                and last["length"] == length
                and "language" in last
            ):
                entities.pop()
                entity["language"] = last["language"]
    else:
        entity["type"] = _HTML_SIMPLE_ENTITIES[tag]
        if tag == "code":
            css = attrs.get("class", "")
            if css.startswith("language-") and len(css) > len("language-"):
                entity["language"] = css[len("language-") :]
    entities.append(entity)
