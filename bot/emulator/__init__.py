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

The emulator is one object, ``BotApiEmulator``, made of focused mixins, one module each:

* ``_server``: HTTP (tornado on 127.0.0.1), request decoding, dispatch of each call;
* ``_entities``, ``_html``, ``_markdown``, ``_utf16``, ``_validation``: Telegram's parse modes,
  UTF-16 offsets, and the checks on texts and keyboards (plain functions);
* ``_chats``: chats, users, members and files; ``_recording``: calls and stored messages;
* ``_faults``: injected errors and latency; ``_updates``: the update queue and webhook;
* ``_messages``, ``_edits``, ``_queries``, ``_profile``: the Bot API methods;
* ``_incoming``: update factories (``user_message``, ``callback_query`` …).
"""

from bot.emulator._emulator import BotApiEmulator
from bot.emulator._entities import auto_entities, parse_entities
from bot.emulator._records import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_INLINE_RESULTS,
    MAX_TEXT_LENGTH,
    SUPERGROUP_ID_THRESHOLD,
    Answer,
    ApiError,
    Call,
    CallResult,
    ChatInfo,
    FaultKind,
    JSONDict,
    MessageVersion,
    SentMessage,
    UploadedFile,
)
from bot.emulator._server import STRING_FIELDS, _decode_field, parse_request_params
from bot.emulator._utf16 import utf16_len

__all__ = [
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_INLINE_RESULTS",
    "MAX_TEXT_LENGTH",
    "STRING_FIELDS",
    "SUPERGROUP_ID_THRESHOLD",
    "Answer",
    "ApiError",
    "BotApiEmulator",
    "Call",
    "CallResult",
    "ChatInfo",
    "FaultKind",
    "JSONDict",
    "MessageVersion",
    "SentMessage",
    "UploadedFile",
    "_decode_field",
    "auto_entities",
    "parse_entities",
    "parse_request_params",
    "utf16_len",
]
