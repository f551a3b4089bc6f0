"""Answers fixed from the chat (table ``learned_aliases``): a question an admin matched to the
right item. The search answers that question with that item at once, and
``python -m bot aliases export`` writes them into the report's YAML for review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage._connection import Database, _dt, _ts


@dataclass(frozen=True, slots=True)
class LearnedAlias:
    key: str  # the question in matching form (bot.normalize.normalize)
    question: str  # as it was asked
    item_id: str
    learned_by: int | None
    learned_at: datetime


class AliasStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def learn_alias(
        self,
        key: str,
        question: str,
        item_id: str,
        learned_by: int | None = None,
        now: datetime | None = None,
    ) -> None:
        """Remember that `question` (matching form `key`) asks for `item_id`; a later fix of
        the same question replaces the earlier one."""
        if not key:
            raise ValueError("an alias needs a question with words in it")
        with self._db.write() as conn:
            conn.execute(
                """
                INSERT INTO learned_aliases (key, question, item_id, learned_by, learned_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET
                    question = excluded.question,
                    item_id = excluded.item_id,
                    learned_by = excluded.learned_by,
                    learned_at = excluded.learned_at
                """,
                (key, question[:500], item_id, learned_by, _ts(now)),
            )

    def forget_alias(self, key: str) -> bool:
        with self._db.write() as conn:
            return conn.execute("DELETE FROM learned_aliases WHERE key = ?", (key,)).rowcount > 0

    def learned_aliases(self) -> list[LearnedAlias]:
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT key, question, item_id, learned_by, learned_at FROM learned_aliases "
                "ORDER BY learned_at, key"
            ).fetchall()
        return [
            LearnedAlias(
                row["key"],
                row["question"],
                row["item_id"],
                row["learned_by"],
                _dt(row["learned_at"]),
            )
            for row in rows
        ]
