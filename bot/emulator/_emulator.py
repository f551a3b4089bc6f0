"""``BotApiEmulator``: the mixins put together, and the table of Bot API methods it serves."""

from __future__ import annotations

import httpx

from bot.emulator._edits import EditsMixin
from bot.emulator._incoming import IncomingMixin
from bot.emulator._profile import ProfileMixin
from bot.emulator._server import Handler, ServerMixin


class BotApiEmulator(ServerMixin, IncomingMixin, EditsMixin, ProfileMixin):
    """Telegram Bot API emulator; see the :mod:`bot.emulator` docstring."""

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
        self._port = port
        self._http: httpx.AsyncClient | None = None
        self._closing = False
        super().__init__()  # each mixin creates the state it owns
        for name, handler in self._method_table().items():
            self._methods[name.lower()] = (name, handler)

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
