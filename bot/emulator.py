"""A local, in-process emulator of the Telegram Bot API.

The real python-telegram-bot stack (``Bot``/``Application``/``Updater``) talks to it over HTTP on
127.0.0.1, exactly as it would talk to ``api.telegram.org``::

    async with BotApiEmulator() as emulator:
        app = (
            ApplicationBuilder()
            .token("123:TEST")
            .base_url(emulator.base_url)
            .base_file_url(emulator.base_file_url)
            .build()
        )
        emulator.user_message(42, "/start")
        ...
        await emulator.wait_for(lambda call: call.method == "sendMessage")

The emulator validates requests the way Telegram does (HTML/MarkdownV2 entity parsing, length
limits, ``callback_data`` size, "message is not modified", command names, inline results …), so
tests fail on the same bugs production would.  Faults (flood control, blocked users, group
migration, server errors) and latency can be injected per chat.

It runs on tornado inside the caller's asyncio loop; no threads.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import inspect
import itertools
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import httpx
import tornado.web
from tornado.httpserver import HTTPServer
from tornado.httputil import HTTPServerRequest
from tornado.netutil import bind_sockets

__all__ = [
    "Answer",
    "ApiError",
    "BotApiEmulator",
    "Call",
    "CallResult",
    "ChatInfo",
    "FaultKind",
    "MessageVersion",
    "SentMessage",
    "UploadedFile",
    "parse_entities",
]

JSONDict = dict[str, Any]
FaultKind = Literal[
    "retry_after",
    "blocked",
    "kicked",
    "deactivated",
    "migrate",
    "server_error",
    "bad_gateway",
    "chat_not_found",
]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50
SUPERGROUP_ID_THRESHOLD = -1_000_000_000_000

# Form fields that are always plain strings.  PTB sends str values verbatim and JSON-encodes
# everything else, so a text of "123" must not be decoded into an int.
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "caption_parse_mode",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "next_offset",
        "offset_str",
        "url",
        "secret_token",
        "ip_address",
        "description",
        "short_description",
        "name",
        "title",
        "language_code",
        "action",
        "emoji",
        "query",
        "switch_pm_text",
        "switch_pm_parameter",
        "business_connection_id",
        "message_effect_id",
        "custom_emoji_id",
        "file_id",
        "photo",
        "document",
        "voice",
        "audio",
        "video",
        "animation",
        "sticker",
        "video_note",
        "thumbnail",
        "question",
        "explanation",
        "address",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "payload",
        "currency",
        "provider_token",
        "start_parameter",
        "custom_title",
        "invite_link",
        "certificate",
    }
)

_BOT_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2}$")
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
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
_ALL_UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
)
# What Telegram delivers when allowed_updates was never set (or set to []).
_DEFAULT_UPDATE_TYPES = frozenset(_ALL_UPDATE_TYPES) - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}
# Methods a blocked user / kicked bot cannot use on that chat.
_SEND_PREFIXES = ("send", "copy", "forward", "edit", "pin", "unpin", "delete")
_SEND_EXCLUDED = frozenset({"deleteWebhook", "deleteMyCommands", "deleteMessage"})

_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


# --------------------------------------------------------------------------------------------
# Errors and small records
# --------------------------------------------------------------------------------------------


class ApiError(Exception):
    """A Telegram-shaped error response."""

    def __init__(
        self, error_code: int, description: str, parameters: JSONDict | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def body(self) -> JSONDict:
        body: JSONDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _entity_error(description: str) -> ApiError:
    return _bad(f"can't parse entities: {description}")


class Call(NamedTuple):
    """One API call as received (after form decoding), e.g. ``("sendMessage", {...})``."""

    method: str
    params: JSONDict


class CallResult(NamedTuple):
    """HTTP status and JSON body the emulator answered a :class:`Call` with."""

    status: int
    body: JSONDict

    @property
    def ok(self) -> bool:
        return bool(self.body.get("ok"))


@dataclass(frozen=True)
class UploadedFile:
    """A file that arrived as multipart upload."""

    filename: str
    content: bytes
    content_type: str


@dataclass
class MessageVersion:
    """A previous state of an edited message."""

    text: str | None
    plain: str | None
    parse_mode: str | None
    reply_markup: JSONDict | None
    entities: list[JSONDict]


@dataclass
class SentMessage:
    """A message stored by the emulator (bot messages are the interesting ones)."""

    chat_id: int
    message_id: int
    text: str | None  # raw text/caption as sent (with markup)
    plain: str | None  # text after entity parsing and trimming, as users see it
    parse_mode: str | None
    reply_markup: JSONDict | None
    entities: list[JSONDict]
    message: JSONDict  # the current Telegram Message object
    from_bot: bool
    method: str
    history: list[MessageVersion] = field(default_factory=list)
    deleted: bool = False
    pinned: bool = False

    @property
    def edited(self) -> bool:
        return bool(self.history)

    @property
    def buttons(self) -> list[list[JSONDict]]:
        """Inline keyboard rows (empty if none)."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [list(row) for row in rows]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for row in self.buttons for b in row if "callback_data" in b]


@dataclass
class Answer:
    """An answerCallbackQuery / answerInlineQuery call."""

    kind: Literal["callback_query", "inline_query"]
    query_id: str
    params: JSONDict

    @property
    def results(self) -> list[JSONDict]:
        results = self.params.get("results")
        return list(results) if isinstance(results, list) else []

    @property
    def text(self) -> str | None:
        text = self.params.get("text")
        return None if text is None else str(text)


@dataclass
class ChatInfo:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False
    creator_id: int | None = None
    admins: dict[int, bool] = field(default_factory=dict)  # user_id -> can_pin_messages
    members: dict[int, str] = field(default_factory=dict)  # explicit statuses
    bot_status: str = "member"
    bot_can_pin: bool = False
    menu_button: JSONDict | None = None

    def as_dict(self) -> JSONDict:
        d: JSONDict = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        if self.is_forum:
            d["is_forum"] = True
        return d


@dataclass
class _Fault:
    kind: FaultKind
    remaining: int
    retry_after: int
    new_chat_id: int | None
    method: str | None


class _Signal:
    """Broadcast 'something changed' to any number of waiters (no polling)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float | None) -> None:
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)


# --------------------------------------------------------------------------------------------
# Text helpers: UTF-16 offsets and Telegram's entity parsers
# --------------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


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


def _trim(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Telegram strips leading/trailing whitespace from message texts."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    trimmed: list[JSONDict] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            trimmed.append({**entity, "offset": start, "length": end - start})
    return stripped, trimmed


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


# --------------------------------------------------------------------------------------------
# HTTP layer
# --------------------------------------------------------------------------------------------


def _decode_field(name: str, raw: str) -> Any:
    if name in STRING_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def parse_request_params(request: HTTPServerRequest) -> JSONDict:
    """Decode query string, urlencoded/multipart form (JSON-encoded values) or a JSON body."""
    params: JSONDict = {}
    for key, values in request.query_arguments.items():
        params[key] = _decode_field(key, values[-1].decode("utf-8", "replace"))
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("application/json"):
        if request.body.strip():
            data = json.loads(request.body)
            if not isinstance(data, dict):
                raise ValueError("JSON body must be an object")
            params.update(data)
        return params
    for key, values in request.body_arguments.items():
        params[key] = _decode_field(key, values[-1].decode("utf-8", "replace"))
    for key, files in request.files.items():
        upload = files[-1]
        params[key] = UploadedFile(upload.filename, upload.body, upload.content_type)
    return params


class _ApiHandler(tornado.web.RequestHandler):
    emulator: BotApiEmulator

    def initialize(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator

    def check_xsrf_cookie(self) -> None:
        return None

    async def get(self, token: str, method: str) -> None:
        await self._handle(token, method)

    async def post(self, token: str, method: str) -> None:
        await self._handle(token, method)

    async def _handle(self, token: str, method: str) -> None:
        try:
            params = parse_request_params(self.request)
        except ValueError as exc:
            status, body = 400, ApiError(400, f"Bad Request: can't parse JSON: {exc}").body()
        else:
            status, body = await self.emulator.dispatch(token, method, params)
        self._reply(status, body)

    def _reply(self, status: int, body: JSONDict) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))


class _FileHandler(tornado.web.RequestHandler):
    emulator: BotApiEmulator

    def initialize(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator

    def get(self, token: str, path: str) -> None:
        content = self.emulator.file_content_by_path(path)
        if content is None:
            self.set_status(404)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(ApiError(404, "Not Found").body()))
            return
        self.set_header("Content-Type", "application/octet-stream")
        self.finish(content)


class _NotFoundHandler(tornado.web.RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(ApiError(404, "Not Found").body()))


# --------------------------------------------------------------------------------------------
# The emulator
# --------------------------------------------------------------------------------------------

Handler = Callable[[JSONDict], Any]


class BotApiEmulator:
    """Telegram Bot API emulator; see the module docstring."""

    def __init__(
        self,
        *,
        bot_id: int = 7000000001,
        username: str = "gz_report_bot",
        first_name: str = "GZ Report Bot",
        token: str | None = None,
        port: int = 0,
        delay: float = 0.0,
        strict_chats: bool = False,
        strict_ampersand: bool = True,
        strict_language_code: bool = True,
        webhook_retry_delay: float = 0.2,
    ) -> None:
        self.bot_id = bot_id
        self.username = username
        self.first_name = first_name
        self.require_token = token
        """If set, other tokens get 401 Unauthorized. By default any token is accepted."""
        self.delay = delay
        """Latency added to every response (seconds)."""
        self.method_delays: dict[str, float] = {}
        self.strict_chats = strict_chats
        """If True, unknown chat ids answer 400 "chat not found" (register chats first)."""
        self.strict_ampersand = strict_ampersand
        """If True, a bare '&' in HTML is rejected (real Telegram passes it through)."""
        self.strict_language_code = strict_language_code
        self.webhook_retry_delay = webhook_retry_delay
        self.tokens_seen: set[str] = set()
        self.last_token: str | None = None

        self._port = port
        self._server: HTTPServer | None = None
        self._http: httpx.AsyncClient | None = None
        self._closing = False
        self.port: int | None = None

        # observation
        self.calls: list[Call] = []
        self.results: list[CallResult] = []
        self.method_counts: Counter[str] = Counter()
        self.answers: list[Answer] = []
        self.internal_errors: list[BaseException] = []
        self._sent: list[SentMessage] = []
        self._sent_by_chat: dict[int, list[SentMessage]] = {}
        self._clear_generation = 0
        self._calls_signal = _Signal()

        # state
        self._messages: dict[tuple[int, int], SentMessage] = {}
        self._message_ids: dict[int, int] = {}
        self._chats: dict[int, ChatInfo] = {}
        self._usernames: dict[str, int] = {}
        self._users: dict[int, JSONDict] = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._open_queries: dict[str, Literal["callback_query", "inline_query"]] = {}
        self._faults: dict[int | None, list[_Fault]] = {}
        self._blocked: dict[int, str] = {}
        self._migrated: dict[int, int] = {}
        self._files: dict[str, bytes] = {}
        self._file_counter = itertools.count(1)
        self._query_counter = itertools.count(1)
        self._default_menu_button: JSONDict = {"type": "default"}

        # updates
        self._updates: list[JSONDict] = []
        self._head = 0
        self._next_update_id = 100_001
        self._delivered_upto = 0
        self._allowed_updates: frozenset[str] = _DEFAULT_UPDATE_TYPES
        self._updates_signal = _Signal()
        self._poll_generation = 0
        self._webhook: JSONDict | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_last_error: tuple[int, str] | None = None

        self._methods: dict[str, tuple[str, Handler]] = {}
        for name, handler in self._method_table().items():
            self._methods[name.lower()] = (name, handler)

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> BotApiEmulator:
        if self._server is not None:
            return self
        self._closing = False
        app = tornado.web.Application(
            [
                (r"/bot([^/]*)/([^/]*)", _ApiHandler, {"emulator": self}),
                (r"/file/bot([^/]*)/(.+)", _FileHandler, {"emulator": self}),
            ],
            default_handler_class=_NotFoundHandler,
            log_function=lambda _handler: None,
        )
        server = HTTPServer(app)
        sockets = bind_sockets(self._port, "127.0.0.1")
        server.add_sockets(sockets)
        self._server = server
        self.port = int(sockets[0].getsockname()[1])
        self._http = httpx.AsyncClient(timeout=10.0)
        return self

    async def stop(self) -> None:
        self._closing = True
        self._updates_signal.fire()
        self._calls_signal.fire()
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            await server.close_all_connections()
        http, self._http = self._http, None
        if http is not None:
            await http.aclose()

    async def __aenter__(self) -> BotApiEmulator:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` / ``Bot(base_url=...)``; PTB appends the
        token, then ``/<method>``."""
        return f"http://127.0.0.1:{self._require_port()}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._require_port()}/file/bot"

    def _require_port(self) -> int:
        if self.port is None:
            raise RuntimeError("BotApiEmulator is not started")
        return self.port

    @property
    def bot_user(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    # ---------------------------------------------------------------- dispatch

    async def dispatch(self, token: str, method: str, params: JSONDict) -> tuple[int, JSONDict]:
        """Handle one API call (also usable without HTTP)."""
        self.tokens_seen.add(token)
        self.last_token = token
        entry = self._methods.get(method.lower())
        name = entry[0] if entry else method
        try:
            if self.require_token is not None and token != self.require_token:
                raise ApiError(401, "Unauthorized")
            if entry is None:
                raise ApiError(404, "Not Found: method not found")
            delay = self.method_delays.get(name, self.delay)
            if delay > 0:
                await asyncio.sleep(delay)
            self._check_faults(name, params)
            result = entry[1](params)
            if inspect.isawaitable(result):
                result = await result
            status, body = 200, {"ok": True, "result": result}
        except ApiError as exc:
            status, body = exc.error_code, exc.body()
        except Exception as exc:
            self.internal_errors.append(exc)
            status = 500
            body = ApiError(500, f"Internal Server Error: emulator bug: {exc!r}").body()
        self.calls.append(Call(name, params))
        self.results.append(CallResult(status, body))
        self.method_counts[name] += 1
        self._calls_signal.fire()
        return status, body

    def _method_table(self) -> dict[str, Handler]:
        return {
            "getMe": self._get_me,
            "logOut": lambda _p: True,
            "close": lambda _p: True,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": lambda p: self._set_bot_text(p, "description"),
            "getMyDescription": lambda p: self._get_bot_text(p, "description"),
            "setMyShortDescription": lambda p: self._set_bot_text(p, "short_description"),
            "getMyShortDescription": lambda p: self._get_bot_text(p, "short_description"),
            "setMyName": lambda p: self._set_bot_text(p, "name"),
            "getMyName": lambda p: self._get_bot_text(p, "name"),
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMemberCount": self._get_chat_member_count,
            "pinChatMessage": self._pin_chat_message,
            "unpinChatMessage": self._unpin_chat_message,
            "sendChatAction": self._send_chat_action,
            "leaveChat": self._leave_chat,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "sendPhoto": lambda p: self._send_media(p, "photo", "sendPhoto"),
            "sendDocument": lambda p: self._send_media(p, "document", "sendDocument"),
            "sendVoice": lambda p: self._send_media(p, "voice", "sendVoice"),
            "sendAudio": lambda p: self._send_media(p, "audio", "sendAudio"),
            "sendVideo": lambda p: self._send_media(p, "video", "sendVideo"),
            "sendAnimation": lambda p: self._send_media(p, "animation", "sendAnimation"),
            "sendSticker": lambda p: self._send_media(p, "sticker", "sendSticker"),
            "getFile": self._get_file,
        }

    # ---------------------------------------------------------------- parameter helpers

    @staticmethod
    def _require(params: JSONDict, name: str, description: str | None = None) -> Any:
        value = params.get(name)
        if value is None or value == "":
            raise _bad(description or f'parameter "{name}" is required')
        return value

    @staticmethod
    def _int(params: JSONDict, name: str, default: int | None = None) -> int | None:
        value = params.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise _bad(f'field "{name}" must be of type Integer') from None

    def _chat_id(self, value: Any) -> int:
        if isinstance(value, bool):
            raise _bad("chat not found")
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        if text.startswith("@") and text[1:].lower() in self._usernames:
            return self._usernames[text[1:].lower()]
        raise _bad("chat not found")

    def _target_chat(self, params: JSONDict, name: str = "chat_id") -> ChatInfo:
        chat_id = self._chat_id(self._require(params, name, f"{name} is empty"))
        chat = self._chats.get(chat_id)
        if chat is None:
            if self.strict_chats:
                raise _bad("chat not found")
            chat = self.add_chat(chat_id)
        return chat

    # ---------------------------------------------------------------- faults

    def _check_faults(self, method: str, params: JSONDict) -> None:
        if "chat_id" not in params:
            return
        try:
            chat_id = self._chat_id(params["chat_id"])
        except ApiError:
            return
        for key in (chat_id, None):
            faults = self._faults.get(key)
            if not faults:
                continue
            for fault in faults:
                if fault.method is not None and fault.method != method:
                    continue
                fault.remaining -= 1
                if fault.remaining <= 0:
                    faults.remove(fault)
                raise self._fault_error(fault.kind, chat_id, fault.retry_after, fault.new_chat_id)
        if chat_id in self._migrated:
            raise self._fault_error("migrate", chat_id, 0, self._migrated[chat_id])
        kind = self._blocked.get(chat_id)
        if kind is not None and method.startswith(_SEND_PREFIXES) and method not in _SEND_EXCLUDED:
            raise self._fault_error(kind, chat_id, 0, None)  # type: ignore[arg-type]

    def _fault_error(
        self, kind: FaultKind, chat_id: int, retry_after: int, new_chat_id: int | None
    ) -> ApiError:
        if kind == "retry_after":
            return ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        if kind == "blocked":
            return ApiError(403, "Forbidden: bot was blocked by the user")
        if kind == "deactivated":
            return ApiError(403, "Forbidden: user is deactivated")
        if kind == "kicked":
            chat = self._chats.get(chat_id)
            chat_type = chat.type if chat else self._derive_type(chat_id)
            if chat_type == "channel":
                return ApiError(403, "Forbidden: bot is not a member of the channel chat")
            return ApiError(403, f"Forbidden: bot was kicked from the {chat_type} chat")
        if kind == "migrate":
            target = new_chat_id if new_chat_id is not None else self._supergroup_id(chat_id)
            return ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": target},
            )
        if kind == "bad_gateway":
            return ApiError(502, "Bad Gateway")
        if kind == "chat_not_found":
            return _bad("chat not found")
        return ApiError(500, "Internal Server Error")

    @staticmethod
    def _supergroup_id(chat_id: int) -> int:
        return SUPERGROUP_ID_THRESHOLD - abs(chat_id)

    def fail_next(
        self,
        chat_id: int | None,
        kind: FaultKind,
        times: int = 1,
        retry_after: int = 1,
        *,
        new_chat_id: int | None = None,
        method: str | None = None,
    ) -> None:
        """Make the next ``times`` calls that target ``chat_id`` (any chat if None; optionally
        only ``method``) fail with ``kind``."""
        self._faults.setdefault(chat_id, []).append(
            _Fault(kind, times, retry_after, new_chat_id, method)
        )

    def block_chat(
        self, chat_id: int, kind: Literal["blocked", "kicked", "deactivated"] = "blocked"
    ) -> None:
        """Every send/edit/delete/pin to ``chat_id`` fails with 403 until :meth:`unblock_chat`."""
        self._blocked[chat_id] = kind

    def unblock_chat(self, chat_id: int) -> None:
        self._blocked.pop(chat_id, None)

    def migrate_chat(self, old_id: int, new_id: int | None = None) -> int:
        """Persistently upgrade group ``old_id`` to supergroup ``new_id``; returns ``new_id``."""
        target = new_id if new_id is not None else self._supergroup_id(old_id)
        self._migrated[old_id] = target
        old = self._chats.get(old_id)
        if target not in self._chats:
            self.add_chat(target, "supergroup", title=old.title if old else None)
        return target

    def set_delay(self, seconds: float, method: str | None = None) -> None:
        """Latency for every response, or only for ``method``."""
        if method is None:
            self.delay = seconds
        else:
            self.method_delays[method] = seconds

    # ---------------------------------------------------------------- chats & users

    @staticmethod
    def _derive_type(chat_id: int) -> str:
        if chat_id > 0:
            return "private"
        if chat_id <= SUPERGROUP_ID_THRESHOLD:
            return "supergroup"
        return "group"

    def add_chat(
        self,
        chat_id: int,
        type: str | None = None,  # mirrors the Bot API field name
        title: str | None = None,
        username: str | None = None,
        *,
        first_name: str | None = None,
        is_forum: bool = False,
    ) -> ChatInfo:
        """Register (or update) a chat.  ``type`` defaults to one derived from the id."""
        chat = self._chats.get(chat_id)
        chat_type = type or (chat.type if chat else self._derive_type(chat_id))
        if chat is None:
            chat = ChatInfo(chat_id, chat_type)
            self._chats[chat_id] = chat
        chat.type = chat_type
        if chat_type == "private":
            user = self._users.get(chat_id)
            chat.first_name = first_name or chat.first_name or (user or {}).get("first_name")
            chat.first_name = chat.first_name or f"User{chat_id}"
            chat.username = username or chat.username or (user or {}).get("username")
        else:
            chat.title = title or chat.title or f"{chat_type.title()} {abs(chat_id)}"
            chat.username = username or chat.username
        chat.is_forum = is_forum or chat.is_forum
        if chat.username:
            self._usernames[chat.username.lower()] = chat_id
        return chat

    def chat(self, chat_id: int) -> ChatInfo | None:
        return self._chats.get(chat_id)

    def set_admins(
        self,
        chat_id: int,
        user_ids: Iterable[int],
        can_pin: bool = True,
        *,
        creator_id: int | None = None,
    ) -> None:
        """Make ``user_ids`` administrators (include the bot's id to make the bot one)."""
        chat = self._chats.get(chat_id) or self.add_chat(chat_id)
        for user_id in user_ids:
            if user_id == self.bot_id:
                self.set_bot_status(chat_id, "administrator", can_pin_messages=can_pin)
            else:
                chat.admins[user_id] = can_pin
        if creator_id is not None:
            chat.creator_id = creator_id

    def set_bot_status(
        self, chat_id: int, status: str = "administrator", *, can_pin_messages: bool = True
    ) -> None:
        chat = self._chats.get(chat_id) or self.add_chat(chat_id)
        chat.bot_status = status
        chat.bot_can_pin = status == "administrator" and can_pin_messages

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Explicit status ("member", "left", "kicked", "restricted", ...) for getChatMember."""
        chat = self._chats.get(chat_id) or self.add_chat(chat_id)
        chat.members[user_id] = status

    def _user(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> JSONDict:
        if user_id == self.bot_id:
            return self.bot_user
        user = dict(self._users.get(user_id) or {"id": user_id, "is_bot": False})
        user["first_name"] = first_name or user.get("first_name") or "Tester"
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        if username:
            self._usernames.setdefault(username.lower(), user_id)
        return dict(user)

    def _member(self, chat: ChatInfo, user_id: int, status: str | None = None) -> JSONDict:
        user = self.bot_user if user_id == self.bot_id else self._user(user_id)
        can_pin = False
        if status is None:
            if user_id == self.bot_id:
                status = chat.bot_status
                can_pin = chat.bot_can_pin
            elif chat.creator_id == user_id:
                status = "creator"
            elif user_id in chat.admins:
                status, can_pin = "administrator", chat.admins[user_id]
            else:
                status = chat.members.get(user_id, "member")
        return self._member_dict(user, status, can_pin=can_pin, bot=user_id == self.bot_id)

    @staticmethod
    def _member_dict(user: JSONDict, status: str, *, can_pin: bool, bot: bool) -> JSONDict:
        if status == "creator":
            return {"status": "creator", "user": user, "is_anonymous": False}
        if status == "administrator":
            rights = dict.fromkeys(
                (
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                ),
                True,
            )
            return {
                "status": "administrator",
                "user": user,
                "can_be_edited": bot,
                "is_anonymous": False,
                "can_promote_members": False,
                "can_pin_messages": can_pin,
                **rights,
            }
        if status == "kicked":
            return {"status": "kicked", "user": user, "until_date": 0}
        if status == "restricted":
            flags = dict.fromkeys(
                (
                    "can_change_info",
                    "can_invite_users",
                    "can_pin_messages",
                    "can_send_messages",
                    "can_send_polls",
                    "can_send_other_messages",
                    "can_add_web_page_previews",
                    "can_manage_topics",
                    "can_send_audios",
                    "can_send_documents",
                    "can_send_photos",
                    "can_send_videos",
                    "can_send_video_notes",
                    "can_send_voice_notes",
                    "can_edit_tag",
                ),
                False,
            )
            return {
                "status": "restricted",
                "user": user,
                "is_member": True,
                "until_date": 0,
                **flags,
            }
        if status == "left":
            return {"status": "left", "user": user}
        return {"status": "member", "user": user}

    # ---------------------------------------------------------------- messages store

    def _next_message_id(self, chat_id: int) -> int:
        value = self._message_ids.get(chat_id, 0) + 1
        self._message_ids[chat_id] = value
        return value

    def _store(self, record: SentMessage) -> SentMessage:
        self._messages[(record.chat_id, record.message_id)] = record
        if record.from_bot:
            self._sent.append(record)
            self._sent_by_chat.setdefault(record.chat_id, []).append(record)
        return record

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        """Any stored message (bot's or injected user message)."""
        return self._messages.get((chat_id, message_id))

    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """Messages the bot sent (since the last :meth:`clear`), oldest first."""
        if chat_id is None:
            return list(self._sent)
        return list(self._sent_by_chat.get(chat_id, ()))

    def last_message(self, chat_id: int | None = None) -> SentMessage | None:
        messages = self._sent if chat_id is None else self._sent_by_chat.get(chat_id, [])
        return messages[-1] if messages else None

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Plain texts/captions of the bot's messages."""
        return [m.plain or "" for m in self.sent_messages(chat_id)]

    @property
    def callback_answers(self) -> list[Answer]:
        return [a for a in self.answers if a.kind == "callback_query"]

    @property
    def inline_answers(self) -> list[Answer]:
        return [a for a in self.answers if a.kind == "inline_query"]

    def clear(self) -> None:
        """Forget observations (calls, results, counters, sent messages, answers).

        Chats, stored messages (for later edits), commands and queued updates are kept.
        """
        self.calls = []
        self.results = []
        self.method_counts = Counter()
        self.answers = []
        self.internal_errors = []
        self._sent = []
        self._sent_by_chat = {}
        self._clear_generation += 1

    # ---------------------------------------------------------------- waiting

    async def wait_for(
        self,
        predicate: Callable[[Call], bool],
        timeout: float = 5.0,
        *,
        since: int = 0,
        ok_only: bool = False,
    ) -> Call:
        """Wait until a recorded call (index >= ``since``) satisfies ``predicate``.

        Calls are recorded when answered.  Raises ``TimeoutError``.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = since
        generation = self._clear_generation
        while True:
            if generation != self._clear_generation:
                generation, index = self._clear_generation, 0
            calls, results = self.calls, self.results
            while index < len(calls):
                call = calls[index]
                if (not ok_only or results[index].ok) and predicate(call):
                    return call
                index += 1
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                recent = [
                    f"{c.method}{'' if r.ok else '!'}"
                    for c, r in zip(calls[-10:], results[-10:], strict=True)
                ]
                raise TimeoutError(f"no matching call within {timeout}s; last calls: {recent}")
            await self._calls_signal.wait(remaining)

    async def wait_for_method(
        self,
        method: str,
        timeout: float = 5.0,
        *,
        chat_id: int | None = None,
        since: int = 0,
    ) -> Call:
        """Wait for a successful call of ``method`` (optionally to ``chat_id``)."""

        def matches(call: Call) -> bool:
            if call.method != method:
                return False
            return chat_id is None or str(call.params.get("chat_id")) == str(chat_id)

        return await self.wait_for(matches, timeout, since=since, ok_only=True)

    async def wait_for_messages(
        self,
        chat_id: int | None,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[SentMessage]:
        """Wait until the bot has sent at least ``count`` messages to ``chat_id``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            messages = self.sent_messages(chat_id)
            if len(messages) >= count:
                return messages
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                raise TimeoutError(
                    f"expected {count} message(s) to {chat_id}, got {len(messages)}: "
                    f"{[m.plain for m in messages]}"
                )
            await self._calls_signal.wait(remaining)

    @property
    def pending_updates(self) -> int:
        """Queued updates not yet delivered (by getUpdates or webhook)."""
        first = bisect.bisect_right(
            self._updates, self._delivered_upto, lo=self._head, key=lambda u: u["update_id"]
        )
        return len(self._updates) - first

    async def wait_until_consumed(self, timeout: float = 5.0) -> None:
        """Wait until every queued update has been delivered to the bot."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.pending_updates:
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                raise TimeoutError(f"{self.pending_updates} update(s) still pending")
            await self._updates_signal.wait(remaining)

    # ---------------------------------------------------------------- updates queue

    def enqueue_update(self, update: JSONDict) -> JSONDict:
        """Queue any update payload (``update_id`` is assigned if missing)."""
        if "update_id" not in update or update["update_id"] < self._next_update_id:
            update = {"update_id": self._next_update_id, **update}
            update["update_id"] = self._next_update_id
        self._next_update_id = update["update_id"] + 1
        self._updates.append(update)
        self._updates_signal.fire()
        return update

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            keep = -offset
            self._head = max(self._head, len(self._updates) - keep)
        else:
            while (
                self._head < len(self._updates) and self._updates[self._head]["update_id"] < offset
            ):
                self._head += 1
        if self._head > 1024 and self._head * 2 > len(self._updates):
            del self._updates[: self._head]
            self._head = 0

    def _update_kind(self, update: JSONDict) -> str:
        for key in update:
            if key != "update_id":
                return key
        return ""

    def _collect(self, limit: int, allowed: frozenset[str]) -> list[JSONDict]:
        batch: list[JSONDict] = []
        first = bisect.bisect_right(
            self._updates, self._delivered_upto, lo=self._head, key=lambda u: u["update_id"]
        )
        index = self._head
        while index < len(self._updates) and len(batch) < limit:
            update = self._updates[index]
            index += 1
            if self._update_kind(update) not in allowed:
                if index > first:
                    self._delivered_upto = max(self._delivered_upto, update["update_id"])
                continue
            batch.append(update)
        return batch

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = self._int(params, "offset", 0) or 0
        limit = min(max(self._int(params, "limit", 100) or 100, 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else _DEFAULT_UPDATE_TYPES
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.fire()  # terminates a concurrent long poll
        self._confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            batch = self._collect(limit, self._allowed_updates)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing:
                break
            await self._updates_signal.wait(remaining)
        if batch:
            self._delivered_upto = max(self._delivered_upto, batch[-1]["update_id"])
            self._updates_signal.fire()
        return batch

    # ---------------------------------------------------------------- webhook

    def _set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        if params.get("drop_pending_updates"):
            self._drop_pending()
        if not url:
            self._webhook = None
            return True
        if not re.match(r"^https?://", url):
            raise _bad("bad webhook: HTTPS url must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.match(str(secret)):
            raise _bad("secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else _DEFAULT_UPDATE_TYPES
        self._webhook = {
            "url": url,
            "secret_token": None if secret is None else str(secret),
            "max_connections": self._int(params, "max_connections", 40),
            "ip_address": params.get("ip_address"),
        }
        self._webhook_last_error = None
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_loop())
        self._updates_signal.fire()
        return True

    def _delete_webhook(self, params: JSONDict) -> bool:
        if params.get("drop_pending_updates"):
            self._drop_pending()
        self._webhook = None
        self._updates_signal.fire()
        return True

    def _drop_pending(self) -> None:
        self._head = len(self._updates)
        if self._updates:
            self._delivered_upto = max(self._delivered_upto, self._updates[-1]["update_id"])
        self._updates_signal.fire()

    def _get_webhook_info(self, _params: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": self._webhook["url"] if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates) - self._head,
        }
        if self._webhook:
            info["max_connections"] = self._webhook["max_connections"]
            if self._webhook.get("ip_address"):
                info["ip_address"] = self._webhook["ip_address"]
            if self._allowed_updates != _DEFAULT_UPDATE_TYPES:
                info["allowed_updates"] = sorted(self._allowed_updates)
        if self._webhook_last_error:
            info["last_error_date"], info["last_error_message"] = self._webhook_last_error
        return info

    async def _webhook_loop(self) -> None:
        while not self._closing:
            hook = self._webhook
            if hook is None:
                return
            if self._head >= len(self._updates):
                await self._updates_signal.wait(None)
                continue
            update = self._updates[self._head]
            if self._update_kind(update) not in self._allowed_updates:
                self._head += 1
                self._delivered_upto = max(self._delivered_upto, update["update_id"])
                continue
            headers = {"Content-Type": "application/json"}
            if hook["secret_token"]:
                headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
            error: str | None = None
            try:
                assert self._http is not None
                response = await self._http.post(
                    hook["url"], content=json.dumps(update, ensure_ascii=False), headers=headers
                )
                if not 200 <= response.status_code < 300:
                    error = f"Wrong response from the webhook: {response.status_code}"
            except httpx.HTTPError as exc:
                error = f"Connection failed: {exc!r}"
            if error is None:
                if self._head < len(self._updates) and self._updates[self._head] is update:
                    self._head += 1
                self._delivered_upto = max(self._delivered_upto, update["update_id"])
                self._updates_signal.fire()
            else:
                self._webhook_last_error = (int(time.time()), error)
                await asyncio.sleep(self.webhook_retry_delay)

    # ---------------------------------------------------------------- validation helpers

    def _format(
        self, text: str, parse_mode: Any, entities: Any, *, caption: bool = False
    ) -> tuple[str, list[JSONDict]]:
        mode = str(parse_mode) if parse_mode else None
        if mode:
            plain, parsed = parse_entities(text, mode, strict_ampersand=self.strict_ampersand)
        else:
            plain = text
            parsed = [dict(e) for e in entities] if isinstance(entities, list) else []
            plain, parsed = _trim(plain, parsed)
        limit = MAX_CAPTION_LENGTH if caption else MAX_TEXT_LENGTH
        if len(plain) > limit:
            raise _bad("message caption is too long" if caption else "message is too long")
        return plain, parsed

    def _check_markup(self, markup: Any) -> JSONDict | None:
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
                    self._check_inline_button(button)
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
        elif not markup.get("remove_keyboard") and not markup.get("force_reply"):
            raise _bad("can't parse reply keyboard markup JSON object")
        return markup

    @staticmethod
    def _check_inline_button(button: Any) -> None:
        if not isinstance(button, dict):
            raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        if not button.get("text"):
            raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
        if not _INLINE_BUTTON_ACTIONS & button.keys():
            raise _bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                "keyboard"
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

    def _reply_target(self, chat: ChatInfo, params: JSONDict) -> JSONDict | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, str):
            reply = json.loads(reply)
        message_id: int | None = None
        allow_missing = bool(params.get("allow_sending_without_reply"))
        target_chat = chat.id
        if isinstance(reply, dict):
            message_id = int(reply["message_id"])
            allow_missing = bool(reply.get("allow_sending_without_reply", allow_missing))
            if reply.get("chat_id") is not None:
                target_chat = self._chat_id(reply["chat_id"])
        elif params.get("reply_to_message_id") is not None:
            message_id = int(params["reply_to_message_id"])
        if message_id is None:
            return None
        record = self._messages.get((target_chat, message_id))
        if record is None or record.deleted:
            if allow_missing:
                return None
            raise _bad("message to be replied not found")
        reply_message = dict(record.message)
        reply_message.pop("reply_to_message", None)
        return reply_message

    def _new_bot_message(
        self,
        chat: ChatInfo,
        method: str,
        params: JSONDict,
        content: JSONDict,
        *,
        raw_text: str | None,
        plain: str | None,
        parse_mode: str | None,
        entities: list[JSONDict],
        markup: JSONDict | None,
    ) -> SentMessage:
        reply_to = self._reply_target(chat, params)
        message_id = self._next_message_id(chat.id)
        message: JSONDict = {"message_id": message_id}
        if chat.type == "channel":
            message["sender_chat"] = chat.as_dict()
        else:
            message["from"] = self.bot_user
        message["date"] = int(time.time())
        message["chat"] = chat.as_dict()
        thread_id = params.get("message_thread_id")
        if thread_id is not None:
            message["message_thread_id"] = int(thread_id)
            if chat.is_forum:
                message["is_topic_message"] = True
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(content)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        preview = params.get("link_preview_options")
        if isinstance(preview, dict):
            message["link_preview_options"] = preview
        record = SentMessage(
            chat_id=chat.id,
            message_id=message_id,
            text=raw_text,
            plain=plain,
            parse_mode=parse_mode,
            reply_markup=markup,
            entities=entities,
            message=message,
            from_bot=True,
            method=method,
        )
        return self._store(record)

    # ---------------------------------------------------------------- methods

    def _get_me(self, _params: JSONDict) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._target_chat(params)
        raw = params.get("text")
        if raw is None or raw == "":
            raise _bad("message text is empty")
        text = str(raw)
        parse_mode = str(params["parse_mode"]) if params.get("parse_mode") else None
        plain, entities = self._format(text, parse_mode, params.get("entities"))
        if not plain:
            raise _bad("message text is empty")
        markup = self._check_markup(params.get("reply_markup"))
        content: JSONDict = {"text": plain}
        if entities:
            content["entities"] = entities
        record = self._new_bot_message(
            chat,
            "sendMessage",
            params,
            content,
            raw_text=text,
            plain=plain,
            parse_mode=parse_mode,
            entities=entities,
            markup=markup,
        )
        return record.message

    def _send_media(self, params: JSONDict, kind: str, method: str) -> JSONDict:
        chat = self._target_chat(params)
        media = params.get(kind)
        if media is None or media == "":
            raise _bad(f"there is no {kind} in the request")
        if isinstance(media, UploadedFile):
            file_id = self.add_file(media.content)
            size = len(media.content)
        else:
            file_id = str(media)
            if file_id not in self._files and not file_id.startswith(("http://", "https://")):
                raise _bad("wrong file identifier/HTTP URL specified")
            size = len(self._files.get(file_id, b""))
        unique = f"u{file_id}"[:32]
        media_obj: Any
        if kind == "photo":
            media_obj = [
                {"file_id": file_id, "file_unique_id": unique, "width": 90, "height": 90},
                {
                    "file_id": file_id,
                    "file_unique_id": unique,
                    "width": 800,
                    "height": 800,
                    "file_size": size,
                },
            ]
        elif kind == "sticker":
            media_obj = self._sticker_obj(file_id, "🙂")
        else:
            media_obj = {"file_id": file_id, "file_unique_id": unique, "file_size": size}
            if kind in ("voice", "audio", "video", "animation"):
                media_obj["duration"] = int(params.get("duration") or 1)
            if kind in ("video", "animation"):
                media_obj.update(width=640, height=360)
        content: JSONDict = {kind: media_obj}
        raw_caption = params.get("caption")
        caption_text = None if raw_caption is None else str(raw_caption)
        parse_mode = str(params["parse_mode"]) if params.get("parse_mode") else None
        plain: str | None = None
        entities: list[JSONDict] = []
        if caption_text:
            plain, entities = self._format(
                caption_text, parse_mode, params.get("caption_entities"), caption=True
            )
            content["caption"] = plain
            if entities:
                content["caption_entities"] = entities
        markup = self._check_markup(params.get("reply_markup"))
        record = self._new_bot_message(
            chat,
            method,
            params,
            content,
            raw_text=caption_text,
            plain=plain,
            parse_mode=parse_mode,
            entities=entities,
            markup=markup,
        )
        return record.message

    def _find_editable(self, params: JSONDict) -> SentMessage | None:
        """Returns None for inline messages (``inline_message_id``)."""
        if params.get("inline_message_id"):
            return None
        chat = self._target_chat(params)
        message_id = self._int(params, "message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        record = self._messages.get((chat.id, message_id))
        if record is None or record.deleted:
            raise _bad("message to edit not found")
        if not record.from_bot:
            raise _bad("message can't be edited")
        return record

    def _apply_edit(
        self,
        record: SentMessage,
        *,
        raw_text: str | None,
        plain: str | None,
        parse_mode: str | None,
        entities: list[JSONDict],
        markup: JSONDict | None,
        text_key: str | None,
    ) -> JSONDict:
        if (plain, entities, markup) == (record.plain, record.entities, record.reply_markup):
            raise _bad(_NOT_MODIFIED)
        record.history.append(
            MessageVersion(
                record.text, record.plain, record.parse_mode, record.reply_markup, record.entities
            )
        )
        message = dict(record.message)
        if text_key is not None:
            entities_key = "entities" if text_key == "text" else "caption_entities"
            message[text_key] = plain
            message.pop(entities_key, None)
            if entities:
                message[entities_key] = entities
        message.pop("reply_markup", None)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        record.text, record.plain, record.parse_mode = raw_text, plain, parse_mode
        record.entities, record.reply_markup, record.message = entities, markup, message
        return message

    def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        raw = params.get("text")
        if raw is None or raw == "":
            raise _bad("message text is empty")
        text = str(raw)
        parse_mode = str(params["parse_mode"]) if params.get("parse_mode") else None
        plain, entities = self._format(text, parse_mode, params.get("entities"))
        if not plain:
            raise _bad("message text is empty")
        markup = self._check_markup(params.get("reply_markup"))
        record = self._find_editable(params)
        if record is None:
            return True
        if "text" not in record.message:
            raise _bad("there is no text in the message to edit")
        return self._apply_edit(
            record,
            raw_text=text,
            plain=plain,
            parse_mode=parse_mode,
            entities=entities,
            markup=markup,
            text_key="text",
        )

    def _edit_message_caption(self, params: JSONDict) -> JSONDict | bool:
        raw = params.get("caption")
        text = "" if raw is None else str(raw)
        parse_mode = str(params["parse_mode"]) if params.get("parse_mode") else None
        plain, entities = self._format(
            text, parse_mode, params.get("caption_entities"), caption=True
        )
        markup = self._check_markup(params.get("reply_markup"))
        record = self._find_editable(params)
        if record is None:
            return True
        if "text" in record.message:
            raise _bad("there is no caption in the message to edit")
        return self._apply_edit(
            record,
            raw_text=text,
            plain=plain,
            parse_mode=parse_mode,
            entities=entities,
            markup=markup,
            text_key="caption",
        )

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        markup = self._check_markup(params.get("reply_markup"))
        record = self._find_editable(params)
        if record is None:
            return True
        return self._apply_edit(
            record,
            raw_text=record.text,
            plain=record.plain,
            parse_mode=record.parse_mode,
            entities=record.entities,
            markup=markup,
            text_key=None,
        )

    def _delete_message(self, params: JSONDict) -> bool:
        chat = self._target_chat(params)
        message_id = self._int(params, "message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        record = self._messages.get((chat.id, message_id))
        if record is None or record.deleted:
            raise _bad("message to delete not found")
        record.deleted = True
        return True

    def _delete_messages(self, params: JSONDict) -> bool:
        chat = self._target_chat(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message identifiers are not specified")
        for message_id in ids:
            record = self._messages.get((chat.id, int(message_id)))
            if record is not None:
                record.deleted = True
        return True

    def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(self._require(params, "callback_query_id", _QUERY_INVALID))
        if self._open_queries.pop(query_id, None) != "callback_query":
            raise _bad(_QUERY_INVALID)
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        self.answers.append(Answer("callback_query", query_id, params))
        return True

    def _answer_inline_query(self, params: JSONDict) -> bool:
        query_id = str(self._require(params, "inline_query_id", _QUERY_INVALID))
        results = params.get("results")
        if isinstance(results, str):
            results = json.loads(results)
        if not isinstance(results, list):
            raise _bad('parameter "results" is required')
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict) or not result.get("type"):
                raise _bad("RESULT_TYPE_INVALID")
            result_id = str(result.get("id", ""))
            if not result_id or len(result_id.encode("utf-8")) > 64:
                raise _bad("RESULT_ID_INVALID")
            if result_id in seen:
                raise _bad("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            content = result.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                message_text = str(content["message_text"])
                plain, _entities = self._format(
                    message_text, content.get("parse_mode"), content.get("entities")
                )
                if not plain:
                    raise _bad("MESSAGE_EMPTY")
            if "reply_markup" in result:
                self._check_markup(result["reply_markup"])
        next_offset = params.get("next_offset")
        if next_offset is not None and len(str(next_offset).encode("utf-8")) > 64:
            raise _bad("NEXT_OFFSET_INVALID")
        if self._open_queries.pop(query_id, None) != "inline_query":
            raise _bad(_QUERY_INVALID)
        self.answers.append(Answer("inline_query", query_id, params))
        return True

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if isinstance(scope, str):
            scope = json.loads(scope)
        if not scope:
            scope = {"type": "default"}
        return json.dumps(scope, sort_keys=True)

    def _language_code(self, params: JSONDict) -> str:
        code = str(params.get("language_code") or "")
        if code and self.strict_language_code and not _LANGUAGE_CODE_RE.match(code):
            raise _bad("invalid language code specified")
        return code

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if isinstance(commands, str):
            commands = json.loads(commands)
        if not isinstance(commands, list):
            raise _bad('parameter "commands" is required')
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        clean: list[JSONDict] = []
        for command in commands:
            if not isinstance(command, dict) or "description" not in command:
                raise _bad("can't parse BotCommand: Can't find field \"description\"")
            name = str(command.get("command", ""))
            if not _BOT_COMMAND_RE.match(name):
                raise _bad("BOT_COMMAND_INVALID")
            description = str(command["description"])
            if not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": name, "description": description})
        key = (self._scope_key(params.get("scope")), self._language_code(params))
        if clean:
            self._commands[key] = clean
        else:
            self._commands.pop(key, None)
        return True

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        key = (self._scope_key(params.get("scope")), self._language_code(params))
        return [dict(c) for c in self._commands.get(key, [])]

    def _delete_my_commands(self, params: JSONDict) -> bool:
        key = (self._scope_key(params.get("scope")), self._language_code(params))
        self._commands.pop(key, None)
        return True

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """Commands stored by setMyCommands for (scope, language_code)."""
        return list(self._commands.get((self._scope_key(scope), language_code), []))

    def _set_bot_text(self, params: JSONDict, kind: str) -> bool:
        value = str(params.get(kind) or "")
        limit = {"description": 512, "short_description": 120, "name": 64}[kind]
        if len(value) > limit:
            raise _bad(f"{kind.upper()}_INVALID")
        self._bot_texts[(kind, self._language_code(params))] = value
        return True

    def _get_bot_text(self, params: JSONDict, kind: str) -> JSONDict:
        value = self._bot_texts.get((kind, self._language_code(params)), "")
        if kind == "name" and not value:
            value = self.first_name
        return {kind: value}

    def _set_chat_menu_button(self, params: JSONDict) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if isinstance(button, str):
            button = json.loads(button)
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise _bad("can't parse menu button")
        if params.get("chat_id") is not None:
            self._target_chat(params).menu_button = button
        else:
            self._default_menu_button = button
        return True

    def _get_chat_menu_button(self, params: JSONDict) -> JSONDict:
        if params.get("chat_id") is not None:
            chat = self._target_chat(params)
            if chat.menu_button is not None:
                return chat.menu_button
        return self._default_menu_button

    def _get_chat(self, params: JSONDict) -> JSONDict:
        chat = self._target_chat(params)
        info = chat.as_dict()
        info.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        )
        return info

    def _get_chat_member(self, params: JSONDict) -> JSONDict:
        chat = self._target_chat(params)
        user_id = self._int(params, "user_id")
        if user_id is None:
            raise _bad("user not found")
        if chat.type == "private" and user_id not in (chat.id, self.bot_id):
            raise _bad("user not found")
        return self._member(chat, user_id)

    def _get_chat_administrators(self, params: JSONDict) -> list[JSONDict]:
        chat = self._target_chat(params)
        if chat.type == "private":
            raise _bad("there are no administrators in the private chat")
        members: list[JSONDict] = []
        if chat.creator_id is not None:
            members.append(self._member(chat, chat.creator_id))
        members.extend(self._member(chat, uid) for uid in chat.admins if uid != chat.creator_id)
        if chat.bot_status in ("administrator", "creator"):
            members.append(self._member(chat, self.bot_id))
        return members

    def _get_chat_member_count(self, params: JSONDict) -> int:
        chat = self._target_chat(params)
        if chat.type == "private":
            return 2
        return 1 + len(chat.admins) + len(chat.members) + (chat.creator_id is not None)

    def _check_pin_rights(self, chat: ChatInfo) -> None:
        if chat.type == "private":
            return
        if chat.bot_status == "creator" or chat.bot_can_pin:
            return
        raise _bad("not enough rights to manage pinned messages in the chat")

    def _pin_chat_message(self, params: JSONDict) -> bool:
        chat = self._target_chat(params)
        message_id = self._int(params, "message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        self._check_pin_rights(chat)
        record = self._messages.get((chat.id, message_id))
        if record is None or record.deleted:
            raise _bad("message to pin not found")
        record.pinned = True
        return True

    def _unpin_chat_message(self, params: JSONDict) -> bool:
        chat = self._target_chat(params)
        self._check_pin_rights(chat)
        message_id = self._int(params, "message_id")
        if message_id is None:
            return True
        record = self._messages.get((chat.id, message_id))
        if record is None or record.deleted:
            raise _bad("message to unpin not found")
        record.pinned = False
        return True

    def _send_chat_action(self, params: JSONDict) -> bool:
        self._target_chat(params)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _leave_chat(self, params: JSONDict) -> bool:
        chat = self._target_chat(params)
        if chat.type == "private":
            raise _bad("chat member status can't be changed in private chats")
        chat.bot_status, chat.bot_can_pin = "left", False
        return True

    def _source_message(self, params: JSONDict, verb: str) -> SentMessage:
        from_chat = self._chat_id(self._require(params, "from_chat_id", "from_chat_id is empty"))
        message_id = self._int(params, "message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        record = self._messages.get((from_chat, message_id))
        if record is None or record.deleted:
            raise _bad(f"message to {verb} not found")
        return record

    _CONTENT_KEYS = (
        "text",
        "entities",
        "caption",
        "caption_entities",
        "photo",
        "document",
        "voice",
        "audio",
        "video",
        "animation",
        "sticker",
    )

    def _copy_message(self, params: JSONDict) -> JSONDict:
        chat = self._target_chat(params)
        source = self._source_message(params, "copy")
        content = {k: source.message[k] for k in self._CONTENT_KEYS if k in source.message}
        raw_text, plain, parse_mode = source.text, source.plain, source.parse_mode
        entities: list[JSONDict] = []
        if "text" in content:
            raw_text = plain = content["text"]
            entities = list(content.get("entities", []))
        if "caption" in params:
            raw_text = None if params["caption"] is None else str(params["caption"])
            parse_mode = str(params["parse_mode"]) if params.get("parse_mode") else None
            plain, entities = self._format(
                raw_text or "", parse_mode, params.get("caption_entities"), caption=True
            )
            content.pop("caption_entities", None)
            content["caption"] = plain
            if entities:
                content["caption_entities"] = entities
        markup = self._check_markup(params.get("reply_markup"))
        record = self._new_bot_message(
            chat,
            "copyMessage",
            params,
            content,
            raw_text=raw_text,
            plain=plain,
            parse_mode=parse_mode,
            entities=entities,
            markup=markup,
        )
        return {"message_id": record.message_id}

    def _forward_message(self, params: JSONDict) -> JSONDict:
        chat = self._target_chat(params)
        source = self._source_message(params, "forward")
        content = {k: source.message[k] for k in self._CONTENT_KEYS if k in source.message}
        origin: JSONDict
        if "from" in source.message:
            origin = {"type": "user", "sender_user": source.message["from"]}
        else:
            source_chat = source.message["chat"]
            origin = {
                "type": "channel" if source_chat["type"] == "channel" else "chat",
                "chat" if source_chat["type"] == "channel" else "sender_chat": source_chat,
            }
            if source_chat["type"] == "channel":
                origin["message_id"] = source.message_id
        origin["date"] = source.message["date"]
        content["forward_origin"] = origin
        record = self._new_bot_message(
            chat,
            "forwardMessage",
            {k: v for k, v in params.items() if k != "reply_parameters"},
            content,
            raw_text=source.text,
            plain=source.plain,
            parse_mode=source.parse_mode,
            entities=source.entities,
            markup=None,
        )
        return record.message

    # ---------------------------------------------------------------- files

    def add_file(self, content: bytes, file_id: str | None = None) -> str:
        """Register downloadable content; returns its file_id."""
        file_id = file_id or f"EMUFILE{next(self._file_counter):06d}"
        self._files[file_id] = content
        return file_id

    def file_content_by_path(self, path: str) -> bytes | None:
        return self._files.get(path.removeprefix("files/"))

    def _get_file(self, params: JSONDict) -> JSONDict:
        file_id = str(self._require(params, "file_id", "file_id is empty"))
        if file_id not in self._files:
            raise _bad("invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}"[:32],
            "file_size": len(self._files[file_id]),
            "file_path": f"files/{file_id}",
        }

    # ---------------------------------------------------------------- update factories

    def _incoming(
        self,
        chat_id: int,
        user_id: int | None,
        *,
        chat_type: str | None,
        first_name: str,
        username: str | None,
        language_code: str | None,
        reply_to_message_id: int | None,
        message_thread_id: int | None,
        title: str | None = None,
    ) -> JSONDict:
        if user_id is None:
            user_id = chat_id if chat_id > 0 else 10_001
        user = self._user(user_id, first_name, username, language_code)
        if chat_id == user_id:
            chat = self.add_chat(
                chat_id, chat_type or "private", first_name=first_name, username=username
            )
        else:
            chat = self.add_chat(chat_id, chat_type, title=title)
        message: JSONDict = {
            "message_id": self._next_message_id(chat_id),
            "from": user,
            "chat": chat.as_dict(),
            "date": int(time.time()),
        }
        if message_thread_id is not None:
            message["message_thread_id"] = message_thread_id
            if chat.is_forum:
                message["is_topic_message"] = True
        if reply_to_message_id is not None:
            target = self._messages.get((chat_id, reply_to_message_id))
            if target is not None:
                reply = dict(target.message)
                reply.pop("reply_to_message", None)
            else:
                reply = {"message_id": reply_to_message_id, "date": 0, "chat": chat.as_dict()}
            message["reply_to_message"] = reply
        return message

    def _store_incoming(self, message: JSONDict, text: str | None) -> None:
        self._store(
            SentMessage(
                chat_id=message["chat"]["id"],
                message_id=message["message_id"],
                text=text,
                plain=text,
                parse_mode=None,
                reply_markup=None,
                entities=list(message.get("entities", [])),
                message=message,
                from_bot=False,
                method="update",
            )
        )

    def user_message(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        chat_type: str | None = None,
        first_name: str = "Tester",
        username: str | None = None,
        language_code: str | None = "zh-hans",
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
        *,
        title: str | None = None,
    ) -> JSONDict:
        """Queue a text message from a user; returns the Update dict.

        ``user_id`` defaults to ``chat_id`` for private chats (positive ids), else 10001.
        bot_command / mention / url entities are added like Telegram does.
        """
        message = self._incoming(
            chat_id,
            user_id,
            chat_type=chat_type,
            first_name=first_name,
            username=username,
            language_code=language_code,
            reply_to_message_id=reply_to_message_id,
            message_thread_id=message_thread_id,
            title=title,
        )
        message["text"] = text
        entities = auto_entities(text)
        if entities:
            message["entities"] = entities
        self._store_incoming(message, text)
        return self.enqueue_update({"message": message})

    def edited_message(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        user_id: int | None = None,
        *,
        first_name: str = "Tester",
    ) -> JSONDict:
        """Queue an ``edited_message`` for a message previously injected with user_message."""
        record = self._messages.get((chat_id, message_id))
        if record is not None:
            message = dict(record.message)
        else:
            message = self._incoming(
                chat_id,
                user_id,
                chat_type=None,
                first_name=first_name,
                username=None,
                language_code=None,
                reply_to_message_id=None,
                message_thread_id=None,
            )
            message["message_id"] = message_id
        message["text"] = text
        message.pop("entities", None)
        entities = auto_entities(text)
        if entities:
            message["entities"] = entities
        message["edit_date"] = int(time.time())
        if record is not None:
            record.history.append(
                MessageVersion(record.text, record.plain, None, None, record.entities)
            )
            record.text = record.plain = text
            record.entities = entities
            record.message = message
        else:
            self._store_incoming(message, text)
        return self.enqueue_update({"edited_message": message})

    def _media_message(
        self, chat_id: int, user_id: int | None, content: JSONDict, caption: str | None
    ) -> JSONDict:
        message = self._incoming(
            chat_id,
            user_id,
            chat_type=None,
            first_name="Tester",
            username=None,
            language_code="zh-hans",
            reply_to_message_id=None,
            message_thread_id=None,
        )
        message.update(content)
        if caption:
            message["caption"] = caption
            entities = auto_entities(caption)
            if entities:
                message["caption_entities"] = entities
        self._store_incoming(message, caption)
        return self.enqueue_update({"message": message})

    @staticmethod
    def _sticker_obj(file_id: str, emoji: str) -> JSONDict:
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}"[:32],
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
            "emoji": emoji,
        }

    def sticker_message(
        self, chat_id: int, user_id: int | None = None, emoji: str = "👍"
    ) -> JSONDict:
        file_id = self.add_file(b"RIFF....WEBP")
        return self._media_message(
            chat_id, user_id, {"sticker": self._sticker_obj(file_id, emoji)}, None
        )

    def photo_message(
        self,
        chat_id: int,
        user_id: int | None = None,
        caption: str | None = None,
        content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
    ) -> JSONDict:
        file_id = self.add_file(content)
        unique = f"u{file_id}"
        photo = [
            {"file_id": file_id, "file_unique_id": unique, "width": 90, "height": 90},
            {
                "file_id": file_id,
                "file_unique_id": unique,
                "width": 1280,
                "height": 960,
                "file_size": len(content),
            },
        ]
        return self._media_message(chat_id, user_id, {"photo": photo}, caption)

    def voice_message(
        self,
        chat_id: int,
        user_id: int | None = None,
        duration: int = 3,
        content: bytes = b"OggS fake-voice",
    ) -> JSONDict:
        file_id = self.add_file(content)
        voice = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(content),
        }
        return self._media_message(chat_id, user_id, {"voice": voice}, None)

    def callback_query(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        data: str,
        *,
        first_name: str = "Tester",
        username: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> JSONDict:
        """Queue a button press on a stored (bot) message.  Unknown/deleted messages are sent as
        an InaccessibleMessage (date 0), like Telegram does for old messages."""
        user = self._user(user_id, first_name, username, language_code)
        record = self._messages.get((chat_id, message_id))
        chat = self._chats.get(chat_id) or self.add_chat(chat_id)
        if record is not None and not record.deleted:
            message = record.message
        else:
            message = {"message_id": message_id, "date": 0, "chat": chat.as_dict()}
        query_id = str(next(self._query_counter) * 1_000_003)
        self._open_queries[query_id] = "callback_query"
        callback = {
            "id": query_id,
            "from": user,
            "chat_instance": str(abs(chat_id) * 7 + 1),
            "message": message,
            "data": data,
        }
        return self.enqueue_update({"callback_query": callback})

    def inline_query(
        self,
        user_id: int,
        query: str,
        offset: str = "",
        *,
        chat_type: str | None = "sender",
        first_name: str = "Tester",
        language_code: str | None = "zh-hans",
    ) -> JSONDict:
        user = self._user(user_id, first_name, None, language_code)
        query_id = str(next(self._query_counter) * 1_000_003)
        self._open_queries[query_id] = "inline_query"
        inline: JSONDict = {"id": query_id, "from": user, "query": query, "offset": offset}
        if chat_type:
            inline["chat_type"] = chat_type
        return self.enqueue_update({"inline_query": inline})

    def chosen_inline_result(
        self,
        user_id: int,
        result_id: str,
        query: str = "",
        inline_message_id: str | None = None,
    ) -> JSONDict:
        chosen: JSONDict = {"result_id": result_id, "from": self._user(user_id), "query": query}
        if inline_message_id:
            chosen["inline_message_id"] = inline_message_id
        return self.enqueue_update({"chosen_inline_result": chosen})

    def my_chat_member(
        self,
        chat_id: int,
        chat_type: str | None = None,
        from_user_id: int | None = None,
        old_status: str = "left",
        new_status: str = "member",
        title: str | None = None,
    ) -> JSONDict:
        """Queue a change of the bot's own membership; also updates the emulator state
        (kicked/left → sends fail with 403, administrator → bot may pin)."""
        chat = self.add_chat(chat_id, chat_type, title=title)
        if from_user_id is None:
            from_user_id = chat_id if chat.type == "private" else 10_001
        user = self._user(from_user_id)
        if chat.type == "private":
            if new_status == "kicked":
                self.block_chat(chat_id, "blocked")
            else:
                self.unblock_chat(chat_id)
        elif new_status in ("kicked", "left"):
            self.block_chat(chat_id, "kicked")
        else:
            self.unblock_chat(chat_id)
        chat.bot_status = new_status
        chat.bot_can_pin = new_status == "administrator"
        bot = self.bot_user
        update = {
            "chat": chat.as_dict(),
            "from": user,
            "date": int(time.time()),
            "old_chat_member": self._member_dict(bot, old_status, can_pin=False, bot=True),
            "new_chat_member": self._member_dict(
                bot, new_status, can_pin=chat.bot_can_pin, bot=True
            ),
        }
        return self.enqueue_update({"my_chat_member": update})

    def group_migrated(self, old_id: int, new_id: int | None = None) -> JSONDict:
        """Queue the service messages of a group → supergroup upgrade (returns the first, with
        ``migrate_to_chat_id``) and make sends to ``old_id`` fail with ChatMigrated."""
        new_id = self.migrate_chat(old_id, new_id)
        old_chat = self._chats.get(old_id) or self.add_chat(old_id, "group")
        user = self._user(10_001)
        first = {
            "message_id": self._next_message_id(old_id),
            "from": user,
            "chat": old_chat.as_dict(),
            "date": int(time.time()),
            "migrate_to_chat_id": new_id,
        }
        new_chat = self._chats[new_id]
        update = self.enqueue_update({"message": first})
        self.enqueue_update(
            {
                "message": {
                    "message_id": self._next_message_id(new_id),
                    "sender_chat": new_chat.as_dict(),
                    "chat": new_chat.as_dict(),
                    "date": int(time.time()),
                    "migrate_from_chat_id": old_id,
                }
            }
        )
        return update

    def channel_post(
        self, chat_id: int, text: str, *, title: str | None = None, username: str | None = None
    ) -> JSONDict:
        chat = self.add_chat(chat_id, "channel", title=title, username=username)
        message: JSONDict = {
            "message_id": self._next_message_id(chat_id),
            "sender_chat": chat.as_dict(),
            "chat": chat.as_dict(),
            "date": int(time.time()),
            "text": text,
        }
        entities = auto_entities(text)
        if entities:
            message["entities"] = entities
        self._store_incoming(message, text)
        return self.enqueue_update({"channel_post": message})
