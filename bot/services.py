"""The objects every handler needs, kept in `Application.bot_data` under one key.

Handlers reach them through `services(context)`; nothing lives in module globals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.report import KnowledgeBase
from bot.search import ReportIndex
from bot.storage import Storage

SERVICES_KEY = "services"


@dataclass
class Services:
    settings: Settings
    kb: KnowledgeBase
    index: ReportIndex
    storage: Storage
    bot_username: str = ""
    # Background tasks (broadcasts) by id, so shutdown can wait for them.
    tasks: dict[str, Any] = field(default_factory=dict)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids

    def reload(self, kb: KnowledgeBase) -> None:
        """Swap in new data: the index is rebuilt once here, never per message."""
        self.index = ReportIndex(kb)
        self.kb = kb
