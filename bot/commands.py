"""The bot's built-in commands: one list for the handlers, the command menus and validation.

Topic commands come from the data; a topic may not take one of these names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Audience = Literal["everyone", "admins"]


@dataclass(frozen=True, slots=True)
class BuiltinCommand:
    name: str
    menu_key: str  # key of the menu description in bot/locales
    in_private: bool = True
    in_groups: bool = True
    audience: Audience = "everyone"


BUILTIN_COMMANDS: tuple[BuiltinCommand, ...] = (
    BuiltinCommand("start", "menu_start", in_groups=False),
    BuiltinCommand("topics", "menu_topics"),
    BuiltinCommand("search", "menu_search"),
    BuiltinCommand("month", "menu_month"),
    BuiltinCommand("timeline", "menu_timeline"),
    BuiltinCommand("help", "menu_help"),
    BuiltinCommand("subscribe", "menu_subscribe"),
    BuiltinCommand("unsubscribe", "menu_unsubscribe"),
    BuiltinCommand("subscription", "menu_subscription"),
    BuiltinCommand("language", "menu_language"),
    BuiltinCommand("announce", "menu_announce", in_groups=False, audience="admins"),
    BuiltinCommand("stats", "menu_stats", in_groups=False, audience="admins"),
    BuiltinCommand("reload", "menu_reload", in_groups=False, audience="admins"),
    BuiltinCommand("reports", "menu_reports"),
)
BUILTIN_NAMES = frozenset(command.name for command in BUILTIN_COMMANDS)
