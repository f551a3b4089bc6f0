"""The bot's own profile: getMe, commands per scope and language, name and descriptions, and the
menu button."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.emulator._chats import ChatsMixin
from bot.emulator._records import JSONDict, _bad

_BOT_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2}$")


class ProfileMixin(ChatsMixin):
    """What setMyCommands, setMyName, setChatMenuButton … store, and the getters."""

    def __init__(self) -> None:
        super().__init__()
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._default_menu_button: JSONDict = {"type": "default"}

    def _get_me(self, _params: JSONDict) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

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
