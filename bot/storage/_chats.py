"""Chats, their digest subscriptions and digest history (tables ``chats``, ``subscriptions``,
``digest_sent``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.storage._connection import Database, NotFoundError, _dt, _ts

ScheduleKind = Literal["daily", "weekly"]


@dataclass(frozen=True, slots=True)
class ChatRecord:
    chat_id: int
    type: str
    title: str | None
    active: bool
    added_at: datetime
    language: str | None


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a digest goes out (UTC). ``weekday``: 0 = Monday … 6 = Sunday, weekly only."""

    kind: ScheduleKind
    hour: int
    minute: int
    weekday: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("daily", "weekly"):
            raise ValueError(f"schedule kind must be 'daily' or 'weekly', not {self.kind!r}")
        if not 0 <= self.hour <= 23:
            raise ValueError(f"hour must be 0..23, not {self.hour}")
        if not 0 <= self.minute <= 59:
            raise ValueError(f"minute must be 0..59, not {self.minute}")
        if self.kind == "daily" and self.weekday is not None:
            raise ValueError("a daily schedule has no weekday")
        if self.kind == "weekly" and (self.weekday is None or not 0 <= self.weekday <= 6):
            raise ValueError(f"a weekly schedule needs weekday 0..6, not {self.weekday}")


@dataclass(frozen=True, slots=True)
class Subscription:
    chat_id: int
    schedule: Schedule
    created_by: int
    created_at: datetime


def _chat(row: sqlite3.Row) -> ChatRecord:
    return ChatRecord(
        chat_id=row["chat_id"],
        type=row["type"],
        title=row["title"],
        active=bool(row["active"]),
        added_at=_dt(row["added_at"]),
        language=row["language"],
    )


def _subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(
        chat_id=row["chat_id"],
        schedule=Schedule(row["kind"], row["hour"], row["minute"], row["weekday"]),
        created_by=row["created_by"],
        created_at=_dt(row["created_at"]),
    )


class ChatStore:
    """Chats the bot is in (active or not) and what each is subscribed to."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def upsert_chat(
        self,
        chat_id: int,
        type: str,
        title: str | None = None,
        language: str | None = None,
        active: bool = True,
        *,
        now: datetime | None = None,
    ) -> ChatRecord:
        """Insert or update a chat. ``None`` title/language keep what is stored."""
        stamp = _ts(now)
        with self._db.write() as conn:
            row = conn.execute(
                """
                INSERT INTO chats (chat_id, type, title, active, language, added_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (chat_id) DO UPDATE SET
                    type = excluded.type,
                    title = COALESCE(excluded.title, chats.title),
                    active = excluded.active,
                    language = COALESCE(excluded.language, chats.language),
                    updated_at = excluded.updated_at
                RETURNING *
                """,
                (chat_id, type, title, int(active), language, stamp, stamp),
            ).fetchone()
            return _chat(row)

    def set_chat_active(self, chat_id: int, active: bool, *, now: datetime | None = None) -> bool:
        """Mark a chat (in)active; False when the chat is unknown."""
        with self._db.write() as conn:
            cur = conn.execute(
                "UPDATE chats SET active = ?, updated_at = ? WHERE chat_id = ?",
                (int(active), _ts(now), chat_id),
            )
            return cur.rowcount == 1

    def get_chat(self, chat_id: int) -> ChatRecord | None:
        with self._db.read() as conn:
            row = conn.execute("SELECT * FROM chats WHERE chat_id = ?", (chat_id,)).fetchone()
            return None if row is None else _chat(row)

    def active_chats(self) -> list[ChatRecord]:
        with self._db.read() as conn:
            rows = conn.execute("SELECT * FROM chats WHERE active = 1 ORDER BY chat_id").fetchall()
            return [_chat(row) for row in rows]

    def set_subscription(
        self, chat_id: int, schedule: Schedule, created_by: int, *, now: datetime | None = None
    ) -> Subscription:
        """Create or replace the chat's digest schedule (``created_*`` describe the latest set)."""
        stamp = _ts(now)
        with self._db.write() as conn:
            if conn.execute("SELECT 1 FROM chats WHERE chat_id = ?", (chat_id,)).fetchone() is None:
                raise NotFoundError(f"chat {chat_id} is unknown; upsert_chat it first")
            row = conn.execute(
                """
                INSERT INTO subscriptions (chat_id, kind, hour, minute, weekday, created_by,
                                           created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (chat_id) DO UPDATE SET
                    kind = excluded.kind, hour = excluded.hour, minute = excluded.minute,
                    weekday = excluded.weekday, created_by = excluded.created_by,
                    created_at = excluded.created_at
                RETURNING *
                """,
                (
                    chat_id,
                    schedule.kind,
                    schedule.hour,
                    schedule.minute,
                    schedule.weekday,
                    created_by,
                    stamp,
                ),
            ).fetchone()
            return _subscription(row)

    def remove_subscription(self, chat_id: int) -> bool:
        with self._db.write() as conn:
            cur = conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            return cur.rowcount == 1

    def get_subscription(self, chat_id: int) -> Subscription | None:
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT * FROM subscriptions WHERE chat_id = ?", (chat_id,)
            ).fetchone()
            return None if row is None else _subscription(row)

    def all_subscriptions(self) -> list[Subscription]:
        """Subscriptions of active chats only, by chat id."""
        with self._db.read() as conn:
            rows = conn.execute(
                """
                SELECT s.* FROM subscriptions AS s JOIN chats AS c USING (chat_id)
                WHERE c.active = 1 ORDER BY s.chat_id
                """
            ).fetchall()
            return [_subscription(row) for row in rows]

    def sent_digest_items(self, chat_id: int) -> set[str]:
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT item_id FROM digest_sent WHERE chat_id = ?", (chat_id,)
            ).fetchall()
            return {row["item_id"] for row in rows}

    def mark_digest_sent(
        self, chat_id: int, item_ids: Iterable[str], *, now: datetime | None = None
    ) -> None:
        stamp = _ts(now)
        items = [(chat_id, item_id, stamp) for item_id in item_ids]
        with self._db.write() as conn:
            if conn.execute("SELECT 1 FROM chats WHERE chat_id = ?", (chat_id,)).fetchone() is None:
                raise NotFoundError(f"chat {chat_id} is unknown; upsert_chat it first")
            conn.executemany(
                "INSERT OR IGNORE INTO digest_sent (chat_id, item_id, sent_at) VALUES (?, ?, ?)",
                items,
            )

    def reset_digest(self, chat_id: int) -> int:
        """Forget which items the chat has seen; returns how many were forgotten."""
        with self._db.write() as conn:
            return conn.execute("DELETE FROM digest_sent WHERE chat_id = ?", (chat_id,)).rowcount

    @staticmethod
    def _move_chat(
        conn: sqlite3.Connection, old_id: int, new_id: int, new_type: str | None, stamp: str
    ) -> None:
        """The chats/subscriptions/digest part of :meth:`Storage.migrate_chat` (its transaction)."""
        old = conn.execute("SELECT * FROM chats WHERE chat_id = ?", (old_id,)).fetchone()
        new = conn.execute("SELECT * FROM chats WHERE chat_id = ?", (new_id,)).fetchone()
        if old is not None:
            if new is None:
                conn.execute(
                    """
                    INSERT INTO chats
                        (chat_id, type, title, active, language, added_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    (
                        new_id,
                        new_type or old["type"],
                        old["title"],
                        old["active"],
                        old["language"],
                        old["added_at"],
                        stamp,
                    ),
                )
            else:
                conn.execute(
                    """
                    UPDATE chats SET
                        type = COALESCE(?, type),
                        title = COALESCE(title, ?),
                        language = COALESCE(language, ?),
                        updated_at = ?
                    WHERE chat_id = ?
                    """,
                    (new_type, old["title"], old["language"], stamp, new_id),
                )
            conn.execute(
                """
                UPDATE chats SET active = 0, migrated_to = ?, updated_at = ?
                WHERE chat_id = ?
                """,
                (new_id, stamp, old_id),
            )
            has_new_sub = conn.execute(
                "SELECT 1 FROM subscriptions WHERE chat_id = ?", (new_id,)
            ).fetchone()
            if has_new_sub:
                conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", (old_id,))
            else:
                conn.execute(
                    "UPDATE subscriptions SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
                )
            conn.execute(
                """
                INSERT OR IGNORE INTO digest_sent (chat_id, item_id, sent_at)
                SELECT ?, item_id, sent_at FROM digest_sent WHERE chat_id = ?
                """,
                (new_id, old_id),
            )
            conn.execute("DELETE FROM digest_sent WHERE chat_id = ?", (old_id,))

    @staticmethod
    def _counts(conn: sqlite3.Connection) -> tuple[dict[str, int], int, int]:
        """For :meth:`Storage.stats`: active chats by type, inactive chats, subscriptions of
        active chats."""
        by_type = {
            row["type"]: int(row["n"])
            for row in conn.execute(
                "SELECT type, COUNT(*) AS n FROM chats WHERE active = 1 GROUP BY type ORDER BY type"
            )
        }
        inactive = conn.execute("SELECT COUNT(*) FROM chats WHERE active = 0").fetchone()[0]
        subscriptions = conn.execute(
            """
            SELECT COUNT(*) FROM subscriptions AS s JOIN chats AS c USING (chat_id)
            WHERE c.active = 1
            """
        ).fetchone()[0]
        return by_type, int(inactive), int(subscriptions)
