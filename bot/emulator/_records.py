"""Errors, records and small types shared by every part of the emulator."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

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


def sticker_object(file_id: str, emoji: str) -> JSONDict:
    """A Telegram Sticker object for a stored file."""
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
