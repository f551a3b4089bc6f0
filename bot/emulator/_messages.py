"""Messages the bot sends: sendMessage, send<Media>, copyMessage, forwardMessage and pins."""

from __future__ import annotations

import json
import time
from typing import Any

from bot.emulator._chats import ChatsMixin
from bot.emulator._recording import RecorderMixin
from bot.emulator._records import (
    ChatInfo,
    JSONDict,
    SentMessage,
    UploadedFile,
    _bad,
    sticker_object,
)
from bot.emulator._validation import check_markup, format_text


class MessagesMixin(ChatsMixin, RecorderMixin):
    """Creates and stores the bot's messages after Telegram's checks."""

    def _format(
        self, text: str, parse_mode: Any, entities: Any, *, caption: bool = False
    ) -> tuple[str, list[JSONDict]]:
        return format_text(
            text, parse_mode, entities, caption=caption, strict_ampersand=self.strict_ampersand
        )

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
        markup = check_markup(params.get("reply_markup"))
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
            media_obj = sticker_object(file_id, "🙂")
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
        markup = check_markup(params.get("reply_markup"))
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
        markup = check_markup(params.get("reply_markup"))
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
