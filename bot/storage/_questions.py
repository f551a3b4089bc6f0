"""The question log and feedback on answers (tables ``questions``, ``feedback``)."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from bot.storage._connection import Database, _ts

QUESTION_MAX_CHARS: Final = 500


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    chat_id: int
    user_id: int | None
    text: str
    answered: bool
    top_item_id: str | None
    at: datetime | None = None


_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = " \t\n?？!！。.,，、;；:：~～…\"'“”‘’「」『』()（）"


def normalize_question(text: str) -> str:
    """The key questions are grouped by: NFKC, case-folded, single spaces, no edge punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SPACES.sub(" ", text).strip(_EDGE_PUNCTUATION)


class QuestionStore:
    """What was asked (and whether it was answered), and the 👍/👎 votes on answers."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def log_question(
        self,
        chat_id: int,
        user_id: int | None,
        text: str,
        answered: bool,
        top_item_id: str | None,
        at: datetime | None = None,
    ) -> None:
        stored = text[:QUESTION_MAX_CHARS]
        with self._db.write() as conn:
            conn.execute(
                """
                INSERT INTO questions
                    (chat_id, user_id, text, normalized, answered, top_item_id, asked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    chat_id,
                    user_id,
                    stored,
                    normalize_question(stored),
                    int(answered),
                    top_item_id,
                    _ts(at),
                ),
            )

    def log_questions(self, records: Iterable[QuestionRecord]) -> int:
        """Many questions in one transaction (the bot buffers them off the answer path)."""
        rows = [
            (
                r.chat_id,
                r.user_id,
                r.text[:QUESTION_MAX_CHARS],
                normalize_question(r.text[:QUESTION_MAX_CHARS]),
                int(r.answered),
                r.top_item_id,
                _ts(r.at),
            )
            for r in records
        ]
        if not rows:
            return 0
        with self._db.write() as conn:
            conn.executemany(
                """
                INSERT INTO questions
                    (chat_id, user_id, text, normalized, answered, top_item_id, asked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                rows,
            )
        return len(rows)

    def questions_since(self, since: datetime) -> int:
        with self._db.read() as conn:
            return self._questions_since(conn, _ts(since))

    @staticmethod
    def _questions_since(conn: sqlite3.Connection, since: str) -> int:
        row = conn.execute("SELECT COUNT(*) FROM questions WHERE asked_at >= ?", (since,))
        return int(row.fetchone()[0])

    def top_unanswered(
        self, limit: int = 10, since: datetime | None = None
    ) -> list[tuple[str, int]]:
        """Most frequent unanswered questions (normalized text, count); ties: most recent first."""
        with self._db.read() as conn:
            return self._top_unanswered(conn, limit, None if since is None else _ts(since))

    @staticmethod
    def _top_unanswered(
        conn: sqlite3.Connection, limit: int, since: str | None
    ) -> list[tuple[str, int]]:
        rows = conn.execute(
            """
            SELECT normalized, COUNT(*) AS n, MAX(asked_at) AS last FROM questions
            WHERE answered = 0 AND normalized != '' AND (? IS NULL OR asked_at >= ?)
            GROUP BY normalized ORDER BY n DESC, last DESC, normalized LIMIT ?
            """,
            (since, since, limit),
        ).fetchall()
        return [(row["normalized"], int(row["n"])) for row in rows]

    def record_feedback(
        self,
        user_id: int,
        item_id: str,
        vote: int,
        question: str | None = None,
        *,
        chat_id: int | None = None,
        now: datetime | None = None,
    ) -> None:
        """One vote per (user, item): a later vote replaces the earlier one."""
        if vote not in (1, -1):
            raise ValueError(f"vote must be +1 or -1, not {vote!r}")
        stamp = _ts(now)
        with self._db.write() as conn:
            conn.execute(
                """
                INSERT INTO feedback
                    (user_id, item_id, vote, question, chat_id, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, item_id) DO UPDATE SET
                    vote = excluded.vote,
                    question = COALESCE(excluded.question, feedback.question),
                    chat_id = COALESCE(excluded.chat_id, feedback.chat_id),
                    updated_at = excluded.updated_at
                """,
                (
                    user_id,
                    item_id,
                    vote,
                    None if question is None else question[:QUESTION_MAX_CHARS],
                    chat_id,
                    stamp,
                    stamp,
                ),
            )

    def feedback_counts(self) -> dict[str, int]:
        with self._db.read() as conn:
            return self._feedback_counts(conn)

    @staticmethod
    def _feedback_counts(conn: sqlite3.Connection) -> dict[str, int]:
        row = conn.execute(
            """
            SELECT COALESCE(SUM(vote = 1), 0) AS up, COALESCE(SUM(vote = -1), 0) AS down
            FROM feedback
            """
        ).fetchone()
        return {"up": int(row["up"]), "down": int(row["down"])}

    def feedback_by_item(self, limit: int = 10) -> list[tuple[str, int, int]]:
        """(item_id, up, down) for the most-voted items, most votes first."""
        with self._db.read() as conn:
            rows = conn.execute(
                """
                SELECT item_id, SUM(vote = 1) AS up, SUM(vote = -1) AS down FROM feedback
                GROUP BY item_id ORDER BY COUNT(*) DESC, down DESC, item_id LIMIT ?
                """,
                (limit,),
            ).fetchall()
            return [(row["item_id"], int(row["up"]), int(row["down"])) for row in rows]

    def disliked_questions(self, limit: int = 10) -> list[tuple[str, str, int]]:
        """(question, item_id, 👎 votes) for answers people said were wrong, most first."""
        with self._db.read() as conn:
            rows = conn.execute(
                """
                SELECT question, item_id, COUNT(*) AS n, MAX(updated_at) AS last FROM feedback
                WHERE vote = -1 AND question IS NOT NULL AND question != ''
                GROUP BY question, item_id ORDER BY n DESC, last DESC LIMIT ?
                """,
                (limit,),
            ).fetchall()
            return [(row["question"], row["item_id"], int(row["n"])) for row in rows]

    @staticmethod
    def _rekey_chat(conn: sqlite3.Connection, old_id: int, new_id: int) -> None:
        """The questions/feedback part of :meth:`Storage.migrate_chat` (its transaction)."""
        conn.execute("UPDATE questions SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
        conn.execute("UPDATE feedback SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))

    @staticmethod
    def _asked_answered(conn: sqlite3.Connection, since: str) -> tuple[int, int]:
        """For :meth:`Storage.stats`: questions asked since ``since`` and how many answered."""
        asked, answered = conn.execute(
            """
            SELECT COUNT(*), COALESCE(SUM(answered), 0) FROM questions WHERE asked_at >= ?
            """,
            (since,),
        ).fetchone()
        return int(asked), int(answered)
