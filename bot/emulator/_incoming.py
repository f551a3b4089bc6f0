"""Update factories: what users (and Telegram) send to the bot, queued as updates."""

from __future__ import annotations

import time

from bot.emulator._entities import auto_entities
from bot.emulator._faults import FaultsMixin
from bot.emulator._queries import QueriesMixin
from bot.emulator._records import JSONDict, MessageVersion, SentMessage, sticker_object
from bot.emulator._updates import UpdatesMixin


class IncomingMixin(QueriesMixin, FaultsMixin, UpdatesMixin):
    """``user_message``, ``callback_query``, ``my_chat_member`` …: build the update the way
    Telegram would, update the emulator's state, and queue it."""

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

    def sticker_message(
        self, chat_id: int, user_id: int | None = None, emoji: str = "👍"
    ) -> JSONDict:
        file_id = self.add_file(b"RIFF....WEBP")
        return self._media_message(
            chat_id, user_id, {"sticker": sticker_object(file_id, emoji)}, None
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
