"""The objects every handler needs, kept in `Application.bot_data` under one key.

Handlers reach them through `services(context)`; nothing lives in module globals.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.commands import BUILTIN_NAMES
from bot.config import Settings
from bot.conversation import Clock, Dialogue, utc_now
from bot.report import KnowledgeBase, validate_data
from bot.search import ReportIndex, learned_key
from bot.storage import QuestionRecord, Storage
from bot.yamlsource import DataError

SERVICES_KEY = "services"


@dataclass
class Services:
    settings: Settings
    kb: KnowledgeBase
    index: ReportIndex
    storage: Storage
    # Questions wait here and reach the database in batches, off the answer path.
    pending_questions: list[QuestionRecord] = field(default_factory=list)
    # "Now" for conversation contexts; tests replace it to let a context expire.
    clock: Clock = utc_now
    dialogue: Dialogue = field(init=False)
    _reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.dialogue = Dialogue(self.kb, self.index)
        self.index.learned = {a.key: a.item_id for a in self.storage.learned_aliases()}

    async def learn(self, question: str, item_id: str, admin_id: int | None) -> None:
        """An admin's fix: this question asks for this item, from now on and after restarts."""
        key = learned_key(question)
        await asyncio.to_thread(self.storage.learn_alias, key, question, item_id, admin_id)
        self.index.learned[key] = item_id

    async def reload(self) -> list[DataError]:
        """Validate the data folder and, when it is clean, swap in the new reports and index.

        The new index is built in a worker thread while the old one keeps answering; the swap
        itself is two assignments with no await between them, so every update sees either the
        old data or the new, never a mix, and none waits or is lost. On any error nothing
        changes and the errors (file, line, fix) are returned."""
        async with self._reload_lock:
            kb, errors = await asyncio.to_thread(
                validate_data, self.settings.data_dir, BUILTIN_NAMES
            )
            if kb is None:
                return errors
            index = await asyncio.to_thread(ReportIndex, kb)
            index.learned = self.index.learned
            self.kb, self.index, self.dialogue = kb, index, Dialogue(kb, index)
            return []

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids

    def record_question(
        self, chat_id: int, user_id: int | None, text: str, answered: bool, top: str | None
    ) -> None:
        self.pending_questions.append(
            QuestionRecord(chat_id, user_id, text, answered, top, datetime.now(UTC))
        )

    async def flush_questions(self) -> int:
        batch, self.pending_questions = self.pending_questions, []
        return await asyncio.to_thread(self.storage.log_questions, batch) if batch else 0
