"""Chat state: chats, users and their membership, and downloadable files."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

from bot.emulator._base import EmulatorBase
from bot.emulator._records import SUPERGROUP_ID_THRESHOLD, ChatInfo, JSONDict, _bad

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


class ChatsMixin(EmulatorBase):
    """Chats, users, members and files, with the API methods that read or change them."""

    def __init__(self) -> None:
        super().__init__()
        self._chats: dict[int, ChatInfo] = {}
        self._usernames: dict[str, int] = {}
        self._users: dict[int, JSONDict] = {}
        self._files: dict[str, bytes] = {}
        self._file_counter = itertools.count(1)

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
