"""Unit tests for bot.storage, one file per part of it: plain sqlite, no Telegram."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.storage import Schedule, Storage

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
DAILY = Schedule("daily", 9, 30)
WEEKLY = Schedule("weekly", 18, 0, weekday=4)
EVIL = "'); DROP TABLE chats; -- \" OR 1=1 ; DELETE FROM deliveries; %s {0} ?"


def raw(db: Storage, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Peek at tables that have no public reader (questions/feedback chat ids)."""
    conn = db.database.connection
    assert conn is not None
    return [tuple(row) for row in conn.execute(sql, params).fetchall()]


def add_chats(db: Storage) -> None:
    """Four chats: two subscribed groups, one unsubscribed private chat, one inactive group."""
    db.upsert_chat(-100, "supergroup", "Group A")
    db.upsert_chat(-200, "group", "Group B")
    db.upsert_chat(42, "private", "Alice")
    db.upsert_chat(-300, "group", "Gone", active=False)
    db.set_subscription(-100, DAILY, created_by=1)
    db.set_subscription(-200, WEEKLY, created_by=1)
    db.set_subscription(-300, DAILY, created_by=1)
