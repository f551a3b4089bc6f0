"""Storage: chats, subscriptions and digest history (bot.storage._chats)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import pytest

from bot.storage import NotFoundError, Schedule, Storage
from tests.storage import DAILY, T0, WEEKLY, add_chats


def test_upsert_chat_inserts_then_updates_keeping_added_at(db: Storage) -> None:
    first = db.upsert_chat(-100, "group", "Old title", language="zh", now=T0)
    assert first.chat_id == -100 and first.type == "group" and first.active
    assert first.added_at == T0
    second = db.upsert_chat(-100, "supergroup", now=T0 + timedelta(days=1))
    assert second.type == "supergroup"
    assert second.title == "Old title"  # None keeps the stored title
    assert second.language == "zh"
    assert second.added_at == T0
    third = db.upsert_chat(-100, "supergroup", "New title", language="en")
    assert (third.title, third.language) == ("New title", "en")
    assert db.get_chat(-100) == third
    assert db.get_chat(12345) is None


def test_deactivate_and_reactivate_chat(db: Storage) -> None:
    db.upsert_chat(1, "private")
    db.upsert_chat(2, "group")
    assert [c.chat_id for c in db.active_chats()] == [1, 2]
    assert db.set_chat_active(2, False) is True
    chat = db.get_chat(2)
    assert chat is not None and chat.active is False
    assert [c.chat_id for c in db.active_chats()] == [1]
    assert db.set_chat_active(999, False) is False
    db.upsert_chat(2, "group")  # the bot is back in the chat
    assert [c.chat_id for c in db.active_chats()] == [1, 2]
    db.upsert_chat(1, "private", active=False)
    assert [c.chat_id for c in db.active_chats()] == [2]


@pytest.mark.parametrize(
    ("kind", "hour", "minute", "weekday"),
    [
        ("daily", 24, 0, None),
        ("daily", -1, 0, None),
        ("daily", 8, 60, None),
        ("daily", 8, 0, 3),
        ("weekly", 8, 0, None),
        ("weekly", 8, 0, 7),
        ("monthly", 8, 0, None),
    ],
)
def test_invalid_schedules_are_rejected(kind: Any, hour: int, minute: int, weekday: Any) -> None:
    with pytest.raises(ValueError):
        Schedule(kind, hour, minute, weekday)


def test_schema_rejects_inconsistent_schedule_rows(db: Storage) -> None:
    db.upsert_chat(1, "group")
    conn = db.database.connection
    assert conn is not None
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO subscriptions VALUES (1, 'weekly', 8, 0, NULL, 1, '2024-01-01')")


def test_subscription_crud(db: Storage) -> None:
    db.upsert_chat(-100, "group")
    assert db.get_subscription(-100) is None
    sub = db.set_subscription(-100, DAILY, created_by=5, now=T0)
    assert (sub.chat_id, sub.schedule, sub.created_by, sub.created_at) == (-100, DAILY, 5, T0)
    assert db.get_subscription(-100) == sub

    later = T0 + timedelta(hours=1)
    replaced = db.set_subscription(-100, WEEKLY, created_by=6, now=later)
    assert replaced.schedule == WEEKLY and replaced.schedule.weekday == 4
    assert (replaced.created_by, replaced.created_at) == (6, later)
    assert db.all_subscriptions() == [replaced]

    assert db.remove_subscription(-100) is True
    assert db.remove_subscription(-100) is False
    assert db.get_subscription(-100) is None
    assert db.all_subscriptions() == []


def test_subscription_needs_known_chat(db: Storage) -> None:
    with pytest.raises(NotFoundError):
        db.set_subscription(-1, DAILY, created_by=1)


def test_all_subscriptions_only_for_active_chats(db: Storage) -> None:
    add_chats(db)
    assert [s.chat_id for s in db.all_subscriptions()] == [-200, -100]
    db.set_chat_active(-200, False)
    assert [s.chat_id for s in db.all_subscriptions()] == [-100]
    assert db.get_subscription(-200) is not None  # kept, just not scheduled
    db.set_chat_active(-300, True)
    assert [s.chat_id for s in db.all_subscriptions()] == [-300, -100]


def test_digest_history_and_reset(db: Storage) -> None:
    db.upsert_chat(-100, "group")
    db.upsert_chat(-200, "group")
    assert db.sent_digest_items(-100) == set()
    db.mark_digest_sent(-100, ["t1.1", "t1.2"])
    db.mark_digest_sent(-100, iter(["t1.2", "t2.1"]))  # duplicates ignored, any iterable
    db.mark_digest_sent(-200, ["t9.9"])
    assert db.sent_digest_items(-100) == {"t1.1", "t1.2", "t2.1"}
    assert db.sent_digest_items(-200) == {"t9.9"}
    assert db.reset_digest(-100) == 3
    assert db.sent_digest_items(-100) == set()
    assert db.sent_digest_items(-200) == {"t9.9"}
    with pytest.raises(NotFoundError):
        db.mark_digest_sent(-999, ["x"])
