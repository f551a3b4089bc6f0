"""What every part of the emulator shares: its configuration and parameter helpers."""

from __future__ import annotations

from typing import Any

import httpx

from bot.emulator._records import JSONDict, _bad


class EmulatorBase:
    """Configuration (set by :class:`~bot.emulator.BotApiEmulator`) and helpers for the mixins.

    Each mixin of the emulator owns one concern's state, which its ``__init__`` creates; they
    all call ``super().__init__()`` so that one ``BotApiEmulator()`` initialises every part.
    """

    bot_id: int
    username: str
    first_name: str
    require_token: str | None
    delay: float
    method_delays: dict[str, float]
    strict_chats: bool
    strict_ampersand: bool
    strict_language_code: bool
    webhook_retry_delay: float
    _closing: bool
    _http: httpx.AsyncClient | None

    @property
    def bot_user(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

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
